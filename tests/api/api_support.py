"""Helpers shared by the API tests.

The root conftest cannot be imported by name (tests/storage has a conftest.py too, so which
module "conftest" is depends on collection order); fixtures come from it, helpers from here.

Reads have two execution paths: "strawberry" is the resolver/DataLoader path
(GRAPHQL_COMPILED off); "served" is the app as deployed (the compiled path first, falling back to
Strawberry). The API tests run on both, so the resolvers are tested directly and the product
is tested as clients see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from http_support import GraphQL, client

PATHS = ["strawberry", "served"]


def server_for(
    path: str, make_live_server: Callable[..., Any], database_url: str, served: Any
) -> Any:
    """The live server of one execution path on ``database_url``."""
    if path == "served":
        return served
    return make_live_server(database_url, graphql_compiled=False)


def path_fixture() -> Any:
    """A module-scoped fixture ``api``: a GraphQL client, once per path, after seeding."""

    @pytest.fixture(scope="module", params=PATHS)
    def api(
        request: pytest.FixtureRequest,
        seeded: Any,
        make_module_live_server: Callable[..., Any],
        database_url: str,
        live_server: Any,
    ) -> GraphQL:
        make = make_module_live_server
        return client(server_for(request.param, make, database_url, live_server).url)

    return api

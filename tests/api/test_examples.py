"""The example queries GraphiQL opens with are documentation: each must run, and the mission's
examples must answer on the two documents the product was specified from."""

from __future__ import annotations

from typing import Any

import pytest
from http_support import GraphQL

from service.api.graphiql import example_queries, render_page

EXAMPLES = example_queries()


def _nodes(data: dict[str, Any]) -> list[Any]:
    """The first list of results in a response: a connection's nodes or edges, or a list."""
    (value,) = data.values()
    if isinstance(value, list):
        return value
    return value.get("nodes") or value.get("edges") or []


def test_graphiql_opens_with_several_examples() -> None:
    assert len(EXAMPLES) >= 5
    page = render_page("nonce")
    assert "explorerPlugin" in page and "defaultTabs" in page
    for query in EXAMPLES:
        first = next(line for line in query.splitlines() if not line.startswith("#"))
        assert first.startswith("query "), "examples are named: the name is the tab's title"


@pytest.mark.parametrize("query", EXAMPLES, ids=lambda q: q.split("query ", 1)[1].split()[0])
async def test_every_example_runs_and_finds_something(
    graphql: GraphQL, seeded: dict[str, Any], query: str
) -> None:
    body = await graphql(query)
    assert "errors" not in body, body
    assert _nodes(body["data"]), f"the example found nothing on the seed documents: {body}"

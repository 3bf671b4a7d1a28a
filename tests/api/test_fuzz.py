"""Generated GraphQL documents against the running service: whatever a client sends, the
answer is a GraphQL answer (data or errors with a code), never a 5xx or an internal error.

hypothesis-graphql builds documents from the served schema: valid ones with arbitrary
arguments (mode POSITIVE) and invalid ones (NEGATIVE: wrong types, missing arguments). The
suite runs a bounded number of each; set FUZZ_EXAMPLES for a longer run (bench/README.md).
Mutations go without a token, so they can only be refused.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from service.api.schema import schema

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SDL = str(schema)
SCALARS = {
    "Date": st.dates().map(nodes.String),
    "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat())),
    "JSON": st.text(max_size=20).map(nodes.String),
}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def check(http: httpx.Client, query: str) -> None:
    response = http.post("/graphql", json={"query": query})
    assert response.status_code < 500, (query, response.text[:500])
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR", (query, error)
        assert error.get("message") != "Internal server error", (query, error)


@pytest.fixture(scope="module")
def http(live_server: Any, seeded: Any) -> Any:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client


@FUZZ
@given(query=from_schema(SDL, custom_scalars=SCALARS, mode=Mode.POSITIVE))
def test_valid_generated_documents_get_graphql_answers(http: httpx.Client, query: str) -> None:
    check(http, query)


@FUZZ
@given(query=from_schema(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE))
def test_invalid_generated_documents_get_graphql_errors(http: httpx.Client, query: str) -> None:
    check(http, query)

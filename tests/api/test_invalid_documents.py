"""Invalid documents are refused by validation (a request error), never with HTTP 500.

Strawberry's depth limiter used to raise on an unknown fragment or an empty selection set
before validation reported it: 500 and a traceback in the log. Both read paths are checked.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from api_support import PATHS, server_for

INVALID = {
    "unknown fragment": ("{ __typename ...F }", "Unknown fragment 'F'"),
    "empty selection set": ("{ persons { } }", "must select at least one field"),
    "empty root selection set": ("{ }", "must select at least one field"),
    "empty inline fragment": ("{ __typename ... { } }", "must select at least one field"),
    "empty typed inline fragment": ("{ ... on Query { } }", "must select at least one field"),
}


def post(url: str, query: str, accept: str) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json={"query": query}, headers={"Accept": accept})


@pytest.fixture(scope="module", params=PATHS)
def url(
    request: pytest.FixtureRequest,
    make_module_live_server: Any,
    database_url: str,
    live_server: Any,
) -> str:
    """The served app (compiled path first) and the Strawberry-only one."""
    return server_for(request.param, make_module_live_server, database_url, live_server).url


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_documents_are_validation_errors(
    url: str, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    query, message = INVALID[case]
    with caplog.at_level(logging.ERROR):
        strict = post(url, query, "application/graphql-response+json")
        legacy = post(url, query, "application/json")
    assert strict.status_code == 400, strict.text
    assert legacy.status_code == 200, legacy.text
    for response in (strict, legacy):
        body = response.json()
        assert "data" not in body
        assert message in body["errors"][0]["message"]
        assert body["errors"][0].get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR"
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_many_nested_fragment_spreads_are_measured_quickly(url: str) -> None:
    """Ten levels of ten spreads: 10^10 paths if each spread were walked again."""
    fragments = ["fragment F0 on Query { __typename }"]
    for level in range(1, 11):
        spreads = " ".join(f"...F{level - 1}" for _ in range(10))
        fragments.append(f"fragment F{level} on Query {{ {spreads} }}")
    query = "{ ...F10 } " + " ".join(fragments)
    response = httpx.post(f"{url}/graphql", json={"query": query}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}

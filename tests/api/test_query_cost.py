"""The query cost limit (nodes a query may return, known before it runs) and the response cap.

Over HTTP on both read paths: a cheap document that would fan out into millions of nodes is
refused with its cost and the limit before any SQL runs; a response over MAX_RESPONSE_BYTES
is withheld with an error saying so.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api_support import PATHS

from service.config import Settings


def nested(levels: int, page: int | str = 100) -> str:
    """statements -> event -> statements ... with `levels` connections of `page` items."""
    inner = "totalCount"
    for _ in range(levels - 1):
        inner = f"nodes {{ event {{ statements(first: {page}) {{ {inner} }} }} }}"
    return f"{{ statements(first: {page}) {{ {inner} }} }}"


def post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"X-Debug-Sql-Count": "1"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:300]
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=PATHS)
def servers(
    request: pytest.FixtureRequest, seeded: Any, make_module_live_server: Any, database_url: str
) -> dict[str, str]:
    """A default server and one with small limits, on the path under test."""
    compiled = request.param == "served"
    return {
        "default": make_module_live_server(database_url, graphql_compiled=compiled).url,
        "small": make_module_live_server(
            database_url,
            graphql_compiled=compiled,
            max_query_cost=50,
            max_response_bytes=2048,
        ).url,
    }


def test_a_fan_out_is_refused_with_its_cost_before_any_sql(servers: dict[str, str]) -> None:
    body = post(servers["default"], nested(3))
    [error] = body["errors"]
    limit = Settings().max_query_cost
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 1_010_100, "limit": limit}
    assert "1010100" in error["message"] and str(limit) in error["message"]
    assert "data" not in body
    assert body.get("extensions", {}).get("sqlStatements", 0) == 0  # nothing ran


def test_costs_add_up_over_paths_and_count_variables_at_the_cap(servers: dict[str, str]) -> None:
    small = servers["small"]
    assert "errors" not in post(small, "{ a: topics(first: 25) { totalCount } "
                                       "b: persons(first: 25) { totalCount } }")  # fmt: skip
    over = post(
        small, "{ a: topics(first: 25) { totalCount } b: persons(first: 26) { totalCount } }"
    )
    assert over["errors"][0]["extensions"]["cost"] == 51
    by_variable = post(small, "query($n: Int) { topics(first: $n) { totalCount } }", {"n": 1})
    assert by_variable["errors"][0]["extensions"]["cost"] == Settings().max_page_size
    default_page = post(
        small, "{ a: topics { totalCount } b: persons { totalCount } c: events { totalCount } }"
    )
    assert default_page["errors"][0]["extensions"]["cost"] == 60  # 3 x the default page, 20


def test_ordinary_queries_stay_under_the_limit(servers: dict[str, str]) -> None:
    assert "errors" not in post(servers["default"], nested(2))


def test_a_response_over_the_cap_is_withheld(servers: dict[str, str]) -> None:
    body = post(servers["small"], "{ documents(first: 1) { nodes { text } } }")
    [error] = body["errors"]
    assert body["data"] is None
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["limit"] == 2048 and error["extensions"]["size"] > 2048
    assert "errors" not in post(servers["small"], "{ documents(first: 1) { nodes { id } } }")

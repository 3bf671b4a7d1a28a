"""No N+1: the SQL statements a request costs depend on its shape, not on how many items it
returns. The server reports the count in extensions.sqlStatements when asked with the
X-Debug-Sql-Count header (service.api.context.SQL_COUNT_HEADER)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from api_support import PATHS, server_for

from service.api.context import SQL_COUNT_HEADER


@pytest.fixture(scope="module", params=PATHS)
def server(
    request: pytest.FixtureRequest,
    seeded: Any,
    make_module_live_server: Any,
    database_url: str,
) -> Iterator[Any]:
    """The path's server with no name cache (NAME_CACHE_SIZE=0): the counts here are of
    requests that resolve their names, whichever request first used a name. Stopped after
    the module, which frees its connections."""
    uncached = partial(make_module_live_server, name_cache_size=0)
    served = uncached(database_url) if request.param == "served" else None
    server = server_for(request.param, uncached, database_url, served)
    yield server
    server.__exit__()


MISSION = """
query($first: Int!) {
  statements(filter: {speaker: "Nazarbayev"}, first: $first) {
    totalCount
    nodes {
      text sequence kind
      speaker { name }
      event { title date }
      topics { slug name }
      figures { text value unit }
    }
  }
}
"""
EVERYTHING = """
query($first: Int!) {
  statements(first: $first) {
    totalCount
    nodes {
      text
      speaker { name aliases titles statementCount }
      event {
        title organisations { name } document { filename }
        participants { label person { name } affiliation { name } }
      }
      topics { slug statementCount }
      organisations { name aliases }
      figures { text speaker { name } statement { id } }
      inReplyTo { id speaker { name } }
      replies { id }
    }
  }
}
"""
EVENTS = """
query($first: Int!) {
  events(first: $first) {
    totalCount
    nodes {
      title
      statements(first: 10) { totalCount nodes { text speaker { name } } }
    }
  }
}
"""
PERSONS = """
query($first: Int!) {
  persons(first: $first) {
    nodes {
      name statementCount
      statements(first: 3) { nodes { text event { title } topics { slug } } }
      events(first: 2) { totalCount nodes { title } }
    }
  }
}
"""
SEARCH = """
query($first: Int!) {
  search(query: "Afghanistan", first: $first) {
    totalCount nodes { rank highlight statement { speaker { name } event { title } } }
  }
}
"""


async def sql_statements(server: Any, query: str, variables: dict[str, Any]) -> int:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={SQL_COUNT_HEADER: "1"},
        )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["extensions"]["sqlStatements"]


@pytest.mark.parametrize(
    ("query", "small", "large", "bound"),
    [
        (MISSION, 1, 100, 8),
        (EVERYTHING, 10, 100, 20),
        (EVENTS, 1, 20, 5),
        (PERSONS, 3, 100, 8),
        (SEARCH, 1, 100, 8),
    ],
    ids=["mission", "everything", "events-with-statements", "persons", "search"],
)
async def test_statement_count_is_independent_of_page_size(
    server: Any, query: str, small: int, large: int, bound: int
) -> None:
    few = await sql_statements(server, query, {"first": small})
    many = await sql_statements(server, query, {"first": large})
    assert few == many, (few, many)
    assert many <= bound, many


async def test_the_counts_reported(server: Any) -> None:
    """Documents the two scenarios of the brief (see the report) and pins them down."""
    mission = await sql_statements(server, MISSION, {"first": 100})
    events = await sql_statements(server, EVENTS, {"first": 20})
    print(
        f"\nSQL statements: mission page of 100 = {mission}; 20 events x 10 statements = {events}"
    )
    assert mission <= 8
    assert events <= 5

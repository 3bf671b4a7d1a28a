"""Which statements PostgreSQL plans once per connection (generic) and which per execution.

An unfiltered search may run on one generic plan: planning locks every index of every table a
statement reads, and on PostgreSQL before 18 that many locks queue backends on the shared lock
manager. Everything else keeps a plan per execution, as the service's sessions start: there
the best plan depends on the values (a speaker with ten statements or fifty thousand).
Checked in PostgreSQL's own record of the connection's prepared statements.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from service import database
from service.api.compiler.execute import CompiledExecutor
from service.api.context import new_context
from service.api.executors import GraphQLParams, StrawberryExecutor
from service.api.reader import Reader
from service.api.schema import build_schema
from service.config import Settings

UNFILTERED = '{ search(query: "security", first: 5) { nodes { rank statement { text } } } }'
FILTERED = {
    "a filtered search": '{ search(query: "security", filter: {dateFrom: "2005-01-01"})'
    " { nodes { rank } } }",
    "a search with a filtered connection below": '{ search(query: "security") { nodes {'
    ' statement { speaker { statements(filter: {dateTo: "2010-01-01"}) { totalCount } } } } } }',
    "statements": '{ statements(filter: {text: "security"}) { nodes { text } } }',
}
COMPILED = "SELECT convert_to((%"  # how every compiled statement starts
# Each query runs twice: PostgreSQL's counts then show whether it planned the statement again
# (custom) or reused one plan (generic).
RUNS = 2


@pytest.fixture
async def one_connection_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The service's pool with one connection: every request and check uses the same one."""
    settings = Settings(database_url=database_url, db_pool_size=1)
    pool = await database.create_pool(database_url, settings)
    yield pool
    await pool.close()


async def _plans(pool: asyncpg.Pool, like: str) -> tuple[int, int]:
    """(generic, custom) plans of the connection's prepared statements matching ``like``."""
    row = await pool.fetchrow(
        "SELECT coalesce(sum(generic_plans), 0) AS generic, coalesce(sum(custom_plans), 0)"
        " AS custom FROM pg_prepared_statements WHERE statement LIKE $1",
        like,
    )
    return row["generic"], row["custom"]


async def _run_compiled(pool: asyncpg.Pool, query: str) -> None:
    settings = Settings()
    schema = build_schema(settings)
    executor = CompiledExecutor(schema, settings, StrawberryExecutor(schema))
    for _ in range(RUNS):
        body = await executor.run(
            GraphQLParams(query, None, None, None), new_context(pool, settings)
        )
        assert b'"errors"' not in body


async def test_an_unfiltered_search_is_planned_once(one_connection_pool: asyncpg.Pool) -> None:
    await _run_compiled(one_connection_pool, UNFILTERED)
    generic, custom = await _plans(one_connection_pool, COMPILED)
    assert (generic, custom) == (RUNS, 0)


@pytest.mark.parametrize("query", FILTERED.values(), ids=FILTERED.keys())
async def test_other_statements_are_planned_per_execution(
    one_connection_pool: asyncpg.Pool, query: str
) -> None:
    await _run_compiled(one_connection_pool, UNFILTERED)  # leaves the connection generic
    await _run_compiled(one_connection_pool, query)
    generic, custom = await _plans(one_connection_pool, COMPILED)
    assert (generic, custom) == (RUNS, RUNS)  # the unfiltered search's, then this query's


async def test_a_connection_lent_out_plans_per_execution(
    one_connection_pool: asyncpg.Pool,
) -> None:
    """Writes borrow a connection through Reader.connection and run their own statements."""
    reader = Reader(one_connection_pool, 5000)
    await reader.fetch("SELECT $1::int AS one", 1, generic_plan=True)
    async with reader.connection() as conn:
        assert await conn.fetchval("SHOW plan_cache_mode") == "force_custom_plan"
    mode = await reader.fetch("SELECT current_setting('plan_cache_mode') AS m", generic_plan=True)
    assert mode[0]["m"] == "force_generic_plan"

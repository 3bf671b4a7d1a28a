"""The service's connection pool: the session it gives every statement, and what a release
leaves behind (it skips asyncpg's reset query, so the service must leave no session state)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from service import database
from service.config import Settings


@asynccontextmanager
async def service_pool(database_url: str, **settings: Any) -> AsyncIterator[asyncpg.Pool]:
    """The pool the service makes, with one connection, so a release hands the same one on."""
    config = Settings(database_url=database_url, db_pool_size=1, **settings)
    pool = await database.create_pool(database_url, config)
    try:
        yield pool
    finally:
        await pool.close()


async def test_pool_sessions_carry_the_service_settings(database_url: str) -> None:
    names = ("statement_timeout", "jit", "plan_cache_mode", "application_name")
    async with (
        service_pool(database_url, statement_timeout_ms=1234) as pool,
        pool.acquire() as conn,
    ):
        shown = {name: await conn.fetchval(f"SHOW {name}") for name in names}
    assert shown == {
        "statement_timeout": "1234ms",
        "jit": "off",
        "plan_cache_mode": "force_custom_plan",
        "application_name": "transcripts-service",
    }


async def test_a_transaction_left_open_is_rolled_back_on_release(database_url: str) -> None:
    async with service_pool(database_url) as pool:
        conn = await pool.acquire()
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMPORARY TABLE left_open (x int)")
        await pool.release(conn)
        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT to_regclass('pg_temp.left_open')") is None


async def test_the_reset_query_is_skipped(database_url: str) -> None:
    """Deliberate (one round trip less per request): a session setting would outlive release."""
    async with service_pool(database_url) as pool:
        async with pool.acquire() as conn:
            assert isinstance(conn, database.PooledConnection)
            await conn.execute("SET search_path = pg_catalog, public")
        async with pool.acquire() as again:
            assert await again.fetchval("SHOW search_path") == "pg_catalog, public"

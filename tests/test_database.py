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


def pooler_settings(database_url: str, **settings: Any) -> Settings:
    return Settings(
        database_url=database_url, database_pooler="pgbouncer", db_pool_size=1, **settings
    )


async def test_behind_a_pooler_settings_are_per_transaction(database_url: str) -> None:
    """No startup parameter PgBouncer would refuse, nothing left on the session: every
    statement of a Reader, and every block of ``connection()``, sets its own, locally."""
    from service.api.context import new_context

    plain = await asyncpg.connect(database_url)
    try:
        default = await plain.fetchval("SHOW statement_timeout")
    finally:
        await plain.close()
    settings = pooler_settings(database_url, statement_timeout_ms=1234)
    pool = await database.create_pool(database_url, settings)
    try:
        ctx = new_context(pool, settings)
        local = "SELECT current_setting('statement_timeout'), current_setting('jit_above_cost')"
        assert tuple((await ctx.db.fetch(local))[0]) == ("1234ms", "-1")
        async with ctx.db.connection() as conn:
            assert await conn.fetchval("SHOW statement_timeout") == "1234ms"
        async with pool.acquire() as conn:  # the one connection both used
            assert await conn.fetchval("SHOW statement_timeout") == default
            assert await conn.fetchval("SHOW application_name") == "transcripts-service"
            assert await conn.fetchval("SHOW plan_cache_mode") == "auto"
    finally:
        await pool.close()


async def test_behind_a_pooler_no_prepared_statement_outlives_a_transaction(
    database_url: str,
) -> None:
    """The statement cache is off, and a statement named in a block (asyncpg names a cursor's)
    is deallocated before the block's transaction ends; without a pooler statements are kept."""
    from service.api.context import new_context

    count = "SELECT count(*) FROM pg_prepared_statements"
    for settings, kept in (
        (pooler_settings(database_url), False),
        (Settings(database_url=database_url, db_pool_size=1), True),
    ):
        pool = await database.create_pool(database_url, settings)
        try:
            ctx = new_context(pool, settings)
            for _ in range(2):
                await ctx.db.fetch("SELECT id FROM source_document WHERE id = $1", 1)
            if not kept:
                async with ctx.db.connection() as conn:
                    named = await conn.prepare("SELECT generate_series(1, $1::int)", name="kept")
                    assert len(await named.fetch(3)) == 3
                    assert await conn.fetchval(count) == 1  # named, until the block ends
            async with pool.acquire() as conn:
                assert (await conn.fetchval(count) > 0) is kept
        finally:
            await pool.close()


def test_listen_and_migrate_on_the_direct_url() -> None:
    pooled = "postgresql://u@pgbouncer:6432/db"
    direct = "postgresql://u@primary:5432/db"
    both = Settings(database_url=pooled, database_direct_url=direct, database_pooler="pgbouncer")
    assert database.listen_url(both, pooled) == direct
    assert database.direct_url(both, pooled) == direct
    only_pooler = Settings(database_url=pooled, database_pooler="pgbouncer")
    assert database.listen_url(only_pooler, pooled) is None  # a LISTEN there would go silent
    plain = Settings(database_url=direct)
    assert database.listen_url(plain, direct) == database.direct_url(plain, direct) == direct

"""The PostgreSQL settings every API statement runs with, and how they reach the server.

Two ways, chosen by DATABASE_POOLER (service.config):

- Direct (no pooler): the connection is ours alone, so the settings are startup parameters of
  each pooled connection; no statement pays for them.
- Behind a transaction-mode pooler (PgBouncer): a server connection serves other clients
  between our transactions. PgBouncer refuses unknown startup parameters, and a session-level
  SET would leak to whoever gets that server connection next, so each statement runs in a
  transaction that starts with ``SET LOCAL`` (undone by its COMMIT or ROLLBACK).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

APPLICATION_NAME = "transcripts-service"
_CLEANUP_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


def api_settings(statement_timeout_ms: int) -> dict[str, str]:
    """Settings of every API statement (but plan_cache_mode, which the direct pool tracks)."""
    return {
        "statement_timeout": str(statement_timeout_ms),
        # The API's statements are short; JIT-compiling their large generated plans cost
        # 80-100 ms each when measured, far more than running them.
        "jit": "off",
    }


def set_local_sql(statement_timeout_ms: int) -> str:
    """``SET LOCAL`` of every API setting, as one simple-protocol string (one round trip).

    JIT is switched off by cost (jit_above_cost = -1), not by ``jit = off``: asyncpg's type
    introspection reads ``jit``, sets it off for the session and sets back what it read; had it
    read our local 'off', it would leave 'off' as the session's value after our COMMIT, on a
    server connection the pooler then hands to someone else.
    """
    values = api_settings(statement_timeout_ms)
    values.pop("jit")
    values["jit_above_cost"] = "-1"
    return "; ".join(f"SET LOCAL {name} = '{value}'" for name, value in values.items())


@asynccontextmanager
async def local_transaction(conn: asyncpg.Connection, set_local: str) -> AsyncIterator[None]:
    """A transaction whose first statements are ``set_local``: BEGIN and the SETs in one
    round trip. Statements inside must not open transactions of their own (see
    ``settings_scope`` for blocks that do)."""
    await conn.execute(f"BEGIN; {set_local}")
    try:
        yield
    except BaseException:
        if not conn.is_closed() and conn.is_in_transaction():
            with contextlib.suppress(*_CLEANUP_ERRORS):  # else the pool's release rolls back
                await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")


@asynccontextmanager
async def settings_scope(conn: asyncpg.Connection, set_local: str) -> AsyncIterator[None]:
    """A block of statements (a write, an export) with the settings applied, behind a pooler.

    The block runs in a transaction (its own ``conn.transaction()`` become savepoints), inside
    a savepoint of its own, so that even when it fails the transaction is alive to DEALLOCATE
    what it prepared: asyncpg names the statements of cursors and of ``prepare()``, and a named
    statement left on a shared server connection collides with another client's of the same
    name.
    """
    async with conn.transaction():
        await conn.execute(set_local)
        try:
            async with conn.transaction():
                yield
        except BaseException:
            if not conn.is_closed():
                with contextlib.suppress(*_CLEANUP_ERRORS):  # the original error matters more
                    await conn.execute("DEALLOCATE ALL")
            raise
        await conn.execute("DEALLOCATE ALL")

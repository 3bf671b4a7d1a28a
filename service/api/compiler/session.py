"""One pooled connection for the whole compiled request.

The reference path borrows a connection per statement so that its DataLoader batches run in
parallel. The compiled path runs its name look-ups and then its one statement in sequence, so
it holds a single connection instead: one pool checkout, and one reset query on release, per
request rather than per statement. The API's own Reader (timeouts, error mapping, statement
count) runs unchanged over it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from service.api.context import Context
from service.api.loaders import Loaders
from service.api.names import NameResolver
from service.api.reader import Reader


class PinnedPool:
    """The part of asyncpg.Pool a Reader uses, always handing out the same connection, to one
    user at a time (a filter's name look-ups are started concurrently)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()

    def acquire(self) -> _Acquire:
        return _Acquire(self)

    async def release(self, conn: asyncpg.Connection) -> None:
        self._lock.release()


class _Acquire:
    """``await pool.acquire()`` and ``async with pool.acquire()``, as asyncpg allows both."""

    def __init__(self, pool: PinnedPool) -> None:
        self.pool = pool

    async def _get(self) -> asyncpg.Connection:
        await self.pool._lock.acquire()
        return self.pool.conn

    def __await__(self) -> Generator[Any, None, asyncpg.Connection]:
        return self._get().__await__()

    async def __aenter__(self) -> asyncpg.Connection:
        return await self._get()

    async def __aexit__(self, *exc: object) -> None:
        await self.pool.release(self.pool.conn)


@asynccontextmanager
async def pinned_context(ctx: Context) -> AsyncIterator[Context]:
    """A context like ``ctx`` (caller, settings) whose reads all use one connection.

    The connection comes from ``ctx.db`` (its read pool: a replica when there is one), so
    failing to get one is its DATABASE_UNAVAILABLE. It is borrowed as its last user left it:
    each statement sets the plan mode it needs, or behind a pooler runs in a transaction of its
    own that sets what it needs locally (``ctx.db.set_local``).
    """
    async with ctx.db.borrow() as conn:
        db = Reader(
            PinnedPool(conn),  # type: ignore[arg-type]
            ctx.settings.statement_timeout_ms,
            finish_cancelled=False,
            set_local=ctx.db.set_local,
        )
        yield Context(
            settings=ctx.settings,
            pool=ctx.pool,
            db=db,
            loaders=Loaders(db),
            names=NameResolver(db, ctx.name_cache, ctx.names.report),  # one extensions.names
            token=ctx.token,
            request_id=ctx.request_id,
            count_sql=ctx.count_sql,
            name_cache=ctx.name_cache,
        )

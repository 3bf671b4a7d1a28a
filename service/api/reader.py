"""One request's access to PostgreSQL.

Every read query of a request goes through ``Reader.fetch``: it borrows a pooled connection per
statement (so DataLoader batches of one tick run in parallel), counts statements (the N+1
tests read the count), and turns failures the client can act on into errors with a code:
a query cancelled at statement_timeout is TIMEOUT; a database that cannot be reached (or
refuses connections) is DATABASE_UNAVAILABLE; a write on a read-only server is READ_ONLY.
Writes borrow their connection through ``Reader.connection`` for the same mapping. Any other
database error is a fault of ours and is left to the masking of unexpected errors.

Connection roles: reads use ``pool`` (the read replica when there is one), ``connection``
uses ``primary``, and once a request has written (or checked a token) its later reads use the
primary too, so it reads its own writes. Behind a transaction-mode pooler (``set_local``
given) each statement runs in a transaction of its own that starts with the API's settings
(service.storage.sessions), since the pooler's server connections carry no session of ours.

A read whose awaiter is cancelled (graphql-core cancels the siblings of a failed non-null
field) is left to finish rather than cancelled in PostgreSQL: a cancel request names a backend,
not a statement, and one that lands after the statement finished fails whatever that
connection runs next, another field's or another request's read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from service.api.errors import DatabaseUnavailable, QueryTimeout, ReadOnly
from service.api.failures import DATABASE_DOWN_MESSAGE, database_down
from service.storage.sessions import local_transaction, settings_scope

# Not getting a connection at all is DATABASE_UNAVAILABLE whatever the reason (PostgreSQL
# reports "database is not accepting connections" as an ordinary error at connect time).
_ACQUIRE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresError,
)

# Client-side backstop over the server's statement_timeout, for a pool that did not set it.
_BACKSTOP_SECONDS = 1.0


def _unavailable() -> DatabaseUnavailable:
    return DatabaseUnavailable(DATABASE_DOWN_MESSAGE)


def _read_only() -> ReadOnly:
    return ReadOnly(
        "The database is read-only right now (a standby, or writes switched off); nothing was"
        " changed. Try again later."
    )


async def plan_generically(conn: asyncpg.Connection, generic: bool) -> None:
    """Why: planning a statement locks every index of every table it reads, and PostgreSQL
    before 18 has 16 fast-path lock slots per backend; past them, backends queue on the shared
    lock manager. A cached generic plan locks only what it uses. The service's connections
    (database.PooledConnection) track the mode; other pools' (tests, tools) keep theirs."""
    switch = getattr(conn, "plan_generically", None)  # asyncpg's pool proxy passes it on
    if switch is not None:
        await switch(generic)


# Reads in flight, referenced until done: one whose awaiter was cancelled has no other owner.
_reads_in_flight: set[asyncio.Task[list[asyncpg.Record]]] = set()


class Reader:
    """``finish_cancelled``: let a cancelled awaiter's read finish (each read borrows its own
    connection). A Reader over a connection the caller holds and releases sets it False, since
    a read left running there would outlive the caller's hold on the connection."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        statement_timeout_ms: int,
        *,
        finish_cancelled: bool = True,
        primary: asyncpg.Pool | None = None,
        set_local: str | None = None,
    ) -> None:
        self.pool = pool
        self.primary = pool if primary is None else primary
        self.statement_timeout_ms = statement_timeout_ms
        self.finish_cancelled = finish_cancelled
        self.set_local = set_local
        self.statements = 0

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection to the primary with the API's settings (custom plans), for writes and
        the reads they depend on; this Reader's later reads go to the primary as well."""
        self.pool = self.primary
        async with self.borrow() as conn:
            if self.set_local is None:
                await plan_generically(conn, False)
                yield conn
            else:
                async with settings_scope(conn, self.set_local):
                    yield conn

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection as its last user left it, for a holder whose statements all go
        through a Reader (each sets its own plan mode); not getting one is
        DATABASE_UNAVAILABLE."""
        pool = self.pool
        try:
            conn = await pool.acquire()
        except _ACQUIRE_ERRORS as error:
            raise _unavailable() from error
        try:
            yield conn
        except asyncpg.ReadOnlySQLTransactionError as error:
            raise _read_only() from error
        except Exception as error:
            if database_down(error):
                raise _unavailable() from error
            raise
        finally:
            await pool.release(conn)

    async def fetch(self, sql: str, *args: Any, generic_plan: bool = False) -> list[asyncpg.Record]:
        """``generic_plan``: a statement whose best plan is the same for all values may be
        planned once per connection (``plan_generically`` says why it matters)."""
        self.statements += 1
        if not self.finish_cancelled:
            return await self._fetch(sql, args, generic_plan)
        read = asyncio.ensure_future(self._fetch(sql, args, generic_plan))
        _reads_in_flight.add(read)
        read.add_done_callback(_reads_in_flight.discard)
        return await asyncio.shield(read)

    async def _fetch(
        self, sql: str, args: tuple[Any, ...], generic_plan: bool
    ) -> list[asyncpg.Record]:
        timeout = self.statement_timeout_ms / 1000 + _BACKSTOP_SECONDS
        async with self.borrow() as conn:
            try:
                if self.set_local is None:
                    await plan_generically(conn, generic_plan)
                    return await conn.fetch(sql, *args, timeout=timeout)
                async with local_transaction(conn, self.set_local):
                    return await conn.fetch(sql, *args, timeout=timeout)
            except (asyncpg.QueryCanceledError, TimeoutError):
                raise QueryTimeout(
                    f"The query took longer than {self.statement_timeout_ms} ms and was"
                    " cancelled; narrow the filter or ask for fewer items."
                ) from None

"""Per-request context: database access, loaders, name resolution, settings and the caller.

``make_context(request, settings)`` is what the HTTP endpoint calls for every request; tests and
tools without a request use ``new_context``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

import asyncpg
from starlette.requests import Request

from service.api.loaders import Loaders
from service.api.name_cache import NameCache
from service.api.names import NameResolver
from service.api.reader import Reader
from service.api.request_ids import new_request_id, request_id_of
from service.config import Settings
from service.storage.sessions import set_local_sql
from service.storage.tokens import token_can_write

# A request carrying this header (value "1") gets the number of SQL statements it cost in the
# response's extensions.sqlStatements: the N+1 tests read it; it reveals nothing sensitive.
SQL_COUNT_HEADER = "X-Debug-Sql-Count"


@dataclass
class Context:
    settings: Settings
    pool: asyncpg.Pool
    db: Reader
    loaders: Loaders
    names: NameResolver
    token: str | None = None
    request_id: str = field(default_factory=new_request_id)
    count_sql: bool = False
    name_cache: NameCache | None = None  # the process's, shared by requests (None: off)

    def forget(self) -> None:
        """Drop everything loaded so far: after a mutation, reads must see the new state (also
        other requests': the shared name cache is cleared now, not when the NOTIFY arrives)."""
        if self.name_cache is not None:
            self.name_cache.invalidate()
        self.loaders = Loaders(self.db)
        self.names = NameResolver(self.db, self.name_cache, self.names.report)

    async def can_write(self) -> bool:
        """The bearer token is ADMIN_TOKEN or a stored token with write access."""
        if not self.token:
            return False
        admin = self.settings.admin_token
        if admin and hmac.compare_digest(self.token.encode(), admin.encode()):
            return True
        async with self.db.connection() as conn:
            return await token_can_write(conn, self.token)


def new_context(
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    token: str | None = None,
    request_id: str | None = None,
    count_sql: bool = False,
    name_cache: NameCache | None = None,
    read_pool: asyncpg.Pool | None = None,
) -> Context:
    """``pool`` is the primary's; reads use ``read_pool`` (a replica) when given."""
    db = Reader(
        read_pool or pool,
        settings.statement_timeout_ms,
        primary=pool,
        set_local=reader_set_local(settings),
    )
    return Context(
        settings=settings,
        pool=pool,
        db=db,
        loaders=Loaders(db),
        names=NameResolver(db, name_cache),
        token=token,
        request_id=request_id or new_request_id(),
        count_sql=count_sql,
        name_cache=name_cache,
    )


def reader_set_local(settings: Settings) -> str | None:
    """The SET LOCAL a Reader starts each transaction with behind a pooler; None otherwise."""
    return set_local_sql(settings.statement_timeout_ms) if settings.behind_pooler else None


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def make_context(request: Request, settings: Settings) -> Context:
    pool = request.app.state.pool
    if pool is None:
        raise RuntimeError("the database pool is not ready")
    return new_context(
        pool,
        settings,
        token=bearer_token(request.headers.get("authorization")),
        request_id=request_id_of(request),
        count_sql=request.headers.get(SQL_COUNT_HEADER) == "1",
        name_cache=getattr(request.app.state, "name_cache", None),
        read_pool=getattr(request.app.state, "read_pool", None),
    )

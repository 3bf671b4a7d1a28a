"""The ASGI application: lifespan (database, migrations, sample data), health, middleware.

GraphQL itself comes from service.api.endpoint; this module only mounts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import database
from service.api import parsing
from service.api.export import export_routes
from service.config import Settings
from service.observability import http as observability
from service.storage import migrate

if TYPE_CHECKING:
    from service.api.name_cache import NameListener
    from service.supervisor import DatabaseSupervisor

log = logging.getLogger(__name__)

TOO_LARGE = "PAYLOAD_TOO_LARGE"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
DRAIN_LIMIT = 64 * 1024 * 1024  # excess body read and discarded before answering 413


def create_app(settings: Settings, *, run_migrations: bool = True) -> Starlette:
    """Build the app; nothing touches the database until the lifespan starts.

    ``run_migrations=False``: the caller migrated already (`serve`, once before its workers)
    or was told not to (`serve --no-migrate`: `python -m service migrate` is a deploy step).
    """
    head = migrate.head_revision()
    known = migrate.known_revisions()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Blocking while the embedded server starts is fine: nothing is served yet.
        with database.provide_database(settings, exclusive=True) as url:
            pool = await database.create_pool(url, settings)
            listener = _start_name_cache(app, database.listen_url(settings, url), settings)
            read_pool = None
            try:
                if settings.database_read_url:  # the read replica: GraphQL queries read there
                    read_pool = await database.create_pool(settings.database_read_url, settings)
                if run_migrations:
                    await asyncio.to_thread(migrate.upgrade, database.direct_url(settings, url))
                if settings.load_sample:
                    await _load_samples(pool, settings)
                app.state.pool = pool
                app.state.read_pool = read_pool
                app.state.supervisor = _start_supervisor()
                yield
            finally:
                if listener is not None:
                    await listener.stop()
                if read_pool is not None:
                    await read_pool.close()
                await pool.close()
                if app.state.supervisor is not None:  # after the pool: see its stop()
                    await app.state.supervisor.stop()
                    app.state.supervisor = None
                parsing.shutdown()

    async def healthz(request: Request) -> Response:
        """Liveness. With an embedded server it also says how that is (running, restarting,
        failed); failed (down FAIL_AFTER seconds despite restarts) is a 503, so an orchestrator
        restarts the process: restarting alone stays 200, the supervisor is on it."""
        supervisor = request.app.state.supervisor
        if supervisor is None:
            return JSONResponse({"status": "ok"})
        body = {"status": "ok" if supervisor.alive else "failing", "database": supervisor.state}
        return JSONResponse(body, status_code=200 if supervisor.alive else 503)

    async def readyz(request: Request) -> Response:
        pool = getattr(request.app.state, "pool", None)
        reason = "starting" if pool is None else await database.readiness(pool, head, known)
        roles: dict[str, Any] = {}  # replica lag, a read-only primary
        if reason is None:
            reason, roles = await database.role_readiness(
                pool, request.app.state.read_pool, settings.replica_max_lag_seconds
            )
        if reason is None:
            return JSONResponse({"status": "ready", "revision": head, **roles})
        supervisor = request.app.state.supervisor
        if supervisor is not None and supervisor.reason is not None:
            reason = supervisor.reason
        body = {"status": "unavailable", "reason": reason, **roles}
        return JSONResponse(body, status_code=503)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *_graphql_routes(settings),
        *export_routes(),
        *observability.routes(settings),
    ]
    middleware = [
        *observability.middleware(settings),  # request ids, metrics, tracing: outermost
        Middleware(
            BodyLimitMiddleware,
            max_bytes=settings.max_body_bytes,
            read_timeout=settings.request_read_timeout,
        ),
    ]
    if settings.cors_origins:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
                expose_headers=["X-Request-Id"],
            ),
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.pool = None
    app.state.read_pool = None
    app.state.name_cache = None
    app.state.supervisor = None
    return app


def _start_supervisor() -> DatabaseSupervisor | None:
    """Restart the embedded PostgreSQL when it dies, if this process owns it (DATABASE_URL
    unset; `serve --workers N` workers do not: their parent does)."""
    server = database.owned_server()
    if server is None:
        return None
    from service.supervisor import DatabaseSupervisor

    supervisor = DatabaseSupervisor(server)
    supervisor.start()
    return supervisor


def _start_name_cache(app: Starlette, url: str | None, settings: Settings) -> NameListener | None:
    """The process's shared name cache and its LISTEN connection (a background task that
    connects when it can: the cache stays off until then). None when NAME_CACHE_SIZE is 0, or
    when there is no session to LISTEN on (``url`` None: only a transaction pooler is known)."""
    if settings.name_cache_size == 0 or url is None:
        return None
    from service.api.name_cache import NameCache, NameListener

    cache = NameCache(settings.name_cache_size)
    listener = NameListener(cache, functools.partial(database.listener_connection, url))
    listener.start()
    app.state.name_cache = cache
    return listener


def _graphql_routes(settings: Settings) -> list[BaseRoute]:
    """The API engineer's routes; absent (not yet written) means no /graphql."""
    try:
        from service.api.endpoint import graphql_routes
    except ModuleNotFoundError as exc:
        if exc.name != "service.api.endpoint":
            raise
        log.warning("service.api.endpoint not found: serving no /graphql")
        return []
    return list(graphql_routes(settings))


async def _load_samples(pool: Any, settings: Settings) -> None:
    try:
        from service.sample_data import load_samples

        result = await load_samples(pool, max_chars=settings.max_document_chars)
    except ModuleNotFoundError as exc:  # ingestion or storage not there yet
        log.warning("sample transcripts not loaded: %s", exc)
        return
    log.info(
        "sample transcripts: %d loaded, %d already present, %d refused",
        result.created,
        result.present,
        result.refused,
    )


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413 and a JSON error, before parsing, and
    drop a client whose body stalls: 408 and the connection closed when no part of it arrives
    for ``read_timeout`` seconds (uvicorn itself waits for a declared body for ever)."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(receive, send, body_complete=False)
            return
        received = 0
        complete = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()  # only http.disconnect is left to wait for
            try:
                async with asyncio.timeout(self.read_timeout):
                    message = await receive()
            except TimeoutError:
                raise _BodyStalled from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(receive, send, body_complete=complete)
        except _BodyStalled:
            if started:
                raise
            log.info("request body stalled for %s s; connection closed", self.read_timeout)
            await _answer(send, 408, REQUEST_TIMEOUT, "The request body stopped arriving.")

    async def _refuse(self, receive: Receive, send: Send, *, body_complete: bool) -> None:
        drained = body_complete or await _drain(receive, DRAIN_LIMIT)
        # Shaped like a GraphQL error response, so GraphQL clients can show it.
        message = f"The request body exceeds the limit of {self.max_bytes} bytes."
        body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": TOO_LARGE}}]})
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if not drained:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, limit: int) -> bool:
    """Read and discard the rest of the body; True once it is all read, False past ``limit``.

    Answering while the client still sends makes the socket close with a reset, and the client
    may never see the 413; reading (not keeping) a moderate excess avoids that.
    """
    discarded = 0
    while discarded <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return False
        discarded += len(message.get("body", b""))
        if not message.get("more_body", False):
            return True
    return False


class _BodyTooLarge(Exception):
    pass


class _BodyStalled(Exception):
    pass


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    """A GraphQL-shaped error, and the connection closed (its request was not read whole)."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

"""The HTTP side: a request-id and metrics middleware, the /metrics route, optional tracing.

``middleware(settings)`` and ``routes(settings)`` are what service.app mounts.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import observability as obs
from service.api.context import bearer_token, request_id_of
from service.config import Settings

REQUEST_ID_HEADER = b"x-request-id"
EXECUTION_PATH_HEADER = b"x-execution-path"
GRAPHQL = "/graphql"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
POOL_SAMPLE_SECONDS = 1.0  # the pool gauges are sampled at most this often between scrapes
# Responses larger than this are not searched for errors (the endpoint caps responses at
# MAX_RESPONSE_BYTES, where it answers RESPONSE_TOO_LARGE, which is small).
_ERROR_SCAN_BYTES = 1_000_000


class ObservabilityMiddleware:
    """Gives every HTTP request an id (the client's sane X-Request-Id, else a new one: the
    helper the endpoint uses), keeps it in a contextvar for the log lines written meanwhile,
    returns it in X-Request-Id, and records the request's metrics when it ends."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: bool = True,
        max_operations: int = 100,
        annotate: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.annotate = annotate  # tracing: puts the request id on the current span
        self.metrics = metrics
        self.max_operations = max_operations
        self.operations: set[str] = set()  # label values handed out so far (bounded)
        self.routes: dict[Any, str] | None = None
        self.static_paths: frozenset[str] = frozenset()
        self.children: dict[tuple[Any, tuple[str, ...]], Any] = {}
        self.pool_sampled = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = request_id_of(request)
        request.state.request_id = request_id  # the endpoint and make_context reuse it
        # Not reset on the way out: the server runs each request in a task of its own, and the
        # lines written after the app returns (uvicorn's traceback of an unhandled error) are
        # this request's too.
        obs.REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500
        path: str | None = None
        json_body = False
        chunks: list[bytes] = []
        size = 0

        async def observed_send(message: Message) -> None:
            nonlocal status, path, json_body, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {name.lower(): value for name, value in headers}
                if REQUEST_ID_HEADER not in names:
                    headers.append((REQUEST_ID_HEADER, request_id.encode()))
                    message = {**message, "headers": headers}
                if EXECUTION_PATH_HEADER in names:
                    path = names[EXECUTION_PATH_HEADER].decode("latin-1")
                json_body = b"json" in names.get(b"content-type", b"")
            elif message["type"] == "http.response.body" and json_body:
                body = message.get("body", b"")
                size += len(body)
                if size <= _ERROR_SCAN_BYTES:
                    chunks.append(body)
            await send(message)

        if self.annotate is not None:
            self.annotate(request_id)
        try:
            await self.app(scope, receive, observed_send)
        finally:
            if self.metrics:
                if size > _ERROR_SCAN_BYTES:
                    chunks.clear()
                self._record(scope, status, time.perf_counter() - started, path, chunks)

    def _record(
        self, scope: Scope, status: int, elapsed: float, path: str | None, chunks: list[bytes]
    ) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "other"  # the client's
        route = self._route(scope)
        self._child(obs.HTTP_REQUESTS, method, route, str(status)).inc()
        self._child(obs.HTTP_SECONDS, method, route).observe(elapsed)
        if scope["path"] == GRAPHQL:
            operation = scope.get("state", {}).get("graphql_operation")
            if operation is not None:
                label = obs.operation_label(operation, self.operations, self.max_operations)
                self._child(obs.GRAPHQL_SECONDS, label, path or "none").observe(elapsed)
            for code in _error_codes(b"".join(chunks)):
                self._child(obs.GRAPHQL_ERRORS, obs.code_label(code)).inc()
        now = time.monotonic()
        if now - self.pool_sampled >= POOL_SAMPLE_SECONDS:  # /metrics samples it too
            self.pool_sampled = now
            obs.record_pool(getattr(getattr(scope.get("app"), "state", None), "pool", None))

    def _child(self, metric: Any, *labels: str) -> Any:
        """metric.labels(*labels), remembered: prometheus_client's look-up (a lock, checks)
        was most of this middleware's cost. Bounded as the label values are."""
        key = (metric, labels)
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = metric.labels(*labels)
        return child

    def _route(self, scope: Scope) -> str:
        """The matched route's template (/export/{name}), never the raw path: a bounded set."""
        if self.routes is None:
            app_routes = getattr(scope.get("app"), "routes", [])
            self.routes = {r.endpoint: r.path for r in app_routes if isinstance(r, Route)}
            self.static_paths = frozenset(p for p in self.routes.values() if "{" not in p)
        endpoint = scope.get("endpoint")
        if endpoint is not None and endpoint in self.routes:
            return self.routes[endpoint]
        return scope["path"] if scope["path"] in self.static_paths else "other"


def _error_codes(body: bytes) -> list[str | None]:
    """extensions.code of each top-level error in a GraphQL JSON response (None: no code).
    Only a body that mentions "errors" is parsed."""
    if b'"errors"' not in body:
        return []
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return []
    codes: list[str | None] = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        codes.append(extensions.get("code") if isinstance(extensions, dict) else None)
    return codes


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text exposition: this process's metrics, or every worker's under
    PROMETHEUS_MULTIPROC_DIR. With METRICS_TOKEN set, only for that bearer token."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    settings: Settings = request.app.state.settings
    expected = settings.metrics_token
    if expected:
        given = bearer_token(request.headers.get("authorization")) or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return JSONResponse(
                {"error": "unauthorized", "message": "GET /metrics needs the METRICS_TOKEN."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    obs.record_pool(getattr(request.app.state, "pool", None))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def routes(settings: Settings) -> list[BaseRoute]:
    """GET /metrics, unless METRICS is off (then a plain 404)."""
    if not settings.metrics:
        return []
    return [Route("/metrics", metrics_endpoint, methods=["GET"])]


def middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: OpenTelemetry's ASGI middleware when tracing is on, then ours."""
    stack: list[Middleware] = []
    annotate = None
    if settings.otel_exporter_otlp_endpoint:
        from service.observability import tracing

        stack = tracing.asgi_middleware(settings)
        annotate = tracing.annotate_request if stack else None
    stack.append(
        Middleware(
            ObservabilityMiddleware,
            metrics=settings.metrics,
            max_operations=settings.metrics_max_operations,
            annotate=annotate,
        )
    )
    return stack

"""Metrics, request ids and ingestion hooks: the leaf every layer may call.

This module imports nothing of ours, so storage, the parser front-end and the API can record
what they do (one call each) without depending on the app. The metric objects are
prometheus_client's, defined once per process; under PROMETHEUS_MULTIPROC_DIR (several worker
processes) prometheus_client writes their values to files there, and /metrics adds up every
process's (service.observability.http).
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from prometheus_client import Counter, Gauge, Histogram

# The id of the request being handled: set by the HTTP middleware, read by the log filter.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# Latency buckets from 5 ms (a cached look-up) to 10 s (past STATEMENT_TIMEOUT_MS's default).
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "transcripts_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "transcripts_http_request_duration_seconds",
    "Time from request to the last byte of the response, by method and route template.",
    ["method", "route"],
    buckets=_SECONDS,
)
GRAPHQL_SECONDS = Histogram(
    "transcripts_graphql_request_duration_seconds",
    "GraphQL requests (the _count is the request count) by operation name and execution path "
    "(compiled, strawberry; none when refused before execution).",
    ["operation", "path"],
    buckets=_SECONDS,
)
GRAPHQL_ERRORS = Counter(
    "transcripts_graphql_errors",
    "Errors in GraphQL responses, by extensions.code (UNCODED: a parse or validation error).",
    ["code"],
)
POOL_SIZE = Gauge(
    "transcripts_db_pool_size",
    "PostgreSQL connections the asyncpg pool holds open.",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "transcripts_db_pool_in_use",
    "Pool connections lent to a request right now.",
    multiprocess_mode="livesum",
)
POOL_MAX = Gauge(
    "transcripts_db_pool_max",
    "Most connections the pool may open (DB_POOL_SIZE).",
    multiprocess_mode="livesum",
)
INGEST_DOCUMENTS = Counter(
    "transcripts_ingest_documents",
    "Documents offered for ingestion, by outcome: created, present (same text stored before), "
    "refused.",
    ["outcome"],
)
INGEST_REFUSALS = Counter(
    "transcripts_ingest_refusals",
    "Refused documents by reason code (EMPTY_DOCUMENT, NOT_A_TRANSCRIPT, PARSE_FAILED, ...).",
    ["code"],
)
PARSE_SECONDS = Histogram(
    "transcripts_ingest_parse_seconds",
    "Time to parse one posted page (worker process round trip), refused pages included.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)


def _mark_process_dead() -> None:
    """Multiprocess mode: a worker's live gauges (the pool's) stop counting once it exits."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(os.getpid())


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    atexit.register(_mark_process_dead)

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,47}")


def code_label(code: object) -> str:
    """A code as a label value: our codes are UPPER_SNAKE; anything else is folded, so a
    client cannot grow the label set."""
    if code is None:
        return "UNCODED"
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


def record_pool(pool: Any) -> None:
    """Sample an asyncpg pool into the pool gauges (cheap: three counters of the pool's)."""
    if pool is None:
        return
    size = pool.get_size()
    POOL_SIZE.set(size)
    POOL_IN_USE.set(size - pool.get_idle_size())
    POOL_MAX.set(pool.get_max_size())


def document_stored(created: bool) -> None:
    """Storage's hook: one document written (created) or found already stored (present)."""
    INGEST_DOCUMENTS.labels("created" if created else "present").inc()


def document_refused(code: str) -> None:
    INGEST_DOCUMENTS.labels("refused").inc()
    INGEST_REFUSALS.labels(code_label(code)).inc()


P = ParamSpec("P")
R = TypeVar("R")


def timed_parse(parse: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorator for the async page parser: its time goes to PARSE_SECONDS, and a refusal (an
    exception with a ``code``, RejectedDocument) is counted before it propagates."""

    @functools.wraps(parse)
    async def timed(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            return await parse(*args, **kwargs)
        except Exception as error:
            code = getattr(error, "code", None)
            if isinstance(code, str):
                document_refused(code)
            raise
        finally:
            PARSE_SECONDS.observe(time.perf_counter() - started)

    return timed


def counted_store(store: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorator for storage's store_document: counts its result (``created`` true or false)
    once the transaction has committed; a failed write counts nothing."""

    @functools.wraps(store)
    async def counted(*args: P.args, **kwargs: P.kwargs) -> R:
        result = await store(*args, **kwargs)
        document_stored(bool(getattr(result, "created", False)))
        return result

    return counted


# A GraphQL name, at most 64 characters; longer or other text is no operation name of ours.
_OPERATION = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


def graphql_operation(request: Any, documents: Any, params: Any) -> None:
    """The endpoint's hook: remember which operation this request runs, for the middleware's
    metrics. ``documents`` is the endpoint's parsed-document cache (no second parse): the
    operation's name, "anonymous" for an unnamed one, "unknown" when none can be picked."""
    name = "unknown"
    if documents is not None:
        found = documents.operation_sites(params.query, params.operation_name)
        if found is not None:
            node = found[0].name
            name = node.value if node is not None else "anonymous"
    request.state.graphql_operation = name


def operation_label(name: str, seen: set[str], limit: int) -> str:
    """Bound the operation label's values: names are the clients', so only the first ``limit``
    distinct ones (per process) get a series of their own; later ones are "other"."""
    if name in ("anonymous", "unknown") or name in seen:
        return name
    if not _OPERATION.fullmatch(name) or len(seen) >= limit:
        return "other"
    seen.add(name)
    return name

"""Export: every statement, figure or person matching an API filter, as CSV or JSON Lines.

Why a separate path from GraphQL: a researcher wants a whole result set in a spreadsheet or a
notebook without writing a paging client. Filters are given as query parameters named like
the GraphQL filter fields (``speaker``, ``topic``, ``dateFrom``, ``kinds=QUESTION,ANSWER``...),
turned into the API's own filter inputs and resolved by ``service.api.filters``, so an export
holds exactly what ``statements(filter: ...)`` pages through. Unlike GraphQL, a name that
matches nobody is an error (the caller most likely mistyped it), as is an ambiguous one.

``prepare`` does everything that can fail on the caller's input before a byte is sent;
``chunks`` then streams the rows (service.storage.export) formatted. The HTTP route and the
CLI (``python -m service export``) both use them.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from service.api import ids
from service.api.context import Context, make_context
from service.api.errors import AmbiguousName, ApiError, BadUserInput, QueryTimeout
from service.api.export_params import ENTITIES, FORMATS, ExportError, filter_values
from service.api.filters import figure_criteria, statement_criteria, typeahead_pattern
from service.api.types.inputs import FigureFilter, StatementFilter
from service.storage import export as sql
from service.storage.queries import FigureCriteria, StatementCriteria

ROWS_PER_CHUNK = 200


def _from_api(error: ApiError) -> ExportError:
    details = {k: v for k, v in (error.extensions or {}).items() if k != "code"}
    return ExportError(error.message, error.code, **details)


# ------------------------------------------------------------------ filters -> query


async def _check_names(ctx: Context, values: Mapping[str, Any]) -> None:
    """An unknown name is an error here (GraphQL answers an empty page); ambiguous too."""
    lookups = {
        "speaker": ("person", ctx.names.person),
        "topic": ("topic", ctx.names.topic),
        "organisation": ("organisation", ctx.names.organisation),
    }
    for field, (kind, look_up) in lookups.items():
        name = values.get(field)
        if name is None:
            continue
        try:
            found = await look_up(name, field)
        except (AmbiguousName, BadUserInput) as error:
            raise _from_api(error) from None
        if found is None:
            raise ExportError(f"{field}: no {kind} is known by the name {name!r}.", "UNKNOWN_NAME")


async def prepare(ctx: Context, entity: str, values: Mapping[str, Any]) -> sql.ExportQuery | None:
    """The query for ``entity`` filtered by ``values`` (from ``filter_values``); None when the
    filter can match nothing (an id of nothing). ExportError for anything the caller can fix."""
    if entity == "persons":
        return sql.persons(typeahead_pattern(values.get("name")))
    await _check_names(ctx, values)
    try:
        if entity == "statements":
            criteria = await statement_criteria(ctx, StatementFilter(**values))
            return None if criteria is None else sql.statements(criteria)
        criteria = await figure_criteria(ctx, FigureFilter(**values))
        return None if criteria is None else sql.figures(criteria)
    except (AmbiguousName, BadUserInput) as error:
        raise _from_api(error) from None


# ------------------------------------------------------------------ rows -> bytes

# Columns holding a primary key, and the type whose global id (as the API gives) they become.
_GLOBAL_IDS = {
    "statements": {
        "id": "Statement",
        "speaker_id": "Person",
        "in_reply_to_id": "Statement",
        "event_id": "Event",
        "document_id": "SourceDocument",
    },
    "figures": {
        "id": "Figure",
        "statement_id": "Statement",
        "speaker_id": "Person",
        "event_id": "Event",
        "document_id": "SourceDocument",
    },
    "persons": {"id": "Person"},
}


def _row(entity: str, record: asyncpg.Record) -> dict[str, Any]:
    row = dict(record)
    for column, type_name in _GLOBAL_IDS[entity].items():
        if row[column] is not None:
            row[column] = ids.encode(type_name, row[column])
    return row


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _csv(rows: Sequence[dict[str, Any]], header: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(list(rows[0]))
    writer.writerows([_cell(v) for v in row.values()] for row in rows)
    return out.getvalue().encode("utf-8")


def _jsonl(rows: Sequence[dict[str, Any]], header: bool) -> bytes:
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


_FORMATTERS = {"csv": _csv, "jsonl": _jsonl}


def _unfiltered(entity: str) -> sql.ExportQuery:
    if entity == "statements":
        return sql.statements(StatementCriteria())
    if entity == "figures":
        return sql.figures(FigureCriteria())
    return sql.persons(None)


async def chunks(
    conn: asyncpg.Connection, entity: str, fmt: str, query: sql.ExportQuery | None
) -> AsyncIterator[bytes]:
    """The export as byte chunks of up to ROWS_PER_CHUNK rows (None: a filter that matches
    nothing). The first chunk comes once the query has run, so a caller can await it before
    committing to a response; a CSV with no rows still has its header line."""
    format_rows = _FORMATTERS[fmt]
    batch: list[dict[str, Any]] = []
    header = True
    if query is not None:
        # aclosing: a consumer that stops early must end the transaction now, not whenever
        # the stream would be collected (by then the connection serves someone else).
        async with contextlib.aclosing(sql.stream(conn, query)) as rows:
            async for record in rows:
                batch.append(_row(entity, record))
                if len(batch) >= ROWS_PER_CHUNK:
                    yield format_rows(batch, header)
                    header, batch = False, []
    if batch:
        yield format_rows(batch, header)
    elif header and fmt == "csv":
        names = await sql.columns(conn, query or _unfiltered(entity))
        yield _csv([dict.fromkeys(names)], header=True).splitlines(keepends=True)[0]


# ------------------------------------------------------------------ HTTP


def _refuse(status: int, message: str, code: str, **details: Any) -> JSONResponse:
    error = {"message": message, "code": code, **details}
    return JSONResponse({"error": error}, status_code=status)


async def export_endpoint(request: Request) -> Response:
    """GET /export/{statements|figures|persons}.{csv|jsonl}?filter=..."""
    entity, _, fmt = request.path_params["name"].partition(".")
    if entity not in ENTITIES or fmt not in FORMATS:
        return _refuse(
            404,
            f"no export {request.path_params['name']!r}; try /export/ENTITY.FORMAT with ENTITY"
            f" one of {', '.join(ENTITIES)} and FORMAT one of {', '.join(FORMATS)}.",
            "NOT_FOUND",
        )
    if getattr(request.app.state, "pool", None) is None:
        return _refuse(503, "The service is starting; try again shortly.", "UNAVAILABLE")
    ctx = await make_context(request, request.app.state.settings)
    try:
        values = filter_values(entity, request.query_params.multi_items())
        return await _stream(ctx, entity, fmt, await prepare(ctx, entity, values))
    except ExportError as error:
        return _refuse(400, error.message, error.code, **error.details)
    except ApiError as error:  # the database unavailable, or too slow
        code = error.extensions.get("code", "UNAVAILABLE")
        return _refuse(504 if code == "TIMEOUT" else 503, error.message, code)


async def _stream(ctx: Context, entity: str, fmt: str, query: sql.ExportQuery | None) -> Response:
    """Run the query and wait for its first chunk before answering, so a failure there is an
    HTTP error rather than a cut stream; the connection is held until the response ends."""
    held = contextlib.AsyncExitStack()
    conn = await held.enter_async_context(ctx.db.connection())
    body = chunks(conn, entity, fmt, query)
    held.push_async_callback(body.aclose)
    try:
        first = await anext(body, b"")
    except asyncpg.QueryCanceledError:
        await held.aclose()
        raise QueryTimeout(
            "The export query took too long and was cancelled; narrow the filter."
        ) from None
    except BaseException:
        await held.aclose()
        raise

    async def content() -> AsyncIterator[bytes]:
        yield first
        async for chunk in body:
            yield chunk

    return _HoldingResponse(
        content(),
        held,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{entity}.{fmt}"'},
    )


class _HoldingResponse(StreamingResponse):
    """Releases what the stream holds when the response ends, however it ends (a client
    that leaves before the first chunk is sent never starts the body's generator)."""

    def __init__(
        self, content: AsyncIterator[bytes], held: contextlib.AsyncExitStack, **kwargs: Any
    ) -> None:
        super().__init__(content, **kwargs)
        self.held = held

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.held.aclose()


def export_routes() -> list[Route]:
    """``/export/{statements,figures,persons}.{csv,jsonl}``, for service.app to mount."""
    return [Route("/export/{name}", export_endpoint, methods=["GET"])]

"""Export queries: every row matching a filter, streamed through a server-side cursor.

The filters are the API's (``queries.statement_conditions``, ``figure_conditions``,
``person_conditions``) so an export holds exactly what the same filter pages through in
GraphQL, in the same order. Rows carry primary keys; the caller encodes them as it needs.
``stream`` reads with a cursor in a read-only transaction, ``prefetch`` rows at a time, so
memory stays flat however many rows match.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg

from service.storage.queries import (
    FIGURE_ORDER,
    STATEMENT_ORDER,
    FigureCriteria,
    Params,
    StatementCriteria,
    figure_conditions,
    person_conditions,
    statement_conditions,
)

PREFETCH = 500


@dataclass(frozen=True)
class ExportQuery:
    sql: str
    args: tuple[Any, ...]


def _where(conditions: list[str]) -> str:
    return "WHERE " + " AND ".join(conditions) if conditions else ""


# What a statement is said in: its event and the document that event was read from.
_SOURCE = (
    " JOIN event e ON e.id = s.event_id"
    " JOIN source_document d ON d.id = e.document_id"
    " LEFT JOIN person sp ON sp.id = s.speaker_id"
)


def statements(c: StatementCriteria) -> ExportQuery:
    """Statements in the API's default order (newest first, turns in order)."""
    p = Params()
    where = _where(statement_conditions(c, p))
    return ExportQuery(
        "SELECT s.id, s.kind, s.text, s.speaker_id, sp.name AS speaker_name, s.speaker_label,"
        " s.in_reply_to_id, s.spoken_on, s.event_id, e.title AS event_title,"
        " e.date AS event_date, e.document_id, d.source_url, d.filename,"
        " s.start_offset, s.end_offset"
        f" FROM statement s{_SOURCE} {where} ORDER BY {STATEMENT_ORDER['DATE_DESC']}",
        tuple(p.values),
    )


def figures(c: FigureCriteria) -> ExportQuery:
    """Figures in the API's default order (newest first, then as they occur)."""
    p = Params()
    where = _where(figure_conditions(c, p))
    return ExportQuery(
        "SELECT f.id, f.statement_id, f.text, f.value, f.high, f.unit, f.kind, f.qualifier,"
        " f.counted, f.context, s.speaker_id, sp.name AS speaker_name, s.speaker_label,"
        " s.event_id, e.title AS event_title, e.date AS event_date, e.document_id,"
        " d.source_url, d.filename, f.start_offset, f.end_offset"
        f" FROM figure f JOIN statement s ON s.id = f.statement_id{_SOURCE} {where}"
        f" ORDER BY {FIGURE_ORDER['DATE_DESC']}",
        tuple(p.values),
    )


def persons(name: tuple[str, str] | None) -> ExportQuery:
    """Kept (not merged) persons by name, as ``Query.persons`` lists them."""
    p = Params()
    where = _where(person_conditions(name, p))
    return ExportQuery(
        "SELECT p.id, p.name,"
        " ARRAY(SELECT DISTINCT pa.alias FROM person_alias pa"
        "       WHERE pa.person_id = p.id AND pa.alias <> p.name ORDER BY 1) AS aliases,"
        " ARRAY(SELECT pt.title FROM person_title pt WHERE pt.person_id = p.id"
        "       ORDER BY pt.seen_on DESC NULLS LAST, pt.title) AS titles,"
        " (SELECT count(*) FROM statement s WHERE s.speaker_id = p.id) AS statement_count"
        f" FROM person p {where} ORDER BY p.name, p.id",
        tuple(p.values),
    )


async def stream(
    conn: asyncpg.Connection, query: ExportQuery, prefetch: int = PREFETCH
) -> AsyncIterator[asyncpg.Record]:
    """Every row of ``query``, ``prefetch`` rows held at a time. A cursor reads one snapshot
    whatever the isolation level. (BEGIN ISOLATION LEVEL REPEATABLE READ on the service's
    pooled connections sometimes failed on PostgreSQL 18 with "SET TRANSACTION ISOLATION
    LEVEL must be called before any query" right after a COMMIT; it is not needed here.)"""
    async with conn.transaction(readonly=True):
        async for row in conn.cursor(query.sql, *query.args, prefetch=prefetch):
            yield row


async def columns(conn: asyncpg.Connection, query: ExportQuery) -> list[str]:
    """The column names ``query`` yields, from its description (nothing is run)."""
    statement = await conn.prepare(query.sql)
    return [attribute.name for attribute in statement.get_attributes()]

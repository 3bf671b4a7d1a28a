"""Every read query of the GraphQL API, as plain parameterised SQL.

All functions are set-based: they take many ids (``= ANY($1::bigint[])``) or one filter and
return rows, never one query per item, so a request costs a number of statements bounded by
its depth. Optional filter conditions are assembled from fixed fragments with numbered
parameters (``Params``); no value is ever spliced into SQL text. ``db`` is any object with
``async fetch(sql, *args)`` (``service.api.reader.Reader``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import asyncpg

Rows = list[asyncpg.Record]


class Db(Protocol):
    async def fetch(self, sql: str, *args: Any) -> Rows: ...


class Params:
    """Numbered placeholders: ``p(value)`` stores the value and returns ``$n``."""

    def __init__(self, *values: Any) -> None:
        self.values = list(values)

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _where(conditions: Sequence[str]) -> str:
    return "WHERE " + " AND ".join(conditions) if conditions else ""


def _and(conditions: Sequence[str]) -> str:
    return "".join(f" AND {c}" for c in conditions)


# ------------------------------------------------------------------ criteria (ids resolved)


@dataclass(frozen=True)
class StatementCriteria:
    speaker_id: int | None = None
    topic_id: int | None = None
    organisation_id: int | None = None
    event_id: int | None = None
    kinds: tuple[str, ...] | None = None
    text: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ingested_after: dt.datetime | None = None
    ingested_before: dt.datetime | None = None


@dataclass(frozen=True)
class EventCriteria:
    organisation_id: int | None = None
    participant_id: int | None = None
    kinds: tuple[str, ...] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None
    ingested_after: dt.datetime | None = None
    ingested_before: dt.datetime | None = None


@dataclass(frozen=True)
class DocumentCriteria:
    ingested_after: dt.datetime | None = None
    ingested_before: dt.datetime | None = None


@dataclass(frozen=True)
class FigureCriteria:
    speaker_id: int | None = None
    topic_id: int | None = None
    event_id: int | None = None
    kinds: tuple[str, ...] | None = None
    units: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ingested_after: dt.datetime | None = None
    ingested_before: dt.datetime | None = None


def _ingested(document_id: str, c: Any, p: Params) -> list[str]:
    """The document ``document_id`` (an SQL expression) was ingested within c's bounds."""
    bounds = []
    if c.ingested_after is not None:
        bounds.append(f"idoc.ingested_at > {p(c.ingested_after)}::timestamptz")
    if c.ingested_before is not None:
        bounds.append(f"idoc.ingested_at < {p(c.ingested_before)}::timestamptz")
    if not bounds:
        return []
    return [
        f"EXISTS (SELECT 1 FROM source_document idoc WHERE idoc.id = {document_id}"
        f" AND {' AND '.join(bounds)})"
    ]


def document_conditions(c: DocumentCriteria, p: Params) -> list[str]:
    """Conditions on ``source_document d``."""
    return _ingested("d.id", c, p)


def statement_conditions(c: StatementCriteria, p: Params) -> list[str]:
    """Conditions on ``statement s`` for every given criterion."""
    out = []
    if c.speaker_id is not None:
        out.append(f"s.speaker_id = {p(c.speaker_id)}")
    if c.topic_id is not None:
        out.append(
            "EXISTS (SELECT 1 FROM statement_topic st"
            f" WHERE st.statement_id = s.id AND st.topic_id = {p(c.topic_id)})"
        )
    if c.organisation_id is not None:
        out.append(
            "EXISTS (SELECT 1 FROM organisation_mention om"
            f" WHERE om.statement_id = s.id AND om.organisation_id = {p(c.organisation_id)})"
        )
    if c.event_id is not None:
        out.append(f"s.event_id = {p(c.event_id)}")
    if c.kinds is not None:
        out.append(f"s.kind = ANY({p(list(c.kinds))}::text[])")
    if c.text is not None:
        out.append(f"s.search @@ websearch_to_tsquery('english_unaccent', {p(c.text)})")
    if c.date_from is not None:
        out.append(f"s.spoken_on >= {p(c.date_from)}::date")
    if c.date_to is not None:
        out.append(f"s.spoken_on <= {p(c.date_to)}::date")
    out += _ingested("(SELECT ie.document_id FROM event ie WHERE ie.id = s.event_id)", c, p)
    return out


def event_conditions(c: EventCriteria, p: Params) -> list[str]:
    """Conditions on ``event e`` for every given criterion."""
    out = []
    if c.organisation_id is not None:
        out.append(
            "EXISTS (SELECT 1 FROM event_organisation eo"
            f" WHERE eo.event_id = e.id AND eo.organisation_id = {p(c.organisation_id)})"
        )
    if c.participant_id is not None:
        out.append(
            "EXISTS (SELECT 1 FROM participant pt"
            f" WHERE pt.event_id = e.id AND pt.person_id = {p(c.participant_id)})"
        )
    if c.kinds is not None:
        out.append(f"e.kind = ANY({p(list(c.kinds))}::text[])")
    if c.date_from is not None:
        out.append(f"e.date >= {p(c.date_from)}::date")
    if c.date_to is not None:
        out.append(f"e.date <= {p(c.date_to)}::date")
    if c.text is not None:
        out.append(f"e.search @@ websearch_to_tsquery('english_unaccent', {p(c.text)})")
    out += _ingested("e.document_id", c, p)
    return out


def figure_conditions(c: FigureCriteria, p: Params) -> list[str]:
    """Conditions on ``figure f JOIN statement s``; a range fits when it lies within bounds.
    A topic is the figure's own (figure_topic: its sentence's), not its statement's."""
    said = StatementCriteria(
        speaker_id=c.speaker_id,
        event_id=c.event_id,
        date_from=c.date_from,
        date_to=c.date_to,
        ingested_after=c.ingested_after,
        ingested_before=c.ingested_before,
    )
    out = statement_conditions(said, p)
    if c.topic_id is not None:
        out.append(
            "EXISTS (SELECT 1 FROM figure_topic ft"
            f" WHERE ft.figure_id = f.id AND ft.topic_id = {p(c.topic_id)})"
        )
    if c.kinds is not None:
        out.append(f"f.kind = ANY({p(list(c.kinds))}::text[])")
    if c.units is not None:
        out.append(f"f.unit = ANY({p(list(c.units))}::text[])")
    if c.min_value is not None:
        out.append(f"f.value >= {p(c.min_value)}::float8")
    if c.max_value is not None:
        out.append(f"coalesce(f.high, f.value) <= {p(c.max_value)}::float8")
    return out


# ------------------------------------------------------------------ statements

STATEMENT_COLUMNS = (
    "s.id, s.event_id, s.sequence, s.kind, s.speaker_id, s.speaker_label, s.text,"
    " s.start_offset, s.end_offset, s.in_reply_to_id, s.spoken_on"
)
# DATE_DESC follows statement_date_idx / statement_speaker_idx exactly; within an event the
# turns always read in order.
STATEMENT_ORDER = {
    "DATE_DESC": "s.spoken_on DESC NULLS LAST, s.event_id DESC, s.sequence",
    "DATE_ASC": "s.spoken_on ASC NULLS LAST, s.event_id, s.sequence",
    "SEQUENCE": "s.sequence",  # within one event (Event.statements)
}
STATEMENT_ORDER_INTERNAL = frozenset({"SEQUENCE"})  # not offered as a StatementOrder

# How a statement belongs to a parent ``p.id`` in batched per-parent pages.
STATEMENT_PARENT = {
    "event": "s.event_id = p.id",
    "speaker": "s.speaker_id = p.id",
    "topic": "EXISTS (SELECT 1 FROM statement_topic st"
    " WHERE st.statement_id = s.id AND st.topic_id = p.id)",
    "organisation": "EXISTS (SELECT 1 FROM organisation_mention om"
    " WHERE om.statement_id = s.id AND om.organisation_id = p.id)",
}


async def statements_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {STATEMENT_COLUMNS} FROM statement s WHERE s.id = ANY($1::bigint[])", list(ids)
    )


async def statements(db: Db, c: StatementCriteria, order: str, offset: int, limit: int) -> Rows:
    p = Params()
    where = _where(statement_conditions(c, p))
    return await db.fetch(
        f"SELECT {STATEMENT_COLUMNS} FROM statement s {where}"
        f" ORDER BY {STATEMENT_ORDER[order]} OFFSET {p(offset)} LIMIT {p(limit)}",
        *p.values,
    )


def statement_count_sql(c: StatementCriteria, p: Params) -> str:
    """SELECT count(*) of the statements matching ``c``.

    With a topic, counted from statement_topic (one row per statement and topic), whose
    (topic_id, speaker_id, statement_id) index answers "statements by X on Y" in one range
    scan; the statement table is joined only for the other criteria.
    """
    if c.topic_id is None:
        return f"SELECT count(*) FROM statement s {_where(statement_conditions(c, p))}"
    on_topic = [f"st.topic_id = {p(c.topic_id)}"]
    if c.speaker_id is not None:
        on_topic.append(f"st.speaker_id = {p(c.speaker_id)}")
    rest = statement_conditions(replace(c, topic_id=None, speaker_id=None), p)
    if not rest:
        return f"SELECT count(*) FROM statement_topic st {_where(on_topic)}"
    return (
        "SELECT count(*) FROM statement_topic st JOIN statement s ON s.id = st.statement_id"
        f" {_where(on_topic + rest)}"
    )


async def count_statements(db: Db, c: StatementCriteria) -> int:
    p = Params()
    rows = await db.fetch(statement_count_sql(c, p), *p.values)
    return rows[0][0]


async def statements_of(
    db: Db,
    parent: str,
    pages: Sequence[tuple[int, int, int]],
    c: StatementCriteria,
    order: str,
) -> Rows:
    """One page of statements per (parent id, offset, limit), in ONE statement (LATERAL).

    ``page`` in each row is the 1-based position of its request in ``pages``.
    """
    p = Params([k[0] for k in pages], [k[1] for k in pages], [k[2] for k in pages])
    conditions = _and(statement_conditions(c, p))
    return await db.fetch(
        f"SELECT p.page, x.* FROM unnest($1::bigint[], $2::int[], $3::int[])"
        f" WITH ORDINALITY AS p(id, off, lim, page) CROSS JOIN LATERAL ("
        f"  SELECT {STATEMENT_COLUMNS} FROM statement s"
        f"  WHERE {STATEMENT_PARENT[parent]}{conditions}"
        f"  ORDER BY {STATEMENT_ORDER[order]} OFFSET p.off LIMIT p.lim) x",
        *p.values,
    )


async def count_statements_of(
    db: Db, parent: str, parent_ids: Sequence[int], c: StatementCriteria
) -> dict[int, int]:
    p = Params(list(parent_ids))
    conditions = _and(statement_conditions(c, p))
    rows = await db.fetch(
        f"SELECT p.id, (SELECT count(*) FROM statement s"
        f"  WHERE {STATEMENT_PARENT[parent]}{conditions}) AS n"
        f" FROM unnest($1::bigint[]) AS p(id)",
        *p.values,
    )
    return {r["id"]: r["n"] for r in rows}


async def replies(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {STATEMENT_COLUMNS} FROM statement s WHERE s.in_reply_to_id = ANY($1::bigint[])"
        " ORDER BY s.event_id, s.sequence",
        list(ids),
    )


async def statement_topics(db: Db, statement_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT st.statement_id, t.id, t.slug, t.name, t.kind FROM statement_topic st"
        " JOIN topic t ON t.id = st.topic_id WHERE st.statement_id = ANY($1::bigint[])"
        " ORDER BY t.name, t.id",
        list(statement_ids),
    )


async def statement_organisations(db: Db, statement_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT DISTINCT om.statement_id, o.id, o.slug, o.name, o.acronym, o.kind"
        " FROM organisation_mention om JOIN organisation o ON o.id = om.organisation_id"
        " WHERE om.statement_id = ANY($1::bigint[]) ORDER BY o.name, o.id",
        list(statement_ids),
    )


# ------------------------------------------------------------------ search

SEARCH_HEADLINE_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, MaxFragments=3,"
    ' FragmentDelimiter=" … "'
)


# Ranking needs every candidate's tsvector, and PostgreSQL has no index that returns matches
# best first (RUM is not available), so ranking all matches costs time in proportion to how
# many there are: "Russia" at 1M statements is 174,000 of them. A search ranks at most the
# SEARCH_RANKED most recent matches instead (DATE_DESC order, as `statements` lists them);
# a search matching no more than that ranks every match, exactly as before the cap.
SEARCH_RANKED = 1000
# Three ways to find the SEARCH_RANKED most recent matches; all give the same rows, only the
# cost differs. Tried in this order, each only when the one before found too few:
# 1. Read statements newest first until enough match (costs SEARCH_RANKED / d rows for a word
#    in a share d of statements), when the SEARCH_SAMPLE newest statements say it is common:
#    d >= sqrt(SEARCH_RANKED * SEARCH_READ_COST / statements) (reading a row along the date
#    index costs about half of fetching a match through the bitmap, measured on the 1M bench
#    corpus) and d >= 2 * SEARCH_RANKED / SEARCH_READ_MAX (4%), so that it should find them
#    within SEARCH_READ_MAX rows, the most it ever reads.
# 2. Unfiltered searches: the matches in `statement_recent` (migration 0014), which holds
#    every statement of the newest days (at least search_window.size statements): its GIN
#    index is a fraction of the whole, and when it holds SEARCH_RANKED matches, those are the
#    most recent ones. A word in 0.5% of statements or more costs the window's matches,
#    however large the archive.
# 3. Fetch every match through the GIN index and keep the newest (costs d * all statements:
#    at 1M, for a word in less than 0.5%, at most 5,000 rows). Filtered searches use 1 and 3.
# The sample can mislead for a word common in the past and absent from the newest
# statements: that search takes way 2 or 3, as every search did before the cap.
SEARCH_SAMPLE = 500
SEARCH_READ_COST = 0.5
SEARCH_READ_MAX = 50000


def search_tsquery(query: str) -> str:
    """The query text's tsquery, computed once per statement (an InitPlan, not once per row)."""
    return f"(SELECT websearch_to_tsquery('english_unaccent', {query}))"


def search_page_sql(query: str, filters: Sequence[str], offset: str, limit: str) -> str:
    """SELECT id, rank, q of one page of search results, best first (rank DESC, id).

    ``query``, ``offset`` and ``limit`` are parameter references; ``filters`` conditions on
    ``statement s``. Both read paths use this, so they rank the same candidates. Each way of
    finding candidates is a subquery with a LIMIT or OFFSET of its own, so its plan is fixed
    by the SQL's shape (a constant LIMIT over the date order is always read along the date
    index) and the choice between them is made while executing (one-time filters): the plan
    is the same whatever the query text, so it may be planned generically. The newest-first
    rows are taken in the order their subquery yields them (the index's): an ORDER BY over
    them would make PostgreSQL plan that subquery as a sort of all its rows.
    """
    q = search_tsquery(query)
    recent = STATEMENT_ORDER["DATE_DESC"]
    matching = f"s.search @@ {q}{_and(filters)}"
    statements = "(SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'statement'::regclass)"
    share = (
        f"greatest(sqrt({SEARCH_RANKED * SEARCH_READ_COST} / {statements}),"
        f" {2 * SEARCH_RANKED / SEARCH_READ_MAX})"
    )
    read_enough = f"(SELECT count(*) FROM w) >= {SEARCH_RANKED}"
    window_enough = f"(SELECT count(*) FROM r) >= {SEARCH_RANKED}"
    ctes = [
        f"g AS MATERIALIZED (SELECT x.matched > 0 AND x.matched >= x.sampled * {share}"
        " AS newest FROM (SELECT count(*) AS sampled,"
        f" count(*) FILTER (WHERE {matching}) AS matched"
        f" FROM (SELECT * FROM statement s ORDER BY {recent} LIMIT {SEARCH_SAMPLE}) s) x)",
        "w AS MATERIALIZED (SELECT s.id, s.search FROM (SELECT * FROM statement s"
        f" ORDER BY {recent} LIMIT {SEARCH_READ_MAX}) s"
        f" WHERE (SELECT newest FROM g) AND {matching} LIMIT {SEARCH_RANKED})",
    ]
    candidates = [f"(SELECT w.id, w.search FROM w WHERE {read_enough})"]
    fetch_all = f"NOT {read_enough}"
    # The window's and the fetched matches are sorted by date with their row address (ctid)
    # only, and the chosen rows read again by address: sorting whole rows would copy every
    # match's tsvector.
    if not filters:
        ctes.append(
            "r AS MATERIALIZED (SELECT r.ctid AS tid FROM statement_recent r"
            f" WHERE NOT {read_enough} AND r.search @@ {q}"
            " AND r.spoken_on >= (SELECT starts_on FROM search_window)"
            f" ORDER BY r.spoken_on DESC, r.event_id DESC, r.sequence LIMIT {SEARCH_RANKED})"
        )
        candidates.append(
            "(SELECT r.statement_id, r.search FROM statement_recent r"
            f" WHERE r.ctid = ANY (ARRAY(SELECT tid FROM r)) AND {window_enough})"
        )
        fetch_all += f" AND NOT {window_enough}"
    ctes.append(
        "f AS MATERIALIZED (SELECT s.ctid AS tid FROM (SELECT s.ctid, s.spoken_on, s.event_id,"
        f" s.sequence FROM statement s WHERE {matching} OFFSET 0) s WHERE {fetch_all}"
        f" ORDER BY {recent} LIMIT {SEARCH_RANKED})"
    )
    candidates.append(
        "(SELECT s.id, s.search FROM statement s WHERE s.ctid = ANY (ARRAY(SELECT tid FROM f)))"
    )
    return (
        f"WITH {', '.join(ctes)}, c AS ({' UNION ALL '.join(candidates)})"
        " SELECT c.id, ts_rank_cd(c.search, x.q, 1) AS rank, x.q"
        f" FROM c CROSS JOIN (SELECT {q} AS q) x ORDER BY rank DESC, c.id"
        f" OFFSET {offset} LIMIT {limit}"
    )


async def search(db: Db, query: str, c: StatementCriteria, offset: int, limit: int) -> Rows:
    """Best match first among the SEARCH_RANKED most recent matches; the headline only for the
    page's rows.

    The text is HTML-escaped before ts_headline so the only markup in a highlight is <mark>.
    """
    p = Params(query, SEARCH_HEADLINE_OPTIONS)
    page = search_page_sql("$1", statement_conditions(c, p), p(offset), p(limit))
    return await db.fetch(
        f"SELECT {STATEMENT_COLUMNS}, r.rank,"
        "  ts_headline('english_unaccent',"
        "   replace(replace(replace(s.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),"
        "   r.q, $2) AS highlight"
        f" FROM ({page}) r JOIN statement s ON s.id = r.id ORDER BY r.rank DESC, s.id",
        *p.values,
    )


async def count_search(db: Db, query: str, c: StatementCriteria) -> int:
    """Every match, not only the ranked ones: the count reads them all (GIN, then the heap)."""
    p = Params(query)
    conditions = _and(statement_conditions(c, p))
    rows = await db.fetch(
        "SELECT count(*) FROM statement s"
        f" WHERE s.search @@ websearch_to_tsquery('english_unaccent', $1){conditions}",
        *p.values,
    )
    return rows[0][0]


# ------------------------------------------------------------------ statement counts

# grouping -> (raw key, label, FROM/JOIN addition, GROUP BY, ORDER BY)
STATEMENT_GROUPINGS = {
    "SPEAKER": (
        "sp.id::text",
        "sp.name",
        "JOIN person sp ON sp.id = s.speaker_id",
        "sp.id, sp.name",
        "count(*) DESC, sp.name, sp.id",
    ),
    "TOPIC": (
        "t.slug",
        "t.name",
        "JOIN statement_topic gst ON gst.statement_id = s.id JOIN topic t ON t.id = gst.topic_id",
        "t.slug, t.name",
        "count(*) DESC, t.name",
    ),
    "ORGANISATION": (
        "o.id::text",
        "o.name",
        "JOIN (SELECT DISTINCT statement_id, organisation_id FROM organisation_mention) gom"
        " ON gom.statement_id = s.id JOIN organisation o ON o.id = gom.organisation_id",
        "o.id, o.name",
        "count(*) DESC, o.name, o.id",
    ),
    "EVENT": (
        "ev.id::text",
        "ev.title",
        "JOIN event ev ON ev.id = s.event_id",
        "ev.id, ev.title",
        "count(*) DESC, min(ev.date) DESC NULLS LAST, ev.id DESC",
    ),
}
# Periods: (date_trunc unit, key format, label format). Statements are counted per day first
# (the bare column), the days summed per period, and only the periods formatted: to_char per
# row cost most of the statement's time at 1M rows. Without a filter the days come from
# statement_day_count (migration 0010: kept by triggers), not from reading every statement.
STATEMENT_PERIODS = {
    "MONTH": ("month", "YYYY-MM", "FMMonth YYYY"),
    "YEAR": ("year", "YYYY", "YYYY"),
}


def statement_counts_sql(c: StatementCriteria, grouping: str, p: Params) -> str:
    """SELECT key, label, count per group, in the order charts show them."""
    conditions = statement_conditions(c, p)
    if grouping in STATEMENT_PERIODS:
        unit, key, label = STATEMENT_PERIODS[grouping]
        if conditions:
            where = _where([*conditions, "s.spoken_on IS NOT NULL"])
            days = (
                "SELECT s.spoken_on AS day, count(*) AS n FROM statement s"
                f" {where} GROUP BY s.spoken_on"
            )
        else:
            days = "SELECT day, n FROM statement_day_count"
        return (
            f"SELECT to_char(g.period, '{key}') AS key, to_char(g.period, '{label}') AS label,"
            f" g.count FROM (SELECT date_trunc('{unit}', d.day::timestamp) AS period,"
            f" sum(d.n)::bigint AS count FROM ({days}) d GROUP BY 1 HAVING sum(d.n) > 0) g"
            " ORDER BY g.period"
        )
    key, label, join, group_by, order_by = STATEMENT_GROUPINGS[grouping]
    return (
        f"SELECT {key} AS key, {label} AS label, count(*) AS count FROM statement s {join}"
        f" {_where(conditions)} GROUP BY {group_by} ORDER BY {order_by}"
    )


async def statement_counts(db: Db, c: StatementCriteria, grouping: str) -> Rows:
    """(key, label, count) per group; statements without a speaker/date fall in no group."""
    p = Params()
    return await db.fetch(statement_counts_sql(c, grouping, p), *p.values)


# ------------------------------------------------------------------ events

EVENT_COLUMNS = "e.id, e.document_id, e.position, e.title, e.kind, e.date, e.time, e.location"
EVENT_ORDER = {
    "DATE_DESC": "e.date DESC NULLS LAST, e.time DESC NULLS LAST, e.id DESC",
    # the exact reverse (undated first), so event_date_idx serves it backwards
    "DATE_ASC": "e.date ASC NULLS FIRST, e.time ASC NULLS FIRST, e.id",
}
EVENT_PARENT = {
    "person": "EXISTS (SELECT 1 FROM participant pt WHERE pt.event_id = e.id"
    " AND pt.person_id = p.id)",
    "organisation": "EXISTS (SELECT 1 FROM event_organisation eo WHERE eo.event_id = e.id"
    " AND eo.organisation_id = p.id)",
}


async def events_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {EVENT_COLUMNS} FROM event e WHERE e.id = ANY($1::bigint[])", list(ids)
    )


async def events_of_documents(db: Db, document_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {EVENT_COLUMNS} FROM event e WHERE e.document_id = ANY($1::bigint[])"
        " ORDER BY e.document_id, e.position",
        list(document_ids),
    )


async def events(db: Db, c: EventCriteria, order: str, offset: int, limit: int) -> Rows:
    p = Params()
    where = _where(event_conditions(c, p))
    return await db.fetch(
        f"SELECT {EVENT_COLUMNS} FROM event e {where}"
        f" ORDER BY {EVENT_ORDER[order]} OFFSET {p(offset)} LIMIT {p(limit)}",
        *p.values,
    )


async def count_events(db: Db, c: EventCriteria) -> int:
    p = Params()
    rows = await db.fetch(
        f"SELECT count(*) FROM event e {_where(event_conditions(c, p))}", *p.values
    )
    return rows[0][0]


async def events_of(db: Db, parent: str, pages: Sequence[tuple[int, int, int]]) -> Rows:
    """One page of events (newest first) per (parent id, offset, limit), in one statement;
    ``page`` is the 1-based position of the row's request in ``pages``."""
    return await db.fetch(
        "SELECT p.page, x.* FROM unnest($1::bigint[], $2::int[], $3::int[])"
        " WITH ORDINALITY AS p(id, off, lim, page) CROSS JOIN LATERAL ("
        f"  SELECT {EVENT_COLUMNS} FROM event e WHERE {EVENT_PARENT[parent]}"
        f"  ORDER BY {EVENT_ORDER['DATE_DESC']} OFFSET p.off LIMIT p.lim) x",
        [k[0] for k in pages],
        [k[1] for k in pages],
        [k[2] for k in pages],
    )


async def count_events_of(db: Db, parent: str, parent_ids: Sequence[int]) -> dict[int, int]:
    rows = await db.fetch(
        f"SELECT p.id, (SELECT count(*) FROM event e WHERE {EVENT_PARENT[parent]}) AS n"
        " FROM unnest($1::bigint[]) AS p(id)",
        list(parent_ids),
    )
    return {r["id"]: r["n"] for r in rows}


async def event_participants(db: Db, event_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT pt.id, pt.event_id, pt.person_id, pt.role, pt.label, pt.title, pt.affiliation_id"
        " FROM participant pt WHERE pt.event_id = ANY($1::bigint[]) ORDER BY pt.event_id, pt.id",
        list(event_ids),
    )


async def event_organisations(db: Db, event_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT eo.event_id, o.id, o.slug, o.name, o.acronym, o.kind FROM event_organisation eo"
        " JOIN organisation o ON o.id = eo.organisation_id"
        " WHERE eo.event_id = ANY($1::bigint[]) ORDER BY o.name, o.id",
        list(event_ids),
    )


# ------------------------------------------------------------------ documents

DOCUMENT_COLUMNS = (
    "d.id, d.sha256, d.filename, d.source_url, d.publisher, d.format, d.title, d.ingested_at,"
    " d.warnings"
)


async def documents_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    """Everything but the text, which can be megabytes and is loaded only when asked for."""
    return await db.fetch(
        f"SELECT {DOCUMENT_COLUMNS} FROM source_document d WHERE d.id = ANY($1::bigint[])",
        list(ids),
    )


async def document_texts(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT d.id, d.text FROM source_document d WHERE d.id = ANY($1::bigint[])", list(ids)
    )


DOCUMENT_ORDER = "d.ingested_at DESC, d.id DESC"


async def documents(db: Db, c: DocumentCriteria, offset: int, limit: int) -> Rows:
    p = Params(offset, limit)
    where = _where(document_conditions(c, p))
    return await db.fetch(
        f"SELECT {DOCUMENT_COLUMNS} FROM source_document d {where}"
        f" ORDER BY {DOCUMENT_ORDER} OFFSET $1 LIMIT $2",
        *p.values,
    )


async def count_documents(db: Db, c: DocumentCriteria) -> int:
    p = Params()
    where = _where(document_conditions(c, p))
    return (await db.fetch(f"SELECT count(*) FROM source_document d {where}", *p.values))[0][0]


# ------------------------------------------------------------------ persons

# Follows merged_into_id chains from the rows of ``hit(id, score)`` to the kept persons.
_KEPT = """
kept(id, merged_into_id, score, depth) AS (
    SELECT p.id, p.merged_into_id, hit.score, 0 FROM hit JOIN person p ON p.id = hit.id
  UNION ALL
    SELECT p.id, p.merged_into_id, kept.score, kept.depth + 1
    FROM kept JOIN person p ON p.id = kept.merged_into_id WHERE kept.depth < 32
)
SELECT p.id, p.name, max(kept.score) AS score
FROM kept JOIN person p ON p.id = kept.id
WHERE p.merged_into_id IS NULL
GROUP BY p.id, p.name
ORDER BY score DESC, p.name, p.id
"""


async def persons_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    """(requested id, kept id, name): a merged person's id yields the person kept."""
    return await db.fetch(
        """
        WITH RECURSIVE chain(requested, id, merged_into_id, depth) AS (
            SELECT p.id, p.id, p.merged_into_id, 0 FROM person p WHERE p.id = ANY($1::bigint[])
          UNION ALL
            SELECT chain.requested, p.id, p.merged_into_id, chain.depth + 1
            FROM chain JOIN person p ON p.id = chain.merged_into_id WHERE chain.depth < 32
        )
        SELECT chain.requested, p.id, p.name FROM chain JOIN person p ON p.id = chain.id
        WHERE p.merged_into_id IS NULL
        """,
        list(ids),
    )


async def persons_by_name_keys(db: Db, keys: Sequence[str]) -> Rows:
    """Persons with a name form whose folded key is exactly one of ``keys``."""
    return await db.fetch(
        "WITH RECURSIVE hit(id, score) AS ("
        "  SELECT person_id, 1.0::real FROM person_alias WHERE key = ANY($1::text[])"
        "  UNION SELECT id, 1.0::real FROM person WHERE name_key = ANY($1::text[]))," + _KEPT,
        list(keys),
    )


# How a name form fits the words looked up ($3, joined by spaces): 3 the whole form, 2 its end
# (the surname, or given name and surname), 1 only somewhere in it (a first name, a middle name).
_FIT = (
    "(CASE WHEN {col} = $3 THEN 3 WHEN right({col}, length($3) + 1) = ' ' || $3 THEN 2"
    " ELSE 1 END)::real"
)


async def persons_by_name_words(db: Db, words: Sequence[str]) -> Rows:
    """Persons with a name form containing every one of ``words`` as a whole word; ``score``
    is how the best of their forms fits (``_FIT``)."""
    longest = max(words, key=len)
    return await db.fetch(
        "WITH RECURSIVE hit(id, score) AS ("
        f"  SELECT person_id, {_FIT.format(col='key')} FROM person_alias"
        "  WHERE key LIKE '%' || $2 || '%' AND string_to_array(key, ' ') @> $1::text[]"
        f"  UNION SELECT id, {_FIT.format(col='name_key')} FROM person"
        "  WHERE name_key LIKE '%' || $2 || '%' AND string_to_array(name_key, ' ') @> $1::text[]),"
        + _KEPT,
        list(words),
        longest,
        " ".join(words),
    )


async def persons_by_similar_name(db: Db, key: str) -> Rows:
    """Persons with a name form similar to ``key`` (pg_trgm, person_alias_key_trgm_idx), most
    similar first: the whole form (``%``, similarity >= 0.3) or a part of it (``<%``, word
    similarity >= 0.6, "Psak" in "jen psaki"); ``score`` is the similarity of the whole form."""
    return await db.fetch(
        "WITH RECURSIVE hit(id, score) AS ("
        "  SELECT person_id, max(similarity(key, $1)) FROM person_alias"
        "  WHERE key % $1 OR $1 <% key"
        "  GROUP BY person_id)," + _KEPT + " LIMIT 10",
        key,
    )


def person_conditions(name: tuple[str, str] | None, p: Params) -> list[str]:
    """Kept persons; with ``name`` = (folded, plain) typed text, those with a name form of
    which some word starts with it."""
    conditions = ["p.merged_into_id IS NULL"]
    if name is not None:
        folded, plain = p(name[0]), p(name[1])
        conditions.append(
            "(p.name_key ~ ('\\m' || " + folded + ") OR EXISTS (SELECT 1 FROM person_alias pa"
            " WHERE pa.person_id = p.id AND (pa.key ~ ('\\m' || " + folded + ")"
            " OR lower(immutable_unaccent(pa.alias)) ~ ('\\m' || " + plain + "))))"
        )
    return conditions


async def persons(db: Db, name: tuple[str, str] | None, offset: int, limit: int) -> Rows:
    p = Params()
    where = _where(person_conditions(name, p))
    return await db.fetch(
        f"SELECT p.id, p.name FROM person p {where}"
        f" ORDER BY p.name, p.id OFFSET {p(offset)} LIMIT {p(limit)}",
        *p.values,
    )


async def count_persons(db: Db, name: tuple[str, str] | None) -> int:
    p = Params()
    where = _where(person_conditions(name, p))
    return (await db.fetch(f"SELECT count(*) FROM person p {where}", *p.values))[0][0]


async def person_aliases(db: Db, person_ids: Sequence[int]) -> Rows:
    """Every name form other than the display name, once each."""
    return await db.fetch(
        "SELECT DISTINCT pa.person_id, pa.alias FROM person_alias pa"
        " JOIN person p ON p.id = pa.person_id"
        " WHERE pa.person_id = ANY($1::bigint[]) AND pa.alias <> p.name"
        " ORDER BY pa.person_id, pa.alias",
        list(person_ids),
    )


async def person_titles(db: Db, person_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        "SELECT person_id, title FROM person_title WHERE person_id = ANY($1::bigint[])"
        " ORDER BY person_id, seen_on DESC NULLS LAST, title",
        list(person_ids),
    )


async def person_statement_counts(db: Db, person_ids: Sequence[int]) -> dict[int, int]:
    rows = await db.fetch(
        "SELECT speaker_id, count(*) AS n FROM statement WHERE speaker_id = ANY($1::bigint[])"
        " GROUP BY speaker_id",
        list(person_ids),
    )
    return {r["speaker_id"]: r["n"] for r in rows}


# ------------------------------------------------------------------ organisations

ORGANISATION_COLUMNS = "o.id, o.slug, o.name, o.acronym, o.kind"


async def organisations_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {ORGANISATION_COLUMNS} FROM organisation o WHERE o.id = ANY($1::bigint[])",
        list(ids),
    )


async def organisations_by_name(db: Db, keys: Sequence[str], lowered: str, slug: str) -> Rows:
    """Organisations whose name, acronym, slug or any alias key equals the given forms."""
    return await db.fetch(
        f"SELECT {ORGANISATION_COLUMNS} FROM organisation o WHERE o.id IN ("
        "  SELECT organisation_id FROM organisation_alias WHERE key = ANY($1::text[])"
        "  UNION SELECT id FROM organisation"
        "  WHERE lower(name) = $2 OR lower(acronym) = $2 OR slug = $3)"
        " ORDER BY o.name, o.id",
        list(keys),
        lowered,
        slug,
    )


async def organisations_by_similar_name(db: Db, key: str) -> Rows:
    return await db.fetch(
        f"SELECT {ORGANISATION_COLUMNS}, s.score FROM ("
        "  SELECT organisation_id, max(similarity(key, $1)) AS score FROM organisation_alias"
        "  WHERE key % $1 GROUP BY organisation_id) s"
        " JOIN organisation o ON o.id = s.organisation_id ORDER BY s.score DESC, o.name LIMIT 10",
        key,
    )


def organisation_conditions(
    name: tuple[str, str] | None, kinds: tuple[str, ...] | None, p: Params
) -> list[str]:
    conditions = []
    if name is not None:
        folded, plain = p(name[0]), p(name[1])
        conditions.append(
            "(lower(immutable_unaccent(o.name)) ~ ('\\m' || " + plain + ")"
            " OR lower(o.acronym) ~ ('\\m' || " + plain + ")"
            " OR EXISTS (SELECT 1 FROM organisation_alias oa WHERE oa.organisation_id = o.id"
            " AND (oa.key ~ ('\\m' || " + folded + ")"
            " OR lower(immutable_unaccent(oa.alias)) ~ ('\\m' || " + plain + "))))"
        )
    if kinds is not None:
        conditions.append(f"o.kind = ANY({p(list(kinds))}::text[])")
    return conditions


async def organisations(
    db: Db,
    name: tuple[str, str] | None,
    kinds: tuple[str, ...] | None,
    offset: int,
    limit: int,
) -> Rows:
    p = Params()
    where = _where(organisation_conditions(name, kinds, p))
    return await db.fetch(
        f"SELECT {ORGANISATION_COLUMNS} FROM organisation o {where}"
        f" ORDER BY o.name, o.id OFFSET {p(offset)} LIMIT {p(limit)}",
        *p.values,
    )


async def count_organisations(
    db: Db, name: tuple[str, str] | None, kinds: tuple[str, ...] | None
) -> int:
    p = Params()
    where = _where(organisation_conditions(name, kinds, p))
    return (await db.fetch(f"SELECT count(*) FROM organisation o {where}", *p.values))[0][0]


async def organisation_aliases(db: Db, organisation_ids: Sequence[int]) -> Rows:
    """Every name form other than the display name and the acronym, once each."""
    return await db.fetch(
        "SELECT DISTINCT oa.organisation_id, oa.alias FROM organisation_alias oa"
        " JOIN organisation o ON o.id = oa.organisation_id"
        " WHERE oa.organisation_id = ANY($1::bigint[]) AND oa.alias <> o.name"
        " AND oa.alias IS DISTINCT FROM o.acronym ORDER BY oa.organisation_id, oa.alias",
        list(organisation_ids),
    )


# ------------------------------------------------------------------ topics

TOPIC_COLUMNS = "t.id, t.slug, t.name, t.kind"


async def topics_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {TOPIC_COLUMNS} FROM topic t WHERE t.id = ANY($1::bigint[])", list(ids)
    )


async def topics_by_name(db: Db, lowered: str, slug: str) -> Rows:
    return await db.fetch(
        f"SELECT {TOPIC_COLUMNS} FROM topic t"
        " WHERE lower(t.name) = $1 OR t.slug = $2"
        " ORDER BY t.name, t.id",
        lowered,
        slug,
    )


async def topics_by_similar_name(db: Db, lowered: str, slug: str) -> Rows:
    """Topics whose name or slug is similar to the given forms (pg_trgm), most similar first:
    the "did you mean" of an unknown topic. The topic vocabulary is small: no index needed."""
    return await db.fetch(
        f"SELECT {TOPIC_COLUMNS}, s.score FROM ("
        "  SELECT id, greatest(similarity(lower(name), $1), similarity(slug, $2)) AS score"
        "  FROM topic WHERE lower(name) % $1 OR slug % $2) s"
        " JOIN topic t ON t.id = s.id ORDER BY s.score DESC, t.name, t.id LIMIT 10",
        lowered,
        slug,
    )


async def topics(db: Db, offset: int, limit: int) -> Rows:
    return await db.fetch(
        f"SELECT {TOPIC_COLUMNS} FROM topic t ORDER BY t.name, t.id OFFSET $1 LIMIT $2",
        offset,
        limit,
    )


async def count_topics(db: Db) -> int:
    return (await db.fetch("SELECT count(*) FROM topic"))[0][0]


async def topic_statement_counts(db: Db, topic_ids: Sequence[int]) -> dict[int, int]:
    rows = await db.fetch(
        "SELECT topic_id, count(*) AS n FROM statement_topic WHERE topic_id = ANY($1::bigint[])"
        " GROUP BY topic_id",
        list(topic_ids),
    )
    return {r["topic_id"]: r["n"] for r in rows}


# ------------------------------------------------------------------ figures

FIGURE_COLUMNS = (
    "f.id, f.statement_id, s.speaker_id, f.text, f.value, f.high, f.unit, f.kind, f.qualifier,"
    " f.counted, f.context, f.start_offset, f.end_offset, f.base_value, f.base_high, f.base_unit"
)
# VALUE_* compare values in the unit's base ("2 t" is 2,000 kg, above "500 kg"; migration 0012,
# figure_base_value_idx); currencies are not converted.
FIGURE_ORDER = {
    "DATE_DESC": "s.spoken_on DESC NULLS LAST, s.event_id DESC, s.sequence, f.start_offset",
    "DATE_ASC": "s.spoken_on ASC NULLS LAST, s.event_id, s.sequence, f.start_offset",
    "VALUE_DESC": "f.base_value DESC, f.id",
    "VALUE_ASC": "f.base_value ASC, f.id",
}


async def figures_by_ids(db: Db, ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {FIGURE_COLUMNS} FROM figure f JOIN statement s ON s.id = f.statement_id"
        " WHERE f.id = ANY($1::bigint[])",
        list(ids),
    )


async def figures_of_statements(db: Db, statement_ids: Sequence[int]) -> Rows:
    return await db.fetch(
        f"SELECT {FIGURE_COLUMNS} FROM figure f JOIN statement s ON s.id = f.statement_id"
        " WHERE f.statement_id = ANY($1::bigint[]) ORDER BY f.statement_id, f.start_offset",
        list(statement_ids),
    )


async def figures(db: Db, c: FigureCriteria, order: str, offset: int, limit: int) -> Rows:
    p = Params()
    where = _where(figure_conditions(c, p))
    return await db.fetch(
        f"SELECT {FIGURE_COLUMNS} FROM figure f JOIN statement s ON s.id = f.statement_id"
        f" {where} ORDER BY {FIGURE_ORDER[order]} OFFSET {p(offset)} LIMIT {p(limit)}",
        *p.values,
    )


async def count_figures(db: Db, c: FigureCriteria) -> int:
    p = Params()
    where = _where(figure_conditions(c, p))
    rows = await db.fetch(
        f"SELECT count(*) FROM figure f JOIN statement s ON s.id = f.statement_id {where}",
        *p.values,
    )
    return rows[0][0]

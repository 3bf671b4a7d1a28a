"""Relations and computed fields, each declared once for both read paths.

A declaration says where a parent row's related rows are (FROM clause and columns, in the
aliases of ``queries``), which column holds the parent's key, and their order. From it come
the DataLoader's batched statement (``Related.batch_sql``: every parent of a selection at
once) and the compiled path's correlated subquery (``Related.select``), so the two paths read
the same rows in the same order by construction.

Adding a relation is one declaration here plus one line in its GraphQL type
(``service.api.declared``); CONTRIBUTING.md walks through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.storage.queries import (
    EVENT_COLUMNS,
    FIGURE_COLUMNS,
    ORGANISATION_COLUMNS,
    STATEMENT_COLUMNS,
    TOPIC_COLUMNS,
    Db,
    Rows,
)

PARENT = "parent"  # how a declaration's condition names the parent row


@dataclass(frozen=True)
class Related:
    """A parent row's related rows (or values).

    ``key`` is the column matching the parent's id; ``condition`` may name the parent row as
    ``parent`` (the loader joins ``parent_table`` for it); ``order`` lists output columns,
    each optionally followed by a direction. ``value`` makes it a list of that output
    column's values instead of rows; ``single`` makes it one row or value (or null).
    """

    source: str
    columns: str
    key: str
    order: tuple[str, ...] = ()
    condition: str = ""
    parent_table: str | None = None
    distinct: bool = False
    value: str | None = None
    single: bool = False

    def select(self, parent_id: str) -> str:
        """The rows of one parent whose id is the SQL expression ``parent_id``; a condition
        naming ``parent.`` is written against that expression's row."""
        row = parent_id.rsplit(".", 1)[0]
        condition = self.condition.replace(f"{PARENT}.", f"{row}.")
        extra = f" AND {condition}" if condition else ""
        distinct = "DISTINCT " if self.distinct else ""
        return (
            f"SELECT {distinct}{self.columns} FROM {self.source}"
            f" WHERE {self.key} = {parent_id}{extra}"
        )

    def order_by(self, alias: str) -> str:
        return ", ".join(f"{alias}.{term}" for term in self.order)

    def batch_sql(self) -> str:
        """Every parent's rows at once ($1: the parents' ids), each tagged ``parent_key``."""
        join = f" JOIN {self.parent_table} {PARENT} ON {PARENT}.id = {self.key}"
        extra = f" AND {self.condition}" if self.condition else ""
        distinct = "DISTINCT " if self.distinct else ""
        inner = (
            f"SELECT {distinct}{self.key} AS parent_key, {self.columns} FROM {self.source}"
            f"{join if self.parent_table else ''} WHERE {self.key} = ANY($1::bigint[]){extra}"
        )
        order = f" ORDER BY {self.order_by('x')}" if self.order else ""
        return f"SELECT x.* FROM ({inner}) x{order}"


@dataclass(frozen=True)
class Count:
    """How many rows of ``table`` have the parent's id in ``key``."""

    table: str
    key: str

    def select(self, parent_id: str) -> str:
        return f"SELECT count(*) FROM {self.table} x WHERE x.{self.key} = {parent_id}"

    def batch_sql(self) -> str:
        return (
            f"SELECT {self.key} AS parent_key, count(*) AS n FROM {self.table}"
            f" WHERE {self.key} = ANY($1::bigint[]) GROUP BY {self.key}"
        )


async def related_rows(db: Db, relation: Related | Count, parent_ids: Sequence[int]) -> Rows:
    return await db.fetch(relation.batch_sql(), list(parent_ids))


# ------------------------------------------------------------------ statements

REPLIES = Related("statement s", STATEMENT_COLUMNS, "s.in_reply_to_id", ("event_id", "sequence"))
# Where each paragraph of a statement lies in the page, in reading order (none for statements
# stored before migration 0011).
STATEMENT_PARAGRAPHS = Related(
    "statement sp CROSS JOIN LATERAL jsonb_array_elements(sp.paragraphs)"
    " WITH ORDINALITY AS pg (span, n)",
    '(pg.span->>0)::int AS start, (pg.span->>1)::int AS "end", pg.n',
    "sp.id",
    ("n",),
)
# The turns around a statement in its event, for quoting it with its context.
PREVIOUS_STATEMENT = Related(
    "statement qx JOIN statement s ON s.event_id = qx.event_id AND s.sequence = qx.sequence - 1",
    STATEMENT_COLUMNS,
    "qx.id",
    single=True,
)
NEXT_STATEMENT = Related(
    "statement qx JOIN statement s ON s.event_id = qx.event_id AND s.sequence = qx.sequence + 1",
    STATEMENT_COLUMNS,
    "qx.id",
    single=True,
)
STATEMENT_TOPICS = Related(
    "statement_topic st JOIN topic t ON t.id = st.topic_id",
    TOPIC_COLUMNS,
    "st.statement_id",
    ("name", "id"),
)
FIGURE_TOPICS = Related(
    "figure_topic ft JOIN topic t ON t.id = ft.topic_id",
    TOPIC_COLUMNS,
    "ft.figure_id",
    ("name", "id"),
)
STATEMENT_ORGANISATIONS = Related(
    "organisation_mention om JOIN organisation o ON o.id = om.organisation_id",
    ORGANISATION_COLUMNS,
    "om.statement_id",
    ("name", "id"),
    distinct=True,
)
STATEMENT_FIGURES = Related(
    "figure f JOIN statement s ON s.id = f.statement_id",
    FIGURE_COLUMNS,
    "f.statement_id",
    ("start_offset", "id"),
)
MENTIONED_PERSONS = Related(  # a merged person as the person kept (merges are flattened)
    "person_mention pm JOIN person m ON m.id = pm.person_id"
    " LEFT JOIN person k ON k.id = m.merged_into_id",
    "coalesce(k.id, m.id) AS id, coalesce(k.name, m.name) AS name",
    "pm.statement_id",
    ("name", "id"),
    distinct=True,
)
_MENTION_COLUMNS = "{m}.id, {m}.{ref}, {m}.start_offset, {m}.end_offset, {m}.text"
TOPIC_MENTIONS = Related(
    "topic_mention tm",
    _MENTION_COLUMNS.format(m="tm", ref="topic_id"),
    "tm.statement_id",
    ("start_offset", "id"),
)
ORGANISATION_MENTIONS = Related(
    "organisation_mention om",
    _MENTION_COLUMNS.format(m="om", ref="organisation_id"),
    "om.statement_id",
    ("start_offset", "id"),
)

# ------------------------------------------------------------------ events and documents

EVENT_PARTICIPANTS = Related(
    "participant pt",
    "pt.id, pt.event_id, pt.person_id, pt.role, pt.label, pt.title, pt.affiliation_id",
    "pt.event_id",
    ("id",),
)
EVENT_ORGANISATIONS = Related(
    "event_organisation eo JOIN organisation o ON o.id = eo.organisation_id",
    ORGANISATION_COLUMNS,
    "eo.event_id",
    ("name", "id"),
)
DOCUMENT_EVENTS = Related("event e", EVENT_COLUMNS, "e.document_id", ("position",))
DOCUMENT_TEXT = Related("source_document d", "d.text", "d.id", value="text", single=True)

# ------------------------------------------------------------------ persons

PERSON_ALIASES = Related(
    "person_alias pa",
    "pa.alias",
    "pa.person_id",
    ("alias",),
    condition=f"pa.alias <> {PARENT}.name",
    parent_table="person",
    distinct=True,
    value="alias",
)
PERSON_TITLES = Related(
    "person_title pt",
    "pt.title, pt.seen_on",
    "pt.person_id",
    ("seen_on DESC NULLS LAST", "title"),
    value="title",
)
PERSON_WIKIDATA_ID = Related("person w", "w.wikidata_id", "w.id", value="wikidata_id", single=True)
PERSON_COUNTRY = Related("person w", "w.country", "w.id", value="country", single=True)
PERSON_OFFICES = Related(
    "person_office po",
    "po.office, po.country, po.start_date, po.end_date, po.source",
    "po.person_id",
    ("start_date DESC NULLS LAST", "office", "source"),
)
PERSON_STATEMENT_COUNT = Count("statement", "speaker_id")

# ------------------------------------------------------------------ organisations and topics

ORGANISATION_ALIASES = Related(
    "organisation_alias oa",
    "oa.alias",
    "oa.organisation_id",
    ("alias",),
    condition=f"oa.alias <> {PARENT}.name AND oa.alias IS DISTINCT FROM {PARENT}.acronym",
    parent_table="organisation",
    distinct=True,
    value="alias",
)
TOPIC_STATEMENT_COUNT = Count("statement_topic", "topic_id")

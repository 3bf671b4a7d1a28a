"""Store one parsed document: all its rows in one transaction, one statement per table.

Every table's rows for the document go in as arrays (``unnest``), so a 200-turn page costs
about twenty round trips, whatever its size. The sha256 of the text makes loading idempotent:
the same text again is reported as present (``created=False``) and changes nothing, also when
two sessions insert it at once. Any failure rolls the whole document back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg
import orjson

from service.ingestion.base_units import base_figure
from service.ingestion.fingerprint import content_key
from service.ingestion.model import Event, OrganisationRef, ParsedDocument, PersonRef, TopicRef
from service.ingestion.names import plain
from service.ingestion.offices import holder_facts
from service.observability import counted_store
from service.storage import persons
from service.storage.notifications import notify_names_changed

K = TypeVar("K", bound=Hashable)


class InvalidDocument(ValueError):
    """A parsed document that contradicts itself (a dangling slug, key or sequence)."""


@dataclass(frozen=True)
class StoreResult:
    document_id: int
    created: bool
    events: int
    statements: int
    figures: int


def organisation_key(name: str) -> str:
    """organisation_alias.key: lower-case, unaccented, without punctuation ("NATO" -> "nato").

    Person-name spelling rules (fold_name) would wrongly fold organisation names together.
    """
    return plain(name)


# ---------------------------------------------------------------- SQL

INSERT_DOCUMENT_SQL = """
INSERT INTO source_document
    (sha256, filename, source_url, publisher, format, title, text, original, original_format,
     warnings, content_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT DO NOTHING  -- the same sha256, or the same text up to whitespace and typography
RETURNING id
"""

EXISTING_DOCUMENT_SQL = """
SELECT d.id,
       (SELECT count(*) FROM event e WHERE e.document_id = d.id) AS events,
       (SELECT count(*) FROM statement s JOIN event e ON e.id = s.event_id
        WHERE e.document_id = d.id) AS statements,
       (SELECT count(*) FROM figure f JOIN statement s ON s.id = f.statement_id
        JOIN event e ON e.id = s.event_id WHERE e.document_id = d.id) AS figures
FROM source_document d
WHERE d.sha256 = $1 OR d.content_key = $2
ORDER BY d.sha256 = $1 DESC
LIMIT 1
"""

# Existing rows are kept as they are; the second SELECT sees only rows that existed before this
# statement, so each slug comes back once. A slug another ingestion inserts meanwhile (this
# statement waits for it, then skips it) is read by a new statement: COMMITTED_*_SQL.
UPSERT_ORGANISATIONS_SQL = """
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
        AS i (slug, name, acronym, kind)
), inserted AS (
    INSERT INTO organisation (slug, name, acronym, kind)
    SELECT slug, name, acronym, kind FROM input
    ON CONFLICT (slug) DO NOTHING
    RETURNING id, slug
)
SELECT id, slug FROM inserted
UNION ALL
SELECT o.id, o.slug FROM organisation o JOIN input USING (slug)
"""

COMMITTED_ORGANISATIONS_SQL = "SELECT id, slug FROM organisation WHERE slug = ANY($1::text[])"
COMMITTED_TOPICS_SQL = "SELECT id, slug FROM topic WHERE slug = ANY($1::text[])"

INSERT_ORGANISATION_ALIASES_SQL = """
INSERT INTO organisation_alias (organisation_id, alias, key)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
ON CONFLICT (organisation_id, key) DO NOTHING
"""

UPSERT_TOPICS_SQL = """
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS i (slug, name, kind)
), inserted AS (
    INSERT INTO topic (slug, name, kind)
    SELECT slug, name, kind FROM input
    ON CONFLICT (slug) DO NOTHING
    RETURNING id, slug
)
SELECT id, slug FROM inserted
UNION ALL
SELECT t.id, t.slug FROM topic t JOIN input USING (slug)
"""

INSERT_EVENTS_SQL = """
INSERT INTO event (document_id, position, title, kind, date, time, location,
                   start_offset, end_offset)
SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[],
                         $8::int[], $9::int[])
RETURNING id, position
"""

INSERT_EVENT_ORGANISATIONS_SQL = """
INSERT INTO event_organisation (event_id, organisation_id)
SELECT * FROM unnest($1::bigint[], $2::bigint[])
"""

INSERT_PARTICIPANTS_SQL = """
INSERT INTO participant (event_id, person_id, role, label, title, affiliation_id)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                     $6::bigint[])
RETURNING id, event_id, label, person_id
"""

# Statement ids are taken from the identity sequence first, so in_reply_to_id can go in with
# the row: a later UPDATE would rewrite every answer and its full-text index entries again.
RESERVE_STATEMENT_IDS_SQL = """
SELECT nextval(pg_get_serial_sequence('statement', 'id')) FROM generate_series(1, $1)
"""

INSERT_STATEMENTS_SQL = """
INSERT INTO statement (id, event_id, sequence, kind, participant_id, speaker_id, speaker_label,
                       text, start_offset, end_offset, in_reply_to_id, spoken_on, paragraphs)
OVERRIDING SYSTEM VALUE
SELECT u.id, u.event_id, u.sequence, u.kind, u.participant_id, u.speaker_id, u.speaker_label,
       u.text, u.start_offset, u.end_offset, u.in_reply_to_id, u.spoken_on, u.paragraphs::jsonb
FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::bigint[],
            $6::bigint[], $7::text[], $8::text[], $9::int[], $10::int[], $11::bigint[],
            $12::date[], $13::text[])
     AS u (id, event_id, sequence, kind, participant_id, speaker_id, speaker_label, text,
           start_offset, end_offset, in_reply_to_id, spoken_on, paragraphs)
"""

# The speaker comes from the statement just stored (the foreign key checks the copy).
INSERT_STATEMENT_TOPICS_SQL = """
INSERT INTO statement_topic (statement_id, topic_id, speaker_id)
SELECT t.statement_id, t.topic_id, s.speaker_id
FROM unnest($1::bigint[], $2::bigint[]) AS t (statement_id, topic_id)
JOIN statement s ON s.id = t.statement_id
"""

INSERT_TOPIC_MENTIONS_SQL = """
INSERT INTO topic_mention (statement_id, topic_id, start_offset, end_offset, text)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[])
"""

INSERT_ORGANISATION_MENTIONS_SQL = """
INSERT INTO organisation_mention (statement_id, organisation_id, start_offset, end_offset, text)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[])
"""

INSERT_PERSON_MENTIONS_SQL = """
INSERT INTO person_mention (statement_id, person_id, start_offset, end_offset, text)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[])
"""

INSERT_FIGURES_SQL = """
INSERT INTO figure (statement_id, text, value, high, unit, kind, qualifier, counted, context,
                    start_offset, end_offset, base_value, base_high, base_unit)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[],
                     $12::float8[], $13::float8[], $14::text[])
"""

# A figure is known by its statement and span (figures of one statement never share a span).
INSERT_FIGURE_TOPICS_SQL = """
INSERT INTO figure_topic (figure_id, topic_id)
SELECT f.id, t.topic_id
FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[])
    AS t (statement_id, start_offset, end_offset, topic_id)
JOIN figure f ON f.statement_id = t.statement_id AND f.start_offset = t.start_offset
             AND f.end_offset = t.end_offset
ON CONFLICT DO NOTHING
"""


# ---------------------------------------------------------------- helpers


def _lookup(mapping: Mapping[K, int], key: K, what: str) -> int:
    try:
        return mapping[key]
    except KeyError:
        raise InvalidDocument(f"{what} {key!r} is referenced but not defined") from None


def _optional(mapping: Mapping[K, int], key: K | None, what: str) -> int | None:
    return None if key is None else _lookup(mapping, key, what)


async def _insert(conn: asyncpg.Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples, as one array per column; nothing to do for no rows."""
    if rows:
        await conn.execute(sql, *(list(column) for column in zip(*rows, strict=True)))


async def _insert_returning(
    conn: asyncpg.Connection, sql: str, rows: Sequence[tuple[Any, ...]]
) -> list[asyncpg.Record]:
    if not rows:
        return []
    return await conn.fetch(sql, *(list(column) for column in zip(*rows, strict=True)))


# ---------------------------------------------------------------- vocabulary


async def _store_organisations(
    conn: asyncpg.Connection, refs: Sequence[OrganisationRef]
) -> dict[str, int]:
    unique = list({ref.slug: ref for ref in refs}.values())
    records = await _insert_returning(
        conn,
        UPSERT_ORGANISATIONS_SQL,
        [(ref.slug, ref.name, ref.acronym, str(ref.kind)) for ref in unique],
    )
    ids = {r["slug"]: r["id"] for r in records}
    ids |= await _committed_meanwhile(conn, COMMITTED_ORGANISATIONS_SQL, unique, ids)
    aliases: dict[tuple[int, str], str] = {}
    for ref in unique:
        forms = [ref.name, *([ref.acronym] if ref.acronym else []), *ref.aliases]
        for alias in forms:
            key = organisation_key(alias)
            if key:
                aliases.setdefault((ids[ref.slug], key), alias)
    await _insert(
        conn,
        INSERT_ORGANISATION_ALIASES_SQL,
        [(org_id, alias, key) for (org_id, key), alias in aliases.items()],
    )
    return ids


async def _store_topics(conn: asyncpg.Connection, refs: Sequence[TopicRef]) -> dict[str, int]:
    unique = list({ref.slug: ref for ref in refs}.values())
    records = await _insert_returning(
        conn, UPSERT_TOPICS_SQL, [(ref.slug, ref.name, str(ref.kind)) for ref in unique]
    )
    ids = {r["slug"]: r["id"] for r in records}
    return ids | await _committed_meanwhile(conn, COMMITTED_TOPICS_SQL, unique, ids)


async def _committed_meanwhile(
    conn: asyncpg.Connection,
    sql: str,
    refs: Sequence[OrganisationRef | TopicRef],
    found: Mapping[str, int],
) -> dict[str, int]:
    """Slugs a concurrent ingestion committed while the upsert waited for them: invisible to
    that statement's snapshot, visible to a new one. No round trip when nothing is missing."""
    missing = [ref.slug for ref in refs if ref.slug not in found]
    if not missing:
        return {}
    return {r["slug"]: r["id"] for r in await conn.fetch(sql, missing)}


# ---------------------------------------------------------------- persons


def _latest(dates: Sequence[dt.date | None]) -> dt.date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _names(ref: PersonRef, label: str) -> bool:
    """Whether a speaker label carries the person's surname: "SECRETARY WRIGHT" is a name form
    of Chris Wright, "Q" and "THE PRESIDENT" are not."""
    tokens = persons.name_tokens(ref.name)
    return bool(tokens) and tokens[-1] in persons.name_tokens(label)


def identity_context(parsed: ParsedDocument) -> persons.Context:
    """The evidence a document offers for matching its persons: its source and date, each
    person's dated titles, and who of them the office-holder data knows."""
    days: dict[str, list[dt.date | None]] = {}
    titles: dict[str, dict[str, dt.date | None]] = {}
    for event in parsed.events:
        for p in event.participants:
            if p.person_key is not None:
                days.setdefault(p.person_key, []).append(event.date)
                if p.title:
                    titles.setdefault(p.person_key, {})[p.title] = event.date
    all_days = [e.date for e in parsed.events]
    dated = [d for d in all_days if d is not None]
    holders = {}
    for ref in parsed.persons:
        seen = titles.setdefault(ref.key, {})
        for title in ref.titles:
            seen.setdefault(title, _latest(days.get(ref.key) or all_days))
        facts = holder_facts(ref.name, list(seen), days.get(ref.key) or all_days)
        if facts is not None:
            holders[ref.key] = facts
    host = urlsplit(parsed.source_url).hostname if parsed.source_url else None
    return persons.Context(
        source=parsed.publisher or host,
        day=min(dated) if dated else None,
        holders=holders,
        titles={key: list(seen.items()) for key, seen in titles.items() if seen},
    )


async def _store_persons(conn: asyncpg.Connection, parsed: ParsedDocument) -> dict[str, int]:
    """Match the document's persons; record their name forms and titles (seen on event dates),
    and, for office holders of the office-holder data, their Wikidata id, country and offices."""
    context = identity_context(parsed)
    person_ids = await persons.resolve_persons(conn, parsed.persons, context)
    await persons.store_identity(
        conn,
        [(person_ids[key], facts) for key, facts in context.holders.items()],
        [
            (person_ids[key], title, None, day, day, "transcript")
            for key, seen in context.titles.items()
            for title, day in seen
        ],
    )
    labels: dict[str, set[str]] = {}
    dates: dict[str, list[dt.date | None]] = {}
    titles: list[tuple[int, str, dt.date | None]] = []
    for event in parsed.events:
        for p in event.participants:
            if p.person_key is not None:
                person_id = _lookup(person_ids, p.person_key, "person key")
                labels.setdefault(p.person_key, set()).add(p.label)
                dates.setdefault(p.person_key, []).append(event.date)
                if p.title:
                    titles.append((person_id, p.title, event.date))
        for turn in event.turns:
            if turn.person_key is not None:
                _lookup(person_ids, turn.person_key, "person key")
                labels.setdefault(turn.person_key, set()).add(turn.label)
                dates.setdefault(turn.person_key, []).append(event.date)

    aliases: list[tuple[int, str, str]] = []
    all_dates = [event.date for event in parsed.events]
    for ref in parsed.persons:
        person_id = person_ids[ref.key]
        ref_labels = labels.get(ref.key, set())
        aliases.append((person_id, ref.name, "name"))
        aliases.extend((person_id, label, "label") for label in ref_labels if _names(ref, label))
        aliases.extend(
            (person_id, alias, "label" if alias in ref_labels else "text") for alias in ref.aliases
        )
        seen_on = _latest(dates.get(ref.key) or all_dates)
        titles.extend((person_id, title, seen_on) for title in ref.titles)
    await persons.add_aliases(conn, aliases)
    await persons.add_titles(conn, titles)
    return person_ids


# ---------------------------------------------------------------- events and statements


async def _store_events(
    conn: asyncpg.Connection, document_id: int, events: Sequence[Event], orgs: Mapping[str, int]
) -> list[int]:
    rows = [
        (
            position,
            e.title,
            str(e.kind),
            e.date,
            e.time,
            e.location,
            e.span.start if e.span else None,
            e.span.end if e.span else None,
        )
        for position, e in enumerate(events, start=1)
    ]
    if not rows:
        return []
    columns = [list(column) for column in zip(*rows, strict=True)]
    records = await conn.fetch(INSERT_EVENTS_SQL, document_id, *columns)
    by_position = {r["position"]: r["id"] for r in records}
    event_ids = [by_position[position] for position in range(1, len(events) + 1)]
    links = {
        (event_id, _lookup(orgs, slug, "organisation slug"))
        for event_id, event in zip(event_ids, events, strict=True)
        for slug in event.organisations
    }
    await _insert(conn, INSERT_EVENT_ORGANISATIONS_SQL, sorted(links))
    return event_ids


async def _store_participants(
    conn: asyncpg.Connection,
    events: Sequence[Event],
    event_ids: Sequence[int],
    person_ids: Mapping[str, int],
    orgs: Mapping[str, int],
    affiliations: Mapping[str, str | None],
) -> dict[tuple[int, str, int | None], int]:
    """Participants by (event id, label, person id): several journalists may all be "Q"."""
    rows: dict[tuple[int, str, int | None], tuple[Any, ...]] = {}
    for event_id, event in zip(event_ids, events, strict=True):
        for p in event.participants:
            person_id = _optional(person_ids, p.person_key, "person key")
            affiliation = p.affiliation or (
                affiliations.get(p.person_key) if p.person_key is not None else None
            )
            rows.setdefault(
                (event_id, p.label, person_id),
                (
                    event_id,
                    person_id,
                    str(p.role),
                    p.label,
                    p.title,
                    _optional(orgs, affiliation, "organisation slug"),
                ),
            )
    records = await _insert_returning(conn, INSERT_PARTICIPANTS_SQL, list(rows.values()))
    return {(r["event_id"], r["label"], r["person_id"]): r["id"] for r in records}


async def _store_statements(
    conn: asyncpg.Connection,
    events: Sequence[Event],
    event_ids: Sequence[int],
    person_ids: Mapping[str, int],
    participants: Mapping[tuple[int, str, int | None], int],
) -> dict[tuple[int, int], int]:
    """Statements by (event id, sequence), with in_reply_to resolved within each event."""
    keys = [
        (event_id, t.sequence)
        for event_id, e in zip(event_ids, events, strict=True)
        for t in e.turns
    ]
    if not keys:
        return {}
    reserved = await conn.fetch(RESERVE_STATEMENT_IDS_SQL, len(keys))
    ids = dict(zip(keys, (r[0] for r in reserved), strict=True))
    if len(ids) < len(keys):
        raise InvalidDocument("two turns of one event have the same sequence number")
    rows = []
    for event_id, event in zip(event_ids, events, strict=True):
        for turn in event.turns:
            if not turn.paragraphs:
                raise InvalidDocument(f"turn {turn.sequence} of {event.title!r} has no text")
            span = turn.span
            speaker_id = _optional(person_ids, turn.person_key, "person key")
            reply = None if turn.in_reply_to is None else (event_id, turn.in_reply_to)
            rows.append(
                (
                    ids[(event_id, turn.sequence)],
                    event_id,
                    turn.sequence,
                    str(turn.kind),
                    participants.get((event_id, turn.label, speaker_id)),
                    speaker_id,
                    turn.label,
                    turn.text,
                    span.start,
                    span.end,
                    _optional(ids, reply, "reply to"),
                    event.date,
                    orjson.dumps([[p.start, p.end] for p in turn.paragraphs]).decode(),
                )
            )
    await _insert(conn, INSERT_STATEMENTS_SQL, rows)
    return ids


async def _store_turn_contents(
    conn: asyncpg.Connection,
    events: Sequence[Event],
    event_ids: Sequence[int],
    statements: Mapping[tuple[int, int], int],
    person_ids: Mapping[str, int],
    orgs: Mapping[str, int],
    topics: Mapping[str, int],
) -> None:
    """Topics (with their evidence), organisation and person mentions, and figures (with
    their topics)."""
    statement_topics: dict[tuple[int, int], None] = {}
    topic_mentions, org_mentions, person_mentions, figures = [], [], [], []
    figure_topics: list[tuple[int, int, int, int]] = []
    for event_id, event in zip(event_ids, events, strict=True):
        for turn in event.turns:
            sid = statements[(event_id, turn.sequence)]
            for m in turn.topics:
                topic_id = _lookup(topics, m.ref, "topic slug")
                statement_topics[(sid, topic_id)] = None
                topic_mentions.append((sid, topic_id, m.span.start, m.span.end, m.text))
            for m in turn.organisations:
                org_id = _lookup(orgs, m.ref, "organisation slug")
                org_mentions.append((sid, org_id, m.span.start, m.span.end, m.text))
            for m in turn.persons:
                person_id = _lookup(person_ids, m.ref, "person key")
                person_mentions.append((sid, person_id, m.span.start, m.span.end, m.text))
            for f in turn.figures:
                base = base_figure(f)
                figures.append(
                    (
                        sid,
                        f.text,
                        f.value,
                        f.high,
                        f.unit,
                        str(f.kind),
                        str(f.qualifier),
                        f.counted,
                        f.context,
                        f.span.start,
                        f.span.end,
                        base.value,
                        base.high,
                        base.unit,
                    )
                )
                figure_topics.extend(
                    (sid, f.span.start, f.span.end, _lookup(topics, slug, "topic slug"))
                    for slug in f.topics
                )
    await _insert(conn, INSERT_STATEMENT_TOPICS_SQL, list(statement_topics))
    await _insert(conn, INSERT_TOPIC_MENTIONS_SQL, topic_mentions)
    await _insert(conn, INSERT_ORGANISATION_MENTIONS_SQL, org_mentions)
    await _insert(conn, INSERT_PERSON_MENTIONS_SQL, person_mentions)
    await _insert(conn, INSERT_FIGURES_SQL, figures)
    await _insert(conn, INSERT_FIGURE_TOPICS_SQL, figure_topics)


# ---------------------------------------------------------------- entry point


@counted_store  # ingestion metrics: created / present
async def store_document(conn: asyncpg.Connection, parsed: ParsedDocument) -> StoreResult:
    """Store a parsed document, or report the one already stored with the same text."""
    if hashlib.sha256(parsed.text.encode("utf-8")).hexdigest() != parsed.sha256:
        raise InvalidDocument("sha256 does not match the document text")
    key = content_key(parsed.text)  # near-duplicates (re-wrapped, quotes curled) are one document
    async with conn.transaction():
        document_id = await conn.fetchval(
            INSERT_DOCUMENT_SQL,
            parsed.sha256,
            parsed.filename,
            parsed.source_url,
            parsed.publisher,
            parsed.format,
            parsed.title,
            parsed.text,
            parsed.original,
            parsed.original_format,
            parsed.warnings,
            key,
        )
        if document_id is None:  # already stored, perhaps by a concurrent session just now
            existing = await conn.fetchrow(EXISTING_DOCUMENT_SQL, parsed.sha256, key)
            return StoreResult(
                existing["id"],
                False,
                existing["events"],
                existing["statements"],
                existing["figures"],
            )
        # no global lock: persons are matched under locks of the names they bear
        await notify_names_changed(conn)  # new persons, aliases, topics, organisations
        orgs = await _store_organisations(conn, parsed.organisations)
        topics = await _store_topics(conn, parsed.topics)
        person_ids = await _store_persons(conn, parsed)
        affiliations = {ref.key: ref.affiliation for ref in parsed.persons}
        events = parsed.events
        event_ids = await _store_events(conn, document_id, events, orgs)
        participants = await _store_participants(
            conn, events, event_ids, person_ids, orgs, affiliations
        )
        statements = await _store_statements(conn, events, event_ids, person_ids, participants)
        await _store_turn_contents(conn, events, event_ids, statements, person_ids, orgs, topics)
    return StoreResult(
        document_id=document_id,
        created=True,
        events=len(events),
        statements=len(statements),
        figures=sum(len(turn.figures) for event in events for turn in event.turns),
    )

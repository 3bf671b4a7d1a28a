"""Person identity across documents, and its curation (aliases, merges).

A document knows its people only locally (``PersonRef.key``). Here each ref is matched to a
stored person by folded name keys (``fold_name``), so "NAZARBAYEV", "Nazarbaev" and "Nursultan
Nazarbayev" on different pages end as one person. The rules prefer a duplicate to a wrong
merge: a ref joins a stored person only when exactly one candidate fits, and a full name with a
different first name is a different person ("Serzh Sargsyan" is not "Tigran Sargsyan").
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import asyncpg
from rapidfuzz.distance import DamerauLevenshtein

from service.ingestion.datafiles import word_set
from service.ingestion.model import PersonRef
from service.ingestion.names import fold_name, fold_word
from service.ingestion.offices import Holder, HolderFacts, is_bare_title, title_key
from service.ingestion.people import NearSurnames, may_be_misprint
from service.storage.notifications import notify_names_changed

# Advisory-lock key: held shared by ingestions (which lock the surnames they name,
# ``lock_names``) and exclusively by curation, so no merge runs beside a write that matches.
PERSON_LOCK_KEY = 0x7E25_0001

# Leading address forms that carry no identity: "Mr Nazarbaev" is matched as "Nazarbaev".
HONORIFICS = frozenset(fold_word(w) for w in word_set("titles", "name_honorifics"))

# Alias sources that are names of the person, not labels or address forms; only these take
# part in first-name-plus-surname matching.
NAME_SOURCES = frozenset({"name", "reference", "curated"})

# When two alias rows of one person have the same text, the stronger source is kept.
SOURCE_RANK = {"name": 0, "curated": 1, "reference": 2, "label": 3, "text": 4}

Tokens = tuple[str, ...]


class CurationError(Exception):
    """A refused curation request; ``code`` is machine-readable: NOT_FOUND, INVALID_MERGE, ..."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def lock_persons(conn: asyncpg.Connection) -> None:
    """Curation (merges, aliases, splits): exclusive of every ingestion until the current
    transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", PERSON_LOCK_KEY)


# Namespace of the per-surname locks (the two-key advisory lock form: namespace, name hash).
NAME_LOCK_SPACE = 0x7E25


def name_lock_key(surname: str) -> int:
    """A stable 32-bit key for a folded surname (a collision only serialises a little more)."""
    digest = hashlib.blake2b(surname.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


LOCK_NAMES_SQL = """
SELECT pg_advisory_xact_lock_shared($1::bigint)
UNION ALL
SELECT pg_advisory_xact_lock($2::int, k) FROM (SELECT unnest($3::int[]) AS k) AS keys
"""


async def lock_names(conn: asyncpg.Connection, surnames: Iterable[str]) -> None:
    """Ingestion: lock only the surnames a document names, so pages naming different people
    are written in parallel and two pages naming the same new person still make one person.
    Shared with other ingestions, exclusive of curation (``lock_persons``). Keys are taken in
    sorted order, so two ingestions never wait for each other in a cycle."""
    keys = sorted({name_lock_key(s) for s in surnames})
    await conn.fetch(LOCK_NAMES_SQL, PERSON_LOCK_KEY, NAME_LOCK_SPACE, keys)


# ---------------------------------------------------------------- matching rules (pure)


def name_tokens(name_or_key: str) -> Tokens:
    """The words that identify a person: the folded key without leading honorifics."""
    words = fold_name(name_or_key).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words.pop(0)
    return tuple(words)


@dataclass
class Candidate:
    """A person as matching sees it: a stored one, or one this document is about to create."""

    id: int  # negative: provisional, not yet inserted
    name: str
    name_key: str
    forms: set[Tokens] = field(default_factory=set)  # every known form: exact matches
    names: set[Tokens] = field(default_factory=set)  # name forms: first-name-plus-surname
    wikidata: str | None = None

    @property
    def main(self) -> Tokens:
        return name_tokens(self.name)

    @property
    def surnames(self) -> set[str]:
        return {n[-1] for n in self.names}

    def learn(self, form: str, is_name: bool) -> None:
        tokens = name_tokens(form)
        if tokens:
            self.forms.add(tokens)
            if is_name:
                self.names.add(tokens)


def _middles_agree(a: Tokens, b: Tokens) -> bool:
    """Middle names agree when one side has none, or word by word (an initial fits a word)."""
    if not a or not b:
        return True
    if len(a) != len(b):
        return False
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
        for x, y in zip(a, b, strict=True)
    )


def same_full_name(a: Tokens, b: Tokens) -> bool:
    """First name and surname agree, middle names do not contradict."""
    return (
        len(a) >= 2
        and len(b) >= 2
        and a[0] == b[0]
        and a[-1] == b[-1]
        and _middles_agree(a[1:-1], b[1:-1])
    )


def _proper_suffix(short: Tokens, long: Tokens) -> bool:
    return len(short) < len(long) and long[-len(short) :] == short


def better_display_name(current: str, offered: str) -> bool:
    """Whether ``offered`` should replace ``current`` as the display name of one person.

    A full name replaces a surname alone ("Nazarbayev" -> "Nursultan Nazarbayev"), and the
    same name out of capitals replaces it in capitals ("NAZARBAYEV" -> "Nazarbayev"). A full
    name is never replaced: longer forms are often a label with a title in front.
    """
    have, new = name_tokens(current), name_tokens(offered)
    if len(have) == 1 and _proper_suffix(have, new):
        return True
    return have == new and current.isupper() and not offered.isupper()


# ---------------------------------------------------------------- evidence (pure)

# How far from a person's known activity an event may be and still be "the same period".
PERIOD = dt.timedelta(days=2 * 365)
# Persons of the document a candidate must have met in the period: one colleague in common is
# chance in a busy office (a spokesman meets everyone); two is a team.
CO_PARTICIPANTS = 2
# Full-name persons sharing a surname from which a surname-only person needs evidence about
# the person (office, persons met), not only the same source and period (surname_decides).
COMMON_SURNAME = 8


@dataclass
class Context:
    """What the document says about its persons beyond their names: the evidence a surname
    needs before it may join a stored person (``resolve_persons``)."""

    source: str | None = None  # publisher, else the source URL's host
    day: dt.date | None = None  # the document's (first) event date
    holders: dict[str, HolderFacts] = field(default_factory=dict)  # ref key -> office data
    titles: dict[str, list[tuple[str, dt.date | None]]] = field(default_factory=dict)


@dataclass
class History:
    """What the database knows of a stored person besides names."""

    sources: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)
    offices: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)
    partners: set[int] = field(default_factory=set)  # persons met at some event


def _near(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    if day is None or start is None:
        return False
    return start - PERIOD <= day <= (end or start) + PERIOD


def evidence(
    history: History | None,
    context: Context,
    titles: Sequence[tuple[str, dt.date | None]],
    partners: set[int],
) -> list[str]:
    """Reasons, strongest first, to take a stored person for a name that alone does not
    decide: the same office or title at the date, co-participants of the period (two of this
    document's persons met before), the same source and period. Empty when nothing agrees."""
    if history is None:
        return []
    found = []
    # a bare title ("Prime Minister") is held by many at once: only a titled office counts
    wanted = {title_key(t): d for t, d in titles if title_key(t) and not is_bare_title(t)}
    for office, start, end in history.offices:
        key = title_key(office)
        if key in wanted and _near(wanted[key] or context.day, start, end):
            found.append(f"office:{office}")
            break
    if len(history.partners & partners) >= CO_PARTICIPANTS:
        found.append("co-participant")
    if context.source is not None and any(
        source == context.source and _near(context.day, start, end)
        for source, start, end in history.sources
    ):
        found.append(f"source:{context.source}")
    return found


_STRONG = ("office:", "co-participant")


def strong(reasons: Sequence[str]) -> bool:
    return any(r.startswith(_STRONG) for r in reasons)


def decides(reasons: Sequence[str]) -> bool:
    """Evidence enough for a name that alone does not decide: the same office at the date,
    or two kinds that agree (co-participants of the period, and the same source and period).
    The same source and period alone never decides: many share a surname there."""
    return any(r.startswith("office:") for r in reasons) or (
        "co-participant" in reasons and any(r.startswith("source:") for r in reasons)
    )


def misspelt(a: Tokens, b: Tokens) -> bool:
    """Two full names one letter apart in one word, long enough to tell ("Vladmir Putin")."""
    if len(a) != len(b) or len(a) < 2:
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    return (
        max(len(x), len(y)) >= _MIN_MISSPELT
        and DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1
    )


_MIN_MISSPELT = 5


def find_person(tokens: Tokens, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate a full name denotes by itself: the same name after spelling folds, or
    the same first name and surname with middle names that agree."""
    if len(tokens) < 2 or len(tokens[0]) == 1:
        return None
    found = [c for c in candidates if c.main == tokens]
    if len(found) == 1:
        return found[0]
    exact = [c for c in candidates if tokens in c.forms]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    full = [c for c in candidates if any(same_full_name(tokens, n) for n in c.names)]
    return full[0] if len(full) == 1 else None


def _fits(tokens: Tokens, c: Candidate) -> bool:
    """A name that needs evidence, and could be this candidate: the surname alone, initials
    and surname ("V. Putin"), or one letter off the candidate's name. Full names compare
    with the candidate's current name only: an old
    surname-only form must not let "James Tanaka" join "Natalya Tanaka"."""
    if len(tokens) == 1:
        return tokens[0] in c.surnames
    main = c.main
    if not main or misspelt(tokens, main):
        return bool(main)
    if len(main) == 1:
        return False  # a surname-only person may be anyone of that name: never the full name
    if _proper_suffix(tokens, main) or _proper_suffix(main, tokens):
        return True  # "De Hoop Scheffer" / "Jaap de Hoop Scheffer"
    initials = all(len(t) == 1 for t in tokens[:-1])
    return initials and main[-1] == tokens[-1] and main[0].startswith(tokens[0])


def needs_evidence(tokens: Tokens, candidates: Sequence[Candidate]) -> list[Candidate]:
    return [c for c in candidates if _fits(tokens, c)]


# ---------------------------------------------------------------- matching (database)

CANDIDATES_SQL = """
WITH hit AS (
    SELECT id FROM person
    WHERE merged_into_id IS NULL AND name_surname(name_key) = ANY($1::text[])
    UNION
    SELECT person_id FROM person_alias WHERE name_surname(key) = ANY($1::text[])
    UNION
    SELECT id FROM person WHERE merged_into_id IS NULL AND wikidata_id = ANY($2::text[])
)
SELECT p.id, p.name, p.name_key, p.wikidata_id,
       coalesce(array_agg(a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases,
       coalesce(array_agg(a.source) FILTER (WHERE a.alias IS NOT NULL), '{}') AS sources
FROM person p
JOIN hit USING (id)
LEFT JOIN person_alias a ON a.person_id = p.id
WHERE p.merged_into_id IS NULL
GROUP BY p.id
ORDER BY p.id
"""

# Where and when candidates spoke (source = publisher, else the URL's host), and their offices.
HISTORY_SQL = """
SELECT DISTINCT pa.person_id,
       coalesce(d.publisher, substring(d.source_url from '^[a-z]+://([^/]+)')) AS source,
       e.date
FROM participant pa
JOIN event e ON e.id = pa.event_id
JOIN source_document d ON d.id = e.document_id
WHERE pa.person_id = ANY($1::bigint[])
"""

OFFICES_SQL = """
SELECT person_id, office, start_date, end_date FROM person_office
WHERE person_id = ANY($1::bigint[])
UNION ALL
SELECT person_id, title, seen_on, seen_on FROM person_title
WHERE person_id = ANY($1::bigint[])
"""

PARTNERS_SQL = """
SELECT DISTINCT a.person_id, b.person_id AS partner, e.date
FROM participant a
JOIN participant b ON b.event_id = a.event_id AND b.person_id <> a.person_id
JOIN event e ON e.id = a.event_id
WHERE a.person_id = ANY($1::bigint[]) AND b.person_id = ANY($2::bigint[])
"""

INSERT_PERSONS_SQL = """
INSERT INTO person (name, name_key)
SELECT * FROM unnest($1::text[], $2::text[])
RETURNING id
"""

RENAME_PERSONS_SQL = """
UPDATE person AS p SET name = u.name, name_key = u.name_key
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u (id, name, name_key)
WHERE p.id = u.id
"""


def _candidate(row: asyncpg.Record) -> Candidate:
    person = Candidate(
        id=row["id"], name=row["name"], name_key=row["name_key"], wikidata=row["wikidata_id"]
    )
    person.learn(row["name"], is_name=True)
    for alias, source in zip(row["aliases"], row["sources"], strict=True):
        person.learn(alias, is_name=source in NAME_SOURCES)
    return person


async def _histories(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, History]:
    histories: dict[int, History] = {i: History() for i in ids}
    if not ids:
        return histories
    for row in await conn.fetch(HISTORY_SQL, list(ids)):
        if row["source"] is not None:
            histories[row["person_id"]].sources.append((row["source"], row["date"], row["date"]))
    await _add_offices(conn, ids, histories)
    return histories


async def _add_offices(
    conn: asyncpg.Connection, ids: Sequence[int], owners: Mapping[int, History | Activity]
) -> None:
    """Each person's dated offices, appended to their History or Activity."""
    for row in await conn.fetch(OFFICES_SQL, list(ids)):
        owners[row["person_id"]].offices.append((row["office"], row["start_date"], row["end_date"]))


@dataclass
class Resolution:
    """Each ref's person id, and why a ref joined a stored person when its name alone did
    not decide (kept as person_merge-style evidence by the caller)."""

    ids: dict[str, int]
    joined: dict[str, list[str]] = field(default_factory=dict)


async def resolve_persons(
    conn: asyncpg.Connection, refs: Sequence[PersonRef], context: Context | None = None
) -> dict[str, int]:
    """Map each ref's document-local key to a person id, creating and renaming persons."""
    return (await resolve_with_evidence(conn, refs, context)).ids


async def resolve_with_evidence(
    conn: asyncpg.Connection, refs: Sequence[PersonRef], context: Context | None = None
) -> Resolution:
    """Match refs to stored persons: on the full name (after spelling folds), on the office
    data's Wikidata id, or on a name that alone does not decide (a surname, initials, one
    letter off) plus agreeing evidence (``evidence``). When the evidence does not single out
    one person, a new person is made: a wrong merge is worse than a duplicate.

    Full names are matched first, so their stored ids can serve as co-participants for the
    rest. Locks the names it matches (``lock_names``), inside the caller's transaction.
    """
    if not refs:
        return Resolution({})
    context = context or Context()
    wanted = [(ref, name_tokens(ref.name)) for ref in refs]
    surnames = sorted({tokens[-1] for _, tokens in wanted if tokens})
    await lock_names(conn, surnames)
    qids = sorted({h.wikidata for h in context.holders.values() if h.wikidata})
    candidates = [_candidate(row) for row in await conn.fetch(CANDIDATES_SQL, surnames, qids)]

    created: list[Candidate] = []
    renamed: dict[int, Candidate] = {}
    chosen: dict[str, Candidate] = {}
    joined: dict[str, list[str]] = {}
    pending: list[tuple[PersonRef, Tokens]] = []

    def take(ref: PersonRef, person: Candidate | None) -> None:
        if person is None:
            person = Candidate(id=-(len(created) + 1), name=ref.name, name_key=fold_name(ref.name))
            created.append(person)
            candidates.append(person)
        elif better_display_name(person.name, ref.name):
            person.name, person.name_key = ref.name, fold_name(ref.name)
            if person.id > 0:
                renamed[person.id] = person
        holder = context.holders.get(ref.key)
        if holder is not None and holder.wikidata:
            person.wikidata = holder.wikidata
        person.learn(ref.name, is_name=True)
        for alias in ref.aliases:
            person.learn(alias, is_name=False)
        chosen[ref.key] = person

    # 1. names that decide by themselves (and office holders by their Wikidata id)
    for ref, tokens in sorted(wanted, key=lambda item: -len(item[1])):
        holder = context.holders.get(ref.key)
        if holder is not None and holder.wikidata:
            same = [c for c in candidates if c.wikidata == holder.wikidata]
            if len(same) == 1:
                take(ref, same[0])
                continue
        person = find_person(tokens, candidates) if tokens else None
        if person is None and tokens and needs_evidence(tokens, candidates):
            pending.append((ref, tokens))
            continue
        take(ref, person)

    # 2. names that need evidence: the one candidate it points to, else a new person
    if pending:
        # only the stored persons a pending name could be: their history is read once
        stored = sorted(
            {
                c.id
                for ref, tokens in pending
                for c in needs_evidence(tokens, candidates)
                if c.id > 0
            }
        )
        histories = await _histories(conn, stored)
        # co-participants tell people apart, except office holders: a president meets everyone
        known = {c.id for key, c in chosen.items() if c.id > 0 and key not in context.holders}
        partners: dict[int, set[int]] = {}
        for row in await conn.fetch(PARTNERS_SQL, stored, sorted(known)):
            if _near(context.day, row["date"], row["date"]):  # met in the same period
                partners.setdefault(row["person_id"], set()).add(row["partner"])
        for ref, tokens in pending:
            fits = needs_evidence(tokens, candidates)
            # the document's own persons first: "Mr Nazarbaev" beside "Nursultan Nazarbaev"
            here = {id(c): c for c in chosen.values() if _fits(tokens, c)}
            if len(here) == 1:
                take(ref, next(iter(here.values())))
                continue
            if here or any(c.id < 0 for c in fits):
                take(ref, None)
                continue
            titles = context.titles.get(ref.key, [])
            for c in fits:  # (a candidate renamed on this page may fit only now)
                histories.setdefault(c.id, History()).partners = partners.get(c.id, set())
            reasons = {c.id: evidence(histories[c.id], context, titles, known) for c in fits}
            backed = [c for c in fits if decides(reasons[c.id])]
            rivals = [c for c in fits if reasons[c.id]]  # any evidence makes a rival
            if len(backed) == 1 and rivals == backed:
                joined[ref.key] = reasons[backed[0].id]
                take(ref, backed[0])
            else:
                take(ref, None)

    real_ids: dict[int, int] = {}
    if created:
        rows = await conn.fetch(
            INSERT_PERSONS_SQL, [p.name for p in created], [p.name_key for p in created]
        )
        real_ids = {p.id: row["id"] for p, row in zip(created, rows, strict=True)}
    if renamed:
        people = list(renamed.values())
        await conn.execute(
            RENAME_PERSONS_SQL,
            [p.id for p in people],
            [p.name for p in people],
            [p.name_key for p in people],
        )
    return Resolution({key: real_ids.get(p.id, p.id) for key, p in chosen.items()}, joined)


# ---------------------------------------------------------------- aliases and titles

INSERT_ALIASES_SQL = """
INSERT INTO person_alias (person_id, alias, key, source)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (person_id, alias) DO NOTHING
"""

INSERT_TITLES_SQL = """
INSERT INTO person_title AS t (person_id, title, seen_on)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[])
ON CONFLICT (person_id, title) DO UPDATE SET seen_on = greatest(t.seen_on, EXCLUDED.seen_on)
WHERE t.seen_on IS DISTINCT FROM greatest(t.seen_on, EXCLUDED.seen_on)
"""


async def add_aliases(conn: asyncpg.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Record (person_id, alias, source) rows; an alias a person already has is left alone."""
    best: dict[tuple[int, str], str] = {}
    for person_id, alias, source in rows:
        text = alias.strip()
        if not fold_name(text):
            continue
        known = best.get((person_id, text))
        if known is None or SOURCE_RANK[source] < SOURCE_RANK[known]:
            best[(person_id, text)] = source
    if not best:
        return
    await conn.execute(
        INSERT_ALIASES_SQL,
        [person_id for person_id, _ in best],
        [alias for _, alias in best],
        [fold_name(alias) for _, alias in best],
        list(best.values()),
    )


async def add_titles(
    conn: asyncpg.Connection, rows: Iterable[tuple[int, str, dt.date | None]]
) -> None:
    """Record (person_id, title, seen_on) rows; seen_on keeps the latest date a title was seen."""
    latest: dict[tuple[int, str], dt.date | None] = {}
    for person_id, title, seen_on in rows:
        text = title.strip()
        if not text:
            continue
        key = (person_id, text)
        dates = [d for d in (latest.get(key), seen_on) if d is not None]
        latest[key] = max(dates) if dates else None
    if not latest:
        return
    await conn.execute(
        INSERT_TITLES_SQL,
        [person_id for person_id, _ in latest],
        [title for _, title in latest],
        list(latest.values()),
    )


# ---------------------------------------------------------------- offices and external ids

SET_IDENTITY_SQL = """
UPDATE person AS p
SET wikidata_id = coalesce(p.wikidata_id, u.qid), country = coalesce(p.country, u.country)
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u (id, qid, country)
WHERE p.id = u.id
  AND (p.wikidata_id IS NULL AND u.qid IS NOT NULL OR p.country IS NULL AND u.country IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM person o
      WHERE o.wikidata_id = u.qid AND o.id <> p.id AND o.merged_into_id IS NULL)
"""

# The office-holder data is authoritative for its rows; a transcript widens its dates.
UPSERT_OFFICES_SQL = """
INSERT INTO person_office AS o (person_id, office, country, start_date, end_date, source)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::date[], $5::date[], $6::text[])
ON CONFLICT (person_id, office, source) DO UPDATE SET
    country = coalesce(EXCLUDED.country, o.country),
    start_date = CASE WHEN o.source = 'office_holders' THEN EXCLUDED.start_date
                      ELSE least(o.start_date, EXCLUDED.start_date) END,
    end_date = CASE WHEN o.source = 'office_holders' THEN EXCLUDED.end_date
                    ELSE greatest(o.end_date, EXCLUDED.end_date) END
WHERE (o.country, o.start_date, o.end_date) IS DISTINCT FROM (
    coalesce(EXCLUDED.country, o.country),
    CASE WHEN o.source = 'office_holders' THEN EXCLUDED.start_date
         ELSE least(o.start_date, EXCLUDED.start_date) END,
    CASE WHEN o.source = 'office_holders' THEN EXCLUDED.end_date
         ELSE greatest(o.end_date, EXCLUDED.end_date) END)
"""

OfficeRow = tuple[int, str, str | None, dt.date | None, dt.date | None, str]


def holder_rows(person_id: int, facts: HolderFacts) -> list[OfficeRow]:
    """One person_office row per office of the data (several terms: first start, last end)."""
    by_office: dict[str, list[tuple[Holder, str | None]]] = {}
    for term, country in facts.terms:
        by_office.setdefault(term.office, []).append((term, country))
    rows = []
    for office, terms in by_office.items():
        ends = [t.end for t, _ in terms]
        end = None if None in ends else max(e for e in ends if e is not None)
        start = min(t.start for t, _ in terms)
        rows.append((person_id, office, terms[0][1], start, end, "office_holders"))
    return rows


async def store_identity(
    conn: asyncpg.Connection,
    holders: Iterable[tuple[int, HolderFacts]],
    offices: Iterable[OfficeRow],
) -> None:
    """Record office holders' Wikidata id and country, and dated offices, set-based."""
    identity: dict[int, HolderFacts] = {}
    rows: dict[tuple[int, str, str], OfficeRow] = {}
    for person_id, facts in holders:
        identity.setdefault(person_id, facts)
        for row in holder_rows(person_id, facts):
            rows[(row[0], row[1], row[5])] = row
    for row in offices:
        key = (row[0], row[1], row[5])
        known = rows.get(key)
        if known is not None and row[5] == "transcript":
            starts = [d for d in (known[3], row[3]) if d is not None]
            ends = [d for d in (known[4], row[4]) if d is not None]
            row = (*row[:3], min(starts, default=None), max(ends, default=None), row[5])
        rows[key] = row
    if identity:
        await conn.execute(
            SET_IDENTITY_SQL,
            list(identity),
            [f.wikidata for f in identity.values()],
            [f.country for f in identity.values()],
        )
    if rows:
        columns = [list(c) for c in zip(*rows.values(), strict=True)]
        await conn.execute(UPSERT_OFFICES_SQL, *columns)


# ---------------------------------------------------------------- curation

RESOLVE_SQL = """
WITH RECURSIVE chain (id, merged_into_id, depth) AS (
    SELECT id, merged_into_id, 0 FROM person WHERE id = $1
    UNION ALL
    SELECT p.id, p.merged_into_id, c.depth + 1
    FROM person p JOIN chain c ON p.id = c.merged_into_id
    WHERE c.depth < 32
)
SELECT id FROM chain WHERE merged_into_id IS NULL
"""

# Each takes ($1 keep, $2 merge). Aliases and titles are copied, then the merged person's
# own rows are deleted (MERGE_CLEANUP_SQL), as a (person, alias) pair may already exist.
MERGE_SQL = (
    "UPDATE statement SET speaker_id = $1 WHERE speaker_id = $2",
    # a participation both persons have under one label (both were "Q") becomes keep's alone
    """
    UPDATE statement AS s SET participant_id = k.id
    FROM participant m
    JOIN participant k ON k.event_id = m.event_id AND k.label = m.label AND k.person_id = $1
    WHERE m.person_id = $2 AND s.participant_id = m.id
    """,
    """
    DELETE FROM participant m USING participant k
    WHERE m.person_id = $2 AND k.person_id = $1 AND k.event_id = m.event_id AND k.label = m.label
    """,
    "UPDATE participant SET person_id = $1 WHERE person_id = $2",
    "UPDATE person_mention SET person_id = $1 WHERE person_id = $2",
    """
    INSERT INTO person_alias (person_id, alias, key, source)
    SELECT $1::bigint, alias, key, source FROM person_alias WHERE person_id = $2
    UNION ALL
    SELECT $1::bigint, name, name_key, 'name' FROM person WHERE id = $2
    ON CONFLICT (person_id, alias) DO NOTHING
    """,
    """
    INSERT INTO person_title AS t (person_id, title, seen_on)
    SELECT $1::bigint, title, seen_on FROM person_title WHERE person_id = $2
    ON CONFLICT (person_id, title) DO UPDATE SET seen_on = greatest(t.seen_on, EXCLUDED.seen_on)
    """,
    """
    INSERT INTO person_office AS o (person_id, office, country, start_date, end_date, source)
    SELECT $1::bigint, office, country, start_date, end_date, source
    FROM person_office WHERE person_id = $2
    ON CONFLICT (person_id, office, source) DO UPDATE SET
        start_date = least(o.start_date, EXCLUDED.start_date),
        end_date = CASE WHEN o.end_date IS NULL OR EXCLUDED.end_date IS NULL THEN NULL
                        ELSE greatest(o.end_date, EXCLUDED.end_date) END
    """,
    "UPDATE person SET merged_into_id = $1 WHERE id = $2 OR merged_into_id = $2",
    # after the merge, so the unique Wikidata id is free to move to the kept person
    """
    UPDATE person AS k
    SET wikidata_id = coalesce(k.wikidata_id, m.wikidata_id),
        country = coalesce(k.country, m.country)
    FROM person m WHERE k.id = $1 AND m.id = $2
    """,
)

# Each takes ($1 merge).
MERGE_CLEANUP_SQL = (
    "DELETE FROM person_alias WHERE person_id = $1",
    "DELETE FROM person_title WHERE person_id = $1",
    "DELETE FROM person_office WHERE person_id = $1",
)

RECORD_MERGE_SQL = """
INSERT INTO person_merge (merged_id, into_id, evidence, merged_by)
VALUES ($1, $2, $3::text::jsonb, $4)
"""


async def resolve_merged(conn: asyncpg.Connection, person_id: int) -> int | None:
    """The id a person id stands for now: itself, or the person it was merged into."""
    return await conn.fetchval(RESOLVE_SQL, person_id)


async def add_person_alias(conn: asyncpg.Connection, person_id: int, alias: str) -> None:
    """Record another name form (curation); adding a form the person has is a no-op."""
    text = alias.strip()
    if not fold_name(text):
        raise CurationError("INVALID_ALIAS", "an alias needs at least one letter or digit")
    async with conn.transaction():
        await lock_persons(conn)
        kept = await resolve_merged(conn, person_id)
        if kept is None:
            raise CurationError("NOT_FOUND", f"no person with id {person_id}")
        await add_aliases(conn, [(kept, text, "curated")])
        await notify_names_changed(conn)


async def merge_persons(
    conn: asyncpg.Connection,
    keep_id: int,
    merge_id: int,
    *,
    evidence: Mapping[str, Any] | None = None,
    merged_by: str = "curation",
) -> None:
    """Merge a duplicate into ``keep_id``: statements, participations, mentions, aliases,
    titles and offices move; ``merge_id`` (and whatever was merged into it) then resolves to
    ``keep_id``. The merge is recorded in person_merge with its evidence."""
    if keep_id == merge_id:
        raise CurationError("INVALID_MERGE", "a person cannot be merged into itself")
    async with conn.transaction():
        await lock_persons(conn)
        rows = await conn.fetch(
            "SELECT id, merged_into_id FROM person WHERE id = ANY($1::bigint[]) FOR UPDATE",
            [keep_id, merge_id],
        )
        merged_into = {row["id"]: row["merged_into_id"] for row in rows}
        for person_id in (keep_id, merge_id):
            if person_id not in merged_into:
                raise CurationError("NOT_FOUND", f"no person with id {person_id}")
        if merged_into[keep_id] is not None:
            raise CurationError(
                "INVALID_MERGE",
                f"person {keep_id} was merged into {merged_into[keep_id]}; merge into that one",
            )
        if merged_into[merge_id] == keep_id:
            return  # already done
        if merged_into[merge_id] is not None:
            already = merged_into[merge_id]
            raise CurationError(
                "INVALID_MERGE", f"person {merge_id} was already merged into {already}"
            )
        for sql in MERGE_SQL:
            await conn.execute(sql, keep_id, merge_id)
        for sql in MERGE_CLEANUP_SQL:
            await conn.execute(sql, merge_id)
        await conn.execute(
            RECORD_MERGE_SQL, merge_id, keep_id, json.dumps(dict(evidence or {})), merged_by
        )
        await notify_names_changed(conn)


# ---------------------------------------------------------------- dedupe (maintenance)

DEDUPE_PERSONS_SQL = """
SELECT p.id, p.name, p.name_key, p.wikidata_id,
       count(s.id) AS statements, min(s.spoken_on) AS first_day, max(s.spoken_on) AS last_day
FROM person p
LEFT JOIN statement s ON s.speaker_id = p.id
WHERE p.merged_into_id IS NULL
GROUP BY p.id
"""


@dataclass(frozen=True)
class Proposal:
    """One merge the dedupe command proposes: ``merge`` into ``keep``, and why."""

    keep: int
    merge: int
    keep_name: str
    merge_name: str
    evidence: dict[str, Any]


@dataclass
class _Row:
    id: int
    name: str
    tokens: Tokens
    wikidata: str | None
    statements: int
    first_day: dt.date | None
    last_day: dt.date | None


def _overlap(a: _Row, b: _Row) -> bool:
    """Active in the same period (within PERIOD of each other)."""
    if a.first_day is None or b.first_day is None:
        return False
    return a.first_day - PERIOD <= (b.last_day or b.first_day) and (
        b.first_day - PERIOD <= (a.last_day or a.first_day)
    )


def propose_merges(rows: Sequence[_Row]) -> list[Proposal]:
    """Duplicates to merge, with evidence: the same Wikidata id; the same full name after
    spelling folds (middle names agreeing); a full name one letter off another person's of
    the same period, when no third person is that close. Pure: rows in, proposals out."""
    merged: set[int] = set()
    proposals: list[Proposal] = []

    def propose(group: list[_Row], evidence: dict[str, Any]) -> None:
        group = [r for r in group if r.id not in merged]
        if len(group) < 2:
            return
        qids = {r.wikidata for r in group if r.wikidata}
        if len(qids) > 1:
            return  # two external ids: two people
        keep = max(group, key=lambda r: (r.wikidata is not None, r.statements, -r.id))
        for r in group:
            if r is not keep:
                merged.add(r.id)
                proposals.append(Proposal(keep.id, r.id, keep.name, r.name, dict(evidence)))

    by_qid: dict[str, list[_Row]] = {}
    by_name: dict[Tokens, list[_Row]] = {}
    for r in rows:
        if r.wikidata:
            by_qid.setdefault(r.wikidata, []).append(r)
        if len(r.tokens) >= 2 and len(r.tokens[0]) > 1:
            by_name.setdefault((r.tokens[0], r.tokens[-1]), []).append(r)
    for qid, group in by_qid.items():
        propose(group, {"rule": "same_wikidata_id", "wikidata_id": qid})
    for (first, last), group in by_name.items():
        # middle names must agree with every member ("George W." is not "George H. W.")
        full = [r for r in group if all(same_full_name(r.tokens, o.tokens) for o in group)]
        propose(full, {"rule": "same_full_name", "name": f"{first} {last}"})

    # one letter off, within a block of the same surname or the same first name
    blocks: dict[tuple[str, str], list[_Row]] = {}
    for r in rows:
        if len(r.tokens) >= 2 and len(r.tokens[0]) > 1 and r.id not in merged:
            blocks.setdefault(("surname", r.tokens[-1]), []).append(r)
            blocks.setdefault(("given", r.tokens[0]), []).append(r)
    close: dict[int, set[int]] = {}
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if misspelt(a.tokens, b.tokens):
                    close.setdefault(a.id, set()).add(b.id)
                    close.setdefault(b.id, set()).add(a.id)
    by_id = {r.id: r for r in rows}
    for a_id, near in sorted(close.items()):
        if len(near) != 1:
            continue
        (b_id,) = near
        if a_id > b_id or len(close.get(b_id, ())) != 1:
            continue  # each pair once, and only a pair nobody else is that close to
        a, b = by_id[a_id], by_id[b_id]
        if _overlap(a, b):
            propose(
                [a, b],
                {"rule": "misspelt_name", "names": [a.name, b.name], "same_period": True},
            )
    return proposals


# ---------------------------------------------------------------- dedupe: surname-only rows

# A row whose only name is a surname ("Psaki", from "MS. PSAKI" on a page that never names her
# in full) joins a full-name row of that surname when the archive's evidence singles it out;
# so does one whose surname is a misprint one letter off ("Psaky", from "MS. PSAKY").

# Where and when each person spoke (HISTORY_SQL, dated events only), and whom they met there
# (for the surname-only rule).
ACTIVITY_SQL = HISTORY_SQL.rstrip() + " AND e.date IS NOT NULL\n"

MET_SQL = """
SELECT DISTINCT a.person_id, b.person_id AS partner, e.date
FROM participant a
JOIN participant b ON b.event_id = a.event_id AND b.person_id <> a.person_id
JOIN event e ON e.id = a.event_id
WHERE a.person_id = ANY($1::bigint[]) AND b.person_id IS NOT NULL
"""


@dataclass
class Activity:
    """What the archive says of a person besides names: sources and dates spoken at, persons
    met (with the dates), and offices or titles (with their dates)."""

    sources: dict[str, set[dt.date]] = field(default_factory=dict)
    met: dict[int, set[dt.date]] = field(default_factory=dict)
    offices: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)

    def absorb(self, other: Activity) -> None:
        """Add a merged row's activity (the rows merged earlier in the same run)."""
        for source, days in other.sources.items():
            self.sources.setdefault(source, set()).update(days)
        for partner, days in other.met.items():
            self.met.setdefault(partner, set()).update(days)
        self.offices.extend(other.offices)


@dataclass(frozen=True)
class Undecided:
    """A surname-only person that two or more full-name persons could be: left as it is."""

    id: int
    name: str
    candidates: list[tuple[int, str, list[str]]]  # (id, name, evidence)


def is_surname_only(tokens: Tokens) -> bool:
    """A name that is a surname alone: one word, or words led by a particle ("de Hoop")."""
    return len(tokens) == 1 or (len(tokens) > 1 and tokens[0] in _particles())


@cache
def _particles() -> frozenset[str]:
    from service.ingestion.designations import particles

    return frozenset(fold_word(p) for p in particles())


def _days_near(a: Iterable[dt.date], b: Iterable[dt.date]) -> bool:
    """Some day of ``a`` within PERIOD of some day of ``b``."""
    b_sorted = sorted(b)
    if not b_sorted:
        return False
    for day in a:
        i = bisect.bisect_left(b_sorted, day - PERIOD)
        if i < len(b_sorted) and b_sorted[i] <= day + PERIOD:
            return True
    return False


def _in_office(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    """A day within PERIOD of an office's term; no end is a term not ended."""
    if day is None or start is None:
        return False
    return start - PERIOD <= day and (end is None or day <= end + PERIOD)


def _home(activity: Activity) -> str | None:
    """The source where a person gave most of their pages' days (at least half of them): a
    spokesman's own office, not a summit they visited."""
    if not activity.sources:
        return None
    days = {s: len(d) for s, d in activity.sources.items()}
    source = max(sorted(days), key=lambda s: days[s])
    return source if 2 * days[source] >= sum(days.values()) else None


def surname_evidence(
    short: Activity, full: Activity, office_holders: set[int], ids: tuple[int, int]
) -> list[str]:
    """Reasons to take the full-name person for the surname-only one: the same source in the
    same period, the same office or title at the date (a bare title is held by many), and
    persons both met in the same period (office holders excepted: they meet everyone)."""
    found = []
    homes = _home(short), _home(full)
    for source in sorted(short.sources.keys() & full.sources.keys()):
        if _days_near(short.sources[source], full.sources[source]):
            # where both mostly speak, or a source one of them only visited (a rival)
            home = homes[0] == homes[1] == source
            found.append(f"source:{source}" if home else f"source-visited:{source}")
        else:  # the same source in another period: a rival, never enough alone
            found.append(f"source-elsewhen:{source}")
    titles = {title_key(t): (start, end) for t, start, end in short.offices if not is_bare_title(t)}
    for office, start, end in full.offices:
        key = title_key(office)
        if key and key in titles:
            t_start, t_end = titles[key]
            if _in_office(t_start, start, end) or _in_office(t_end, start, end):
                found.append(f"office:{office}")
                break
    shared = [p for p in short.met.keys() & full.met.keys() if p not in office_holders | set(ids)]
    common = [p for p in shared if _days_near(short.met[p], full.met[p])]
    if common:
        found.append(f"co-participants:{len(common)}")
    elif shared:  # met the same persons in another period: a rival, never enough alone
        found.append(f"co-participants-elsewhen:{len(shared)}")
    return found


def surname_decides(reasons: Sequence[str], holders: int = 1) -> bool:
    """Evidence enough for a surname-only person: the same source in the period where both
    mostly speak, the same office at the date, or two persons met in common in the period.
    A source one of them only visited (a busy one hears many speakers of a surname), or the
    same source or persons in another period, only make a rival. When ``holders`` (full-name
    persons of that surname in the archive) is COMMON_SURNAME or more, the source alone does
    not decide: one of many Ivanovs at the White House may be one never named in full."""
    met = max(
        (int(r.split(":")[1]) for r in reasons if r.startswith("co-participants:")), default=0
    )
    about_the_person = any(r.startswith("office:") for r in reasons) or met >= CO_PARTICIPANTS
    at_the_source = holders < COMMON_SURNAME and any(r.startswith("source:") for r in reasons)
    return about_the_person or at_the_source


def propose_surname_merges(
    rows: Sequence[_Row], activity: Mapping[int, Activity], redirect: Mapping[int, int]
) -> tuple[list[Proposal], list[Undecided]]:
    """Surname-only rows into the one full-name row of that surname the evidence points to
    (or, for a surname no full name has, of the surname it misprints: ``surname_candidates``).

    A full-name row is plausible when it has any evidence (``surname_evidence``) and never
    met the surname-only row at one event (two people of a page are two people). Merged only
    when exactly one row of that surname is plausible and it has a full first name; two or
    more plausible rows leave it undecided (a wrong merge is worse than a duplicate).
    ``redirect`` maps rows merged earlier in this run to the row they went into, whose
    activity then includes theirs. Pure: rows and activity in, proposals out.
    """
    live = {r.id: r for r in rows if r.id not in redirect}
    merged_activity: dict[int, Activity] = {}
    for r in rows:
        target = redirect.get(r.id, r.id)
        merged_activity.setdefault(target, Activity()).absorb(activity.get(r.id, Activity()))
    for act in merged_activity.values():  # partners as the ids they stand for now
        met: dict[int, set[dt.date]] = {}
        for partner, days in act.met.items():
            met.setdefault(redirect.get(partner, partner), set()).update(days)
        act.met = met
    office_holders = {r.id for r in live.values() if r.wikidata}
    by_surname = _full_names_by_surname(live.values())
    near = NearSurnames(by_surname)
    proposals: list[Proposal] = []
    undecided: list[Undecided] = []
    for short in sorted(live.values(), key=lambda r: r.id):
        if not short.tokens or not is_surname_only(short.tokens):
            continue
        mine = merged_activity.get(short.id, Activity())
        plausible: list[tuple[_Row, list[str]]] = []
        candidates, misprinted = surname_candidates(short, by_surname, near)
        for full in candidates:
            theirs = merged_activity.get(full.id, Activity())
            if full.id in mine.met or short.id in theirs.met:
                continue  # on one page together: two people
            if short.wikidata and full.wikidata and short.wikidata != full.wikidata:
                continue
            reasons = surname_evidence(mine, theirs, office_holders, (short.id, full.id))
            if reasons:
                plausible.append((full, reasons))
        if misprinted and len(candidates) > 1:
            # which surname it misprints is already a guess: the surname must single the
            # person out, or one Zorkunchet's evidence takes another Zorkunchet's misprints
            if plausible:
                why = {c.id: reasons for c, reasons in plausible}
                listed = [(c.id, c.name, why.get(c.id, [])) for c in candidates]
                undecided.append(Undecided(short.id, short.name, listed))
            continue
        if (
            len(plausible) == 1
            and len(plausible[0][0].tokens[0]) > 1
            and surname_decides(plausible[0][1], len(candidates))
        ):
            full, reasons = plausible[0]
            told: dict[str, Any] = {"rule": "surname_only", "surname": short.name}
            if misprinted:  # "Putn" -> "Vladimir Putin"
                told["misprint_of"] = full.name.split()[-1]
            told["evidence"] = reasons
            proposals.append(Proposal(full.id, short.id, full.name, short.name, told))
        elif len(plausible) > 1:
            undecided.append(
                Undecided(short.id, short.name, [(c.id, c.name, why) for c, why in plausible])
            )
    return proposals, undecided


def _full_names_by_surname(rows: Iterable[_Row]) -> dict[str, list[_Row]]:
    by_surname: dict[str, list[_Row]] = {}
    for r in rows:
        if len(r.tokens) >= 2 and not is_surname_only(r.tokens):
            by_surname.setdefault(r.tokens[-1], []).append(r)
    return by_surname


def surname_candidates(
    short: _Row, by_surname: Mapping[str, Sequence[_Row]], near: NearSurnames
) -> tuple[list[_Row], bool]:
    """The full-name rows a surname-only row may be, and whether by a misprint: those of its
    surname ("Brown": "Quincy Brown"; "de Hoop Scheffer": "Jaap de Hoop Scheffer"); else,
    when no full name has that surname and it is no word of its own (``may_be_misprint``:
    not English, a place or a known person's surname), those whose surname it misprints one
    letter off inside the word ("Putn": "Vladimir Putin"; the rule that joins "PRESIDENT
    PUTN" on a page, ``people.misprints``). Evidence then decides, as for any surname, but a
    misprint is merged only when it has one candidate."""
    n = len(short.tokens)
    same = [
        full
        for full in by_surname.get(short.tokens[-1], ())
        if full.tokens[-n:] == short.tokens and len(full.tokens) > n
    ]
    if same or n != 1:
        return same, False
    words = short.name.split()
    if not words or not may_be_misprint(words[-1]):
        return [], False
    return [full for s in near.misprinted_by(short.tokens[0]) for full in by_surname[s]], True


async def _activity(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, Activity]:
    activity: dict[int, Activity] = {i: Activity() for i in ids}
    if not ids:
        return activity
    for row in await conn.fetch(ACTIVITY_SQL, list(ids)):
        if row["source"] is not None:
            activity[row["person_id"]].sources.setdefault(row["source"], set()).add(row["date"])
    for row in await conn.fetch(MET_SQL, list(ids)):
        if row["date"] is not None:
            activity[row["person_id"]].met.setdefault(row["partner"], set()).add(row["date"])
    await _add_offices(conn, ids, activity)
    return activity


@dataclass
class DedupeReport:
    """What the dedupe command found: merges with evidence, and surname-only persons left
    undecided because several full-name persons fit."""

    proposals: list[Proposal]
    undecided: list[Undecided]


async def dedupe_report(conn: asyncpg.Connection) -> DedupeReport:
    """Read every live person once; propose merges by name and Wikidata id
    (``propose_merges``), then of surname-only persons (``propose_surname_merges``), whose
    activity (sources, dates, persons met, offices) is read for them and their candidates."""
    rows = await _dedupe_rows(conn)
    proposals = propose_merges(rows)
    redirect = {p.merge: p.keep for p in proposals}
    for merged, kept in redirect.items():  # a kept row merged later: follow to the end
        while kept in redirect:
            kept = redirect[kept]
        redirect[merged] = kept
    by_surname = _full_names_by_surname(rows)
    near = NearSurnames(by_surname)
    wanted = set()  # surname-only rows and the full-name rows they may be
    for short in rows:
        if short.tokens and is_surname_only(short.tokens):
            wanted.add(short.id)
            wanted.update(r.id for r in surname_candidates(short, by_surname, near)[0])
    ids = [r.id for r in rows if r.id in wanted]
    activity = await _activity(conn, ids)
    more, undecided = propose_surname_merges(rows, activity, redirect)
    return DedupeReport(proposals + more, undecided)


async def dedupe_proposals(conn: asyncpg.Connection) -> list[Proposal]:
    """The merges ``dedupe_report`` proposes."""
    return (await dedupe_report(conn)).proposals


async def _dedupe_rows(conn: asyncpg.Connection) -> list[_Row]:
    return [
        _Row(
            r["id"],
            r["name"],
            name_tokens(r["name_key"]),
            r["wikidata_id"],
            r["statements"],
            r["first_day"],
            r["last_day"],
        )
        for r in await conn.fetch(DEDUPE_PERSONS_SQL)
    ]


async def apply_merges(conn: asyncpg.Connection, proposals: Sequence[Proposal]) -> int:
    """Apply proposals with the curation merge (id redirect), each recorded in person_merge."""
    done = 0
    for p in proposals:
        try:
            await merge_persons(
                conn,
                p.keep,
                p.merge,
                evidence={**p.evidence, "merged_name": p.merge_name},
                merged_by="dedupe",
            )
        except CurationError:
            continue  # merged meanwhile
        done += 1
    return done

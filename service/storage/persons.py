"""Person identity across documents, and its curation (aliases, merges).

A document knows its people only locally (``PersonRef.key``). Here each ref is matched to a
stored person by folded name keys (``fold_name``), so "NAZARBAYEV", "Nazarbaev" and "Nursultan
Nazarbayev" on different pages end as one person. The rules prefer a duplicate to a wrong
merge: a ref joins a stored person only when exactly one candidate fits, and a full name with a
different first name is a different person ("Serzh Sargsyan" is not "Tigran Sargsyan").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import asyncpg

from service.ingestion.model import PersonRef
from service.ingestion.names import fold_name, fold_word
from service.storage.notifications import notify_names_changed

# Advisory-lock key serialising everything that creates, renames or merges persons, so two
# concurrent ingestions cannot both create "the same" new person.
PERSON_LOCK_KEY = 0x7E25_0001

# Leading address forms that carry no identity: "Mr Nazarbaev" is matched as "Nazarbaev".
HONORIFICS = frozenset(
    fold_word(w) for w in ("mr", "mrs", "ms", "miss", "mister", "madam", "sir", "dr")
)

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
    """Serialise person matching and curation until the current transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", PERSON_LOCK_KEY)


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


def find_person(tokens: Tokens, candidates: Sequence[Candidate]) -> Candidate | None:
    """The one candidate this name denotes, or None when none or several fit.

    In order: an exact form (full names only); first name plus surname; finally the surname
    alone, which needs the surname to belong to exactly one candidate and the names not to
    contradict (one is the other without leading words, as "Nazarbaev" / "Nursultan Nazarbaev"
    or "De Hoop Scheffer" / "Jaap de Hoop Scheffer").
    """
    if not tokens:
        return None
    if len(tokens) >= 2:
        by_name = [c for c in candidates if c.main == tokens]
        if len(by_name) == 1:
            return by_name[0]
        exact = [c for c in candidates if tokens in c.forms]
        if len(exact) == 1:
            return exact[0]
        if exact:
            return None
        full = [c for c in candidates if any(same_full_name(tokens, n) for n in c.names)]
        if len(full) == 1:
            return full[0]
        if full:
            return None
    same_surname = [c for c in candidates if tokens[-1] in c.surnames]
    if len(same_surname) != 1:
        return None
    (person,) = same_surname
    if len(tokens) == 1:
        return person
    # against the current name only: an old surname-only form must not let "Bolat Nazarbayev"
    # join "Nursultan Nazarbayev"
    if _proper_suffix(person.main, tokens) or _proper_suffix(tokens, person.main):
        return person
    return None


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


# ---------------------------------------------------------------- matching (database)

CANDIDATES_SQL = """
WITH hit AS (
    SELECT id FROM person
    WHERE merged_into_id IS NULL AND name_surname(name_key) = ANY($1::text[])
    UNION
    SELECT person_id FROM person_alias WHERE name_surname(key) = ANY($1::text[])
)
SELECT p.id, p.name, p.name_key,
       coalesce(array_agg(a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases,
       coalesce(array_agg(a.source) FILTER (WHERE a.alias IS NOT NULL), '{}') AS sources
FROM person p
JOIN hit USING (id)
LEFT JOIN person_alias a ON a.person_id = p.id
WHERE p.merged_into_id IS NULL
GROUP BY p.id
ORDER BY p.id
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
    person = Candidate(id=row["id"], name=row["name"], name_key=row["name_key"])
    person.learn(row["name"], is_name=True)
    for alias, source in zip(row["aliases"], row["sources"], strict=True):
        person.learn(alias, is_name=source in NAME_SOURCES)
    return person


async def resolve_persons(conn: asyncpg.Connection, refs: Sequence[PersonRef]) -> dict[str, int]:
    """Map each ref's document-local key to a person id, creating and renaming persons.

    Fuller names are matched first, so a surname-only ref sees every person of its family that
    this document names. Runs under the person lock, inside the caller's transaction.
    """
    if not refs:
        return {}
    await lock_persons(conn)
    wanted = [(ref, name_tokens(ref.name)) for ref in refs]
    surnames = sorted({tokens[-1] for _, tokens in wanted if tokens})
    candidates = [_candidate(row) for row in await conn.fetch(CANDIDATES_SQL, surnames)]

    created: list[Candidate] = []
    renamed: dict[int, Candidate] = {}
    chosen: dict[str, Candidate] = {}
    for ref, tokens in sorted(wanted, key=lambda item: -len(item[1])):
        person = find_person(tokens, candidates)
        if person is None:
            person = Candidate(id=-(len(created) + 1), name=ref.name, name_key=fold_name(ref.name))
            created.append(person)
            candidates.append(person)
        elif better_display_name(person.name, ref.name):
            person.name, person.name_key = ref.name, fold_name(ref.name)
            if person.id > 0:
                renamed[person.id] = person
        person.learn(ref.name, is_name=True)
        for alias in ref.aliases:
            person.learn(alias, is_name=False)
        chosen[ref.key] = person

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
    return {key: real_ids.get(p.id, p.id) for key, p in chosen.items()}


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
    "UPDATE person SET merged_into_id = $1 WHERE id = $2 OR merged_into_id = $2",
)

# Each takes ($1 merge).
MERGE_CLEANUP_SQL = (
    "DELETE FROM person_alias WHERE person_id = $1",
    "DELETE FROM person_title WHERE person_id = $1",
)


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


async def merge_persons(conn: asyncpg.Connection, keep_id: int, merge_id: int) -> None:
    """Merge a duplicate into ``keep_id``: statements, participations, mentions, aliases and
    titles move; ``merge_id`` (and whatever was merged into it) then resolves to ``keep_id``."""
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
        await notify_names_changed(conn)

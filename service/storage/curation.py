"""Corrections made by hand, each recorded in curation_log with who made it and what changed.

Ingestion gets most pages right; a user who finds a wrong speaker, a wrong turn kind, a page
that should not be there, or two people under one name fixes it here rather than in SQL. Every
function runs in one transaction: the change and its log row land together or not at all.
Person merges keep their own evidence table (person_merge, written by storage.persons); they
are logged here too, so the log is the one place to review what curators did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from service.ingestion.model import ParsedDocument
from service.ingestion.names import fold_name
from service.storage import documents, persons
from service.storage.notifications import notify_names_changed
from service.storage.persons import CurationError

STATEMENT_KINDS = frozenset({"REMARKS", "QUESTION", "ANSWER", "MODERATION"})

LOG_SQL = """
INSERT INTO curation_log (by, action, target_type, target_id, before, after)
VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb)  -- text in: no codec guesses
"""

DOCUMENT_SUMMARY_SQL = """
SELECT d.id, d.sha256, d.title, d.filename, d.source_url,
       (SELECT count(*) FROM event e WHERE e.document_id = d.id) AS events,
       (SELECT count(*) FROM statement s JOIN event e ON e.id = s.event_id
        WHERE e.document_id = d.id) AS statements
FROM source_document d
WHERE d.id = $1
FOR UPDATE
"""

# Persons a document names: as speakers, participants or mentions. After the document is gone,
# those that nothing else refers to were made for it alone and go with it.
DOCUMENT_PERSONS_SQL = """
SELECT s.speaker_id AS id FROM statement s JOIN event e ON e.id = s.event_id
WHERE e.document_id = $1 AND s.speaker_id IS NOT NULL
UNION
SELECT p.person_id FROM participant p JOIN event e ON e.id = p.event_id
WHERE e.document_id = $1 AND p.person_id IS NOT NULL
UNION
SELECT m.person_id FROM person_mention m JOIN statement s ON s.id = m.statement_id
JOIN event e ON e.id = s.event_id WHERE e.document_id = $1
"""

DELETE_ORPHANS_SQL = """
DELETE FROM person p
WHERE p.id = ANY($1::bigint[])
  AND NOT EXISTS (SELECT 1 FROM statement s WHERE s.speaker_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM participant x WHERE x.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM person_mention m WHERE m.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM person q WHERE q.merged_into_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM person_alias a WHERE a.person_id = p.id
                  AND a.source = 'curated')
RETURNING p.id
"""


async def _log(
    conn: asyncpg.Connection,
    by: str,
    action: str,
    target: tuple[str, int],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    await conn.execute(LOG_SQL, by, action, target[0], target[1], _json(before), _json(after))


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, default=str).decode()


async def _statement(conn: asyncpg.Connection, statement_id: int) -> asyncpg.Record:
    row = await conn.fetchrow(
        "SELECT id, kind, speaker_id, speaker_label FROM statement WHERE id = $1 FOR UPDATE",
        statement_id,
    )
    if row is None:
        raise CurationError("NOT_FOUND", f"No statement with id {statement_id}.")
    return row


async def _live_person(conn: asyncpg.Connection, person_id: int) -> int:
    """The person kept for ``person_id`` (a merged id redirects), or NOT_FOUND."""
    kept = await persons.resolve_merged(conn, person_id)
    if kept is None:
        raise CurationError("NOT_FOUND", f"No person with id {person_id}.")
    return kept


async def set_statement_speaker(
    conn: asyncpg.Connection, statement_id: int, person_id: int | None, by: str
) -> None:
    """Give a statement to another person, or to nobody (its label stays as printed)."""
    async with conn.transaction():
        row = await _statement(conn, statement_id)
        new = None if person_id is None else await _live_person(conn, person_id)
        await conn.execute("UPDATE statement SET speaker_id = $2 WHERE id = $1", statement_id, new)
        await notify_names_changed(conn)  # statement counts rank name candidates
        await _log(
            conn,
            by,
            "SET_STATEMENT_SPEAKER",
            ("Statement", statement_id),
            {"speakerId": row["speaker_id"], "speakerLabel": row["speaker_label"]},
            {"speakerId": new, "speakerLabel": row["speaker_label"]},
        )


async def set_statement_kind(
    conn: asyncpg.Connection, statement_id: int, kind: str, by: str
) -> None:
    """Correct a turn's kind (a remark read as a question, say)."""
    if kind not in STATEMENT_KINDS:
        raise CurationError("INVALID_KIND", f"{kind!r} is not a statement kind.")
    async with conn.transaction():
        row = await _statement(conn, statement_id)
        await conn.execute("UPDATE statement SET kind = $2 WHERE id = $1", statement_id, kind)
        await _log(
            conn,
            by,
            "SET_STATEMENT_KIND",
            ("Statement", statement_id),
            {"kind": row["kind"]},
            {"kind": kind},
        )


async def _remove_document(conn: asyncpg.Connection, document_id: int) -> dict[str, Any]:
    """Delete a document with everything derived from it; its summary for the log."""
    summary = await conn.fetchrow(DOCUMENT_SUMMARY_SQL, document_id)
    if summary is None:
        raise CurationError("NOT_FOUND", f"No document with id {document_id}.")
    await persons.lock_persons(conn)
    named = [r["id"] for r in await conn.fetch(DOCUMENT_PERSONS_SQL, document_id)]
    await conn.execute("DELETE FROM source_document WHERE id = $1", document_id)
    removed = [r["id"] for r in await conn.fetch(DELETE_ORPHANS_SQL, named)]
    await notify_names_changed(conn)
    return {**dict(summary), "personsRemoved": sorted(removed)}


async def delete_document(conn: asyncpg.Connection, document_id: int, by: str) -> None:
    """Remove a page and everything read from it: events, statements, mentions, figures, and
    persons that no other page names."""
    async with conn.transaction():
        before = await _remove_document(conn, document_id)
        await _log(conn, by, "DELETE_DOCUMENT", ("SourceDocument", document_id), before, None)


async def replace_document(
    conn: asyncpg.Connection, document_id: int, parsed: ParsedDocument, by: str
) -> documents.StoreResult:
    """Swap a page for a corrected text: the old one goes as in ``delete_document`` and the new
    one is stored (under a new id) in the same transaction."""
    async with conn.transaction():
        before = await _remove_document(conn, document_id)
        stored = await documents.store_document(conn, parsed)
        after = {
            "id": stored.document_id,
            "sha256": parsed.sha256,
            "title": parsed.title,
            "statements": stored.statements,
        }
        await _log(conn, by, "REPLACE_DOCUMENT", ("SourceDocument", document_id), before, after)
    return stored


async def split_person(
    conn: asyncpg.Connection,
    person_id: int,
    statement_ids: Sequence[int],
    name: str,
    by: str,
) -> int:
    """Undo a wrong merge: a new person ``name`` takes the given statements of ``person_id``
    (and the participant rows that spoke only those). Returns the new person's id."""
    name = " ".join(name.split())
    if not name:
        raise CurationError("INVALID_NAME", "The new person needs a name.")
    if not statement_ids:
        raise CurationError("INVALID_SPLIT", "Name at least one statement to move.")
    async with conn.transaction():
        await persons.lock_persons(conn)
        kept = await _live_person(conn, person_id)
        owned = {
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM statement WHERE id = ANY($1::bigint[]) AND speaker_id = $2",
                list(statement_ids),
                kept,
            )
        }
        foreign = sorted(set(statement_ids) - owned)
        if foreign:
            raise CurationError(
                "INVALID_SPLIT", f"Statements {foreign} are not spoken by person {kept}."
            )
        new_id = await conn.fetchval(
            "INSERT INTO person (name, name_key) VALUES ($1, $2) RETURNING id",
            name,
            fold_name(name),
        )
        await persons.add_aliases(conn, [(new_id, name, "curated")])
        moved = sorted(owned)
        await conn.execute(
            "UPDATE statement SET speaker_id = $2 WHERE id = ANY($1::bigint[])", moved, new_id
        )
        await conn.execute(
            """
            UPDATE participant p SET person_id = $2
            WHERE p.person_id = $3
              AND p.id IN (SELECT participant_id FROM statement WHERE id = ANY($1::bigint[]))
              AND NOT EXISTS (SELECT 1 FROM statement s WHERE s.participant_id = p.id
                              AND s.speaker_id = $3)
            """,
            moved,
            new_id,
            kept,
        )
        await notify_names_changed(conn)
        await _log(
            conn,
            by,
            "SPLIT_PERSON",
            ("Person", kept),
            {"personId": kept, "statementIds": moved},
            {"personId": new_id, "name": name, "statementIds": moved},
        )
    return int(new_id)


async def log_merge(conn: asyncpg.Connection, keep_id: int, merge_id: int, by: str) -> None:
    await _log(
        conn,
        by,
        "MERGE_PERSONS",
        ("Person", keep_id),
        {"personId": merge_id},
        {"personId": keep_id},
    )


async def log_page(
    conn: asyncpg.Connection,
    offset: int,
    limit: int,
    target: tuple[str, int] | None = None,
) -> list[asyncpg.Record]:
    """The log, newest first; optionally only the changes to one target. ``before`` and
    ``after`` come back as JSON text."""
    return await conn.fetch(
        """
        SELECT id, at, by, action, target_type, target_id,
               before::text AS before, after::text AS after
        FROM curation_log
        WHERE $3::text IS NULL OR (target_type = $3 AND target_id = $4)
        ORDER BY id DESC
        OFFSET $1 LIMIT $2
        """,
        offset,
        limit,
        target[0] if target else None,
        target[1] if target else None,
    )


async def log_count(conn: asyncpg.Connection, target: tuple[str, int] | None = None) -> int:
    return await conn.fetchval(
        """
        SELECT count(*) FROM curation_log
        WHERE $1::text IS NULL OR (target_type = $1 AND target_id = $2)
        """,
        target[0] if target else None,
        target[1] if target else None,
    )

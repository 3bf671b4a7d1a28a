"""A page stored again with other whitespace or typography is the same document, not a second
one that doubles every count."""

from __future__ import annotations

import asyncio
import hashlib

import asyncpg
from data_paths import NATO_SEED

from service.ingestion.fingerprint import content_key
from service.ingestion.pipeline import parse_document
from service.storage import migrate
from service.storage.documents import store_document

ORIGINAL = NATO_SEED.read_text(encoding="utf-8")


def retyped(text: str) -> str:
    """The page as a mirror or word processor gives it: lines re-wrapped, quotes curled, dashes
    lengthened, a no-break space, a byte-order mark."""
    text = text.replace("'", "’").replace(" - ", " – ").replace("\n\n", "\n \n\n", 5)
    return "\ufeff" + text.replace(". ", ".\u00a0", 3) + "\n\n"


def test_the_key_ignores_whitespace_and_typography_only() -> None:
    assert content_key(ORIGINAL) == content_key(retyped(ORIGINAL))
    assert content_key("He said “yes” — twice.") == content_key('He said "yes" - twice.')
    assert content_key("a  b\n\nc") == content_key("a b c")
    assert content_key("He said yes.") != content_key("He said no.")  # a corrected word
    assert content_key("us") != content_key("US")  # case can be meaning


async def test_a_retyped_copy_is_reported_as_the_stored_document(
    conn: asyncpg.Connection,
) -> None:
    first = await store_document(conn, parse_document(ORIGINAL, filename=NATO_SEED.name))
    copy = retyped(ORIGINAL)
    assert copy != ORIGINAL  # another sha256
    again = await store_document(conn, parse_document(copy, filename="mirror.txt"))
    assert (again.document_id, again.created) == (first.document_id, False)
    assert again.statements == first.statements
    assert await conn.fetchval("SELECT count(*) FROM source_document") == 1


async def test_the_migration_keys_stored_documents_and_keeps_older_duplicates(
    db_url: str,
) -> None:
    """Documents stored before content_key existed get it; of two copies already stored, the
    older keeps the key and nothing is deleted."""
    await asyncio.to_thread(migrate.downgrade, db_url, "0007")
    conn = await asyncpg.connect(db_url)
    try:
        for text in (ORIGINAL, retyped(ORIGINAL), "Another page."):
            await conn.execute(
                "INSERT INTO source_document (sha256, format, text) VALUES ($1, 'generic', $2)",
                hashlib.sha256(text.encode()).hexdigest(),
                text,
            )
        await asyncio.to_thread(migrate.upgrade, db_url)
        rows = await conn.fetch("SELECT text, content_key FROM source_document ORDER BY id")
    finally:
        await conn.close()
    assert [r["content_key"] for r in rows] == [
        content_key(ORIGINAL),
        None,
        content_key("Another page."),
    ]

"""The bundled sample transcripts (see ATTRIBUTION.md) and loading them once at start-up.

Loading is idempotent: documents already stored (same SHA-256) are skipped before parsing, so
a restart costs one query.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

SAMPLE_DIR = Path(__file__).resolve().parent

PUBLISHERS = {
    "nato": "NATO",
    "kremlin": "President of Russia (en.kremlin.ru)",
    "whitehouse": "The White House",
}


@dataclass(frozen=True)
class SampleLoad:
    created: int
    present: int
    refused: int


def sample_files() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.txt"))


def publisher_of(path: Path) -> str | None:
    return PUBLISHERS.get(path.name.split("-", 1)[0])


async def load_samples(pool: asyncpg.Pool, *, max_chars: int) -> SampleLoad:
    """Store every sample not yet stored; a refused sample is logged, not fatal."""
    from service.ingestion.model import RejectedDocument
    from service.ingestion.page import parse_page
    from service.storage.documents import store_document

    texts = {path: path.read_text(encoding="utf-8") for path in sample_files()}
    digests = {
        path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in texts.items()
    }
    stored = {
        row["sha256"]
        for row in await pool.fetch(
            "SELECT sha256 FROM source_document WHERE sha256 = ANY($1::text[])",
            list(digests.values()),
        )
    }
    created = present = refused = 0
    for path, text in texts.items():
        if digests[path] in stored:
            present += 1
            continue
        try:
            parsed = await asyncio.to_thread(
                parse_page,
                text,
                filename=path.name,
                publisher=publisher_of(path),
                max_chars=max_chars,
            )
        except RejectedDocument as exc:
            log.warning("sample %s refused: %s %s", path.name, exc.code, exc.message)
            refused += 1
            continue
        async with pool.acquire() as conn:
            result = await store_document(conn, parsed)
        created += int(result.created)
        present += int(not result.created)
    return SampleLoad(created=created, present=present, refused=refused)

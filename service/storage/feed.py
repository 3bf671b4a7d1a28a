"""What is new: the documents stored since a point, for live subscriptions.

Identity ids are handed out when a row is inserted, not when its transaction commits, so a
document committed late can carry a smaller id than one already seen. Readers therefore look
back a fixed number of ids (``LOOK_BACK``) and remember what they have delivered.
"""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

LOOK_BACK = 1000  # ids: concurrent ingestions committing out of order stay within this


class Db(Protocol):
    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]: ...


async def latest_document_id(db: Db) -> int:
    rows = await db.fetch("SELECT coalesce(max(id), 0) AS id FROM source_document")
    return int(rows[0]["id"])


async def documents_since(db: Db, after_id: int) -> list[int]:
    """Ids of stored documents above ``after_id - LOOK_BACK``, ascending."""
    rows = await db.fetch(
        "SELECT id FROM source_document WHERE id > $1 ORDER BY id", max(0, after_id - LOOK_BACK)
    )
    return [int(r["id"]) for r in rows]


async def events_of_document(db: Db, document_id: int) -> list[int]:
    rows = await db.fetch("SELECT id FROM event WHERE document_id = $1 ORDER BY id", document_id)
    return [int(r["id"]) for r in rows]

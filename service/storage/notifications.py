"""Telling other sessions that stored names changed (PostgreSQL NOTIFY).

Name look-ups are cached per service process (service/api/name_cache.py), which LISTENs on
NAMES_CHANNEL. Every transaction that can change what a name resolves to (new persons,
aliases, topics or organisations; a merge) calls ``notify_names_changed`` inside it:
PostgreSQL delivers the notification only at commit, and not at all on rollback, to every
listening process, including ingestion by the CLI or by another service instance.
"""

from __future__ import annotations

import asyncpg

NAMES_CHANNEL = "names_changed"


async def notify_names_changed(conn: asyncpg.Connection) -> None:
    """Queue a NAMES_CHANNEL notification, sent when the caller's transaction commits."""
    await conn.execute("SELECT pg_notify($1, '')", NAMES_CHANNEL)

"""Alembic migrations against a real, initially empty database: up, down to base, up again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from service.storage import migrate

EXPECTED_TABLES = {"source_document", "event", "person", "statement", "api_token"}


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A brand-new database with no migrations applied, dropped afterwards."""
    name = f"m_{uuid.uuid4().hex[:10]}"
    await _admin(server_url, f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _state(url: str) -> tuple[set[str], str | None]:
    conn = await asyncpg.connect(url)
    try:
        tables = {
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        revision = None
        if "alembic_version" in tables:
            revision = await conn.fetchval("SELECT version_num FROM alembic_version")
        return tables - {"alembic_version"}, revision
    finally:
        await conn.close()


async def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    head = migrate.head_revision()

    await asyncio.to_thread(migrate.upgrade, empty_database)
    tables, revision = await _state(empty_database)
    assert tables >= EXPECTED_TABLES
    assert revision == head

    await asyncio.to_thread(migrate.downgrade, empty_database, "base")
    tables, revision = await _state(empty_database)
    assert tables == set()
    assert revision is None

    await asyncio.to_thread(migrate.upgrade, empty_database)
    tables, revision = await _state(empty_database)
    assert tables >= EXPECTED_TABLES
    assert revision == head


async def test_upgrade_is_idempotent(empty_database: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database)
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert (await _state(empty_database))[1] == migrate.head_revision()

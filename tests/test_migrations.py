"""Alembic migrations against a real, initially empty database: up, down to base, up again."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from service.storage import migrate

REPO = Path(__file__).resolve().parents[1]
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


async def test_concurrent_migrate_commands_take_turns(empty_database: str) -> None:
    """`python -m service migrate` from three deploy jobs at once: the advisory lock makes them
    take turns, so each ends at head and none trips over another's alembic_version table."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_DIRECT_URL"}
    env.update(DATABASE_URL=empty_database, LOG_LEVEL="WARNING")
    jobs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "service",
            "migrate",
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [await job.communicate() for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0, 0], outputs
    assert (await _state(empty_database))[1] == migrate.head_revision()


def test_every_migration_declares_its_compatibility() -> None:
    """Rolling deploys rely on it (README, Deployment): a migration without the declaration
    would stop every replica's migrate step."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("postgresql://unused"))
    for revision in script.walk_revisions():
        assert isinstance(getattr(revision.module, "backward_compatible", None), bool), revision
    # 0007 only adds nullable columns and tables: code written for 0006 runs on it.
    assert "0006" in migrate.served_revisions(script, "0007")

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


async def _figure_rows(url: str, rows: list[tuple[str, float, float | None]]) -> None:
    """Stores figures (text, value, high) of one statement as code of revision 0011 did: no
    base columns."""
    conn = await asyncpg.connect(url)
    try:
        doc = await conn.fetchval(
            "INSERT INTO source_document (sha256, format, title, text)"
            " VALUES ($1, 'text', 't', 'x') RETURNING id",
            uuid.uuid4().hex * 2,
        )
        event = await conn.fetchval(
            "INSERT INTO event (document_id, position, title, kind, start_offset, end_offset)"
            " VALUES ($1, 1, 't', 'PRESS_CONFERENCE', 0, 1) RETURNING id",
            doc,
        )
        statement = await conn.fetchval(
            "INSERT INTO statement (event_id, sequence, kind, speaker_label, text,"
            " start_offset, end_offset) VALUES ($1, 1, 'REMARKS', 'A', 'x', 0, 1) RETURNING id",
            event,
        )
        for n, (text, value, high) in enumerate(rows):
            unit = text.split()[-1]
            await conn.execute(
                "INSERT INTO figure (statement_id, text, value, high, unit, kind, qualifier,"
                " context, start_offset, end_offset)"
                " VALUES ($1, $2, $3, $4, $5, 'OTHER', 'EXACT', $2, $6, $6 + 1)",
                statement,
                text,
                value,
                high,
                unit,
                n,
            )
    finally:
        await conn.close()


async def _base_values(url: str) -> dict[str, tuple[float, float | None, str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT text, base_value, base_high, base_unit FROM figure")
        return {r["text"]: (r["base_value"], r["base_high"], r["base_unit"]) for r in rows}
    finally:
        await conn.close()


async def test_0012_fills_base_values_of_stored_figures_and_of_older_code(
    empty_database: str,
) -> None:
    """Figures stored before 0012 get base values from units.yaml's factors, and so do those
    that older code (which leaves the columns out) inserts after it, during a rolling deploy."""
    await asyncio.to_thread(migrate.upgrade, empty_database, "0011")
    await _figure_rows(empty_database, [("2 t", 2, 3), ("0.3 km", 0.3, None), ("40 USD", 40, None)])
    await asyncio.to_thread(migrate.upgrade, empty_database, "0012")
    assert await _base_values(empty_database) == {
        "2 t": (2000, 3000, "kg"),
        "0.3 km": (300, None, "m"),
        "40 USD": (40, None, "USD"),
    }
    conn = await asyncpg.connect(empty_database)
    try:
        await conn.execute("DELETE FROM figure")
    finally:
        await conn.close()
    await _figure_rows(empty_database, [("6 hour", 6, None), ("5 percent", 5, 7)])
    assert await _base_values(empty_database) == {
        "6 hour": (0.25, None, "day"),
        "5 percent": (5, 7, "percent"),
    }


async def test_0013_gives_stored_figures_the_topics_of_their_sentence(
    empty_database: str,
) -> None:
    """Figures stored before 0013 get figure_topic rows from their statement's text, by the
    rule ingestion uses (the sentence before when their own names no topic), and a topic the
    table lacked is added."""
    await asyncio.to_thread(migrate.upgrade, empty_database, "0012")
    text = (
        "Our trade with China grew by 20% last year. The region has 3 million inhabitants.\n"
        "We discussed the grain harvest. It grew by 15%."
    )
    figures = [
        ("20%", "Our trade with China grew by 20% last year."),
        ("3 million inhabitants", "The region has 3 million inhabitants."),
        ("15%", "It grew by 15%."),
    ]
    conn = await asyncpg.connect(empty_database)
    try:
        await conn.execute(
            "INSERT INTO topic (slug, name, kind) VALUES ('trade', 'Trade', 'THEME')"
        )
        doc = await conn.fetchval(
            "INSERT INTO source_document (sha256, format, title, text)"
            " VALUES ($1, 'text', 't', $2) RETURNING id",
            uuid.uuid4().hex * 2,
            text,
        )
        event = await conn.fetchval(
            "INSERT INTO event (document_id, position, title, kind) VALUES ($1, 1, 't', 'OTHER')"
            " RETURNING id",
            doc,
        )
        statement = await conn.fetchval(
            "INSERT INTO statement (event_id, sequence, kind, speaker_label, text, start_offset,"
            " end_offset) VALUES ($1, 1, 'REMARKS', 'A', $2, 0, $3) RETURNING id",
            event,
            text,
            len(text),
        )
        for figure, context in figures:
            start = text.index(figure)
            await conn.execute(
                "INSERT INTO figure (statement_id, text, value, unit, kind, qualifier, context,"
                " start_offset, end_offset) VALUES ($1, $2, 1, 'count', 'COUNT', 'EXACT', $3,"
                " $4, $5)",
                statement,
                figure,
                context,
                start,
                start + len(figure),
            )
    finally:
        await conn.close()

    await asyncio.to_thread(migrate.upgrade, empty_database, "0013")
    conn = await asyncpg.connect(empty_database)
    try:
        rows = await conn.fetch(
            "SELECT f.text, array_agg(t.slug ORDER BY t.slug) AS slugs FROM figure f"
            " LEFT JOIN figure_topic ft ON ft.figure_id = f.id"
            " LEFT JOIN topic t ON t.id = ft.topic_id GROUP BY f.text"
        )
    finally:
        await conn.close()
    found = {r["text"]: [s for s in r["slugs"] if s] for r in rows}
    assert found == {
        "20%": ["china", "trade"],
        "3 million inhabitants": ["china", "trade"],
        "15%": ["agriculture"],
    }

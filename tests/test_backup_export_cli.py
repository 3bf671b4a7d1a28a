"""`python -m service dump|restore|export` and the ingest summary, as a user runs them:
real subprocesses, real PostgreSQL, the API over HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from http_support import GraphQL, client
from live_server import LiveServer, with_database
from live_server import test_settings as settings_for

from service import backup

REPO = Path(__file__).resolve().parents[1]
MISSION = """
{ statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}) {
    totalCount nodes { id text kind speaker { name } event { title date } figures { text } } } }
"""


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"LOG_LEVEL": "WARNING", **env})
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


async def scalar(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A new database with nothing in it (not even migrations), dropped afterwards."""
    name = f"t_restore_{uuid.uuid4().hex[:8]}"
    await scalar(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        await scalar(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_dump_then_restore_gives_the_same_data_and_answers(
    seeded: Any,
    graphql: GraphQL,
    database_url: str,
    empty_database: str,
    public_tmp: Path,
) -> None:
    archive = public_tmp / "backup.dump"
    dumped = await asyncio.to_thread(run, "dump", str(archive), env={"DATABASE_URL": database_url})
    assert dumped.returncode == 0, dumped.stderr
    assert archive.read_bytes().startswith(b"PGDMP")

    restored = await asyncio.to_thread(
        run, "restore", str(archive), env={"DATABASE_URL": empty_database}
    )
    assert restored.returncode == 0, restored.stderr

    count = "SELECT count(*) FROM statement"
    assert await scalar(empty_database, count) == await scalar(database_url, count) > 0
    before = await graphql(MISSION)
    assert before["data"]["statements"]["totalCount"] > 0
    with LiveServer(settings_for(empty_database)) as restored_server:  # stopped before the drop
        after = await client(restored_server.url)(MISSION)
    assert after == before


def test_restore_refuses_a_database_that_is_not_empty(database_url: str, public_tmp: Path) -> None:
    archive = public_tmp / "backup.dump"
    assert run("dump", str(archive), env={"DATABASE_URL": database_url}).returncode == 0
    result = run("restore", str(archive), env={"DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "not empty" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restore_refuses_a_file_that_is_not_a_dump(database_url: str, public_tmp: Path) -> None:
    bogus = public_tmp / "notes.txt"
    bogus.write_text("not a dump")
    result = run("restore", str(bogus), env={"DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "not a pg_dump custom-format archive" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_fitting_pg_dump_is_a_clear_error() -> None:
    with pytest.raises(backup.BackupError, match="no pg_dump of version 99 or newer"):
        backup.find_tool("pg_dump", 99)


async def test_cli_export_writes_what_the_http_export_serves(
    seeded: Any, database_url: str, live_server: LiveServer
) -> None:
    result = await asyncio.to_thread(
        run,
        "export", "statements", "--format", "jsonl", "--speaker", "Putin", "--kinds", "ANSWER",
        env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        served = await http.get("/export/statements.jsonl?speaker=Putin&kinds=ANSWER")
    rows = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert rows and rows == [orjson.loads(line) for line in served.text.splitlines()]

    unknown = await asyncio.to_thread(
        run,
        "export",
        "figures",
        "--speaker",
        "Zzyzx Qwertyuiop",
        env={"DATABASE_URL": database_url},
    )
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "Zzyzx Qwertyuiop" in unknown.stderr and "Traceback" not in unknown.stderr


def test_ingest_summary_off_a_terminal_keeps_whole_paths_and_reasons(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    deep = public_tmp / ("a-rather-long-directory-name-for-the-log-" * 3).strip("-")
    deep.mkdir()
    scan = deep / ("scanned-page-of-a-press-conference-transcript-" * 3 + "final.txt")
    scan.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

    result = run("ingest", str(scan), env={"DATABASE_URL": make_database()})
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if scan.name in line)
    assert line.startswith(f"{scan}\trefused\t\tBINARY_DOCUMENT: ")
    assert "…" not in result.stdout
    assert "0 created, 0 already present, 1 refused" in result.stdout

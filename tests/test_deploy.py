"""Deploying several replicas: `python -m service serve` as real processes on one database.

Replicas started together migrate once, under the advisory lock; `serve --no-migrate` leaves
migrating to `python -m service migrate`; a replica of this code stays ready (and restarts) on a
database a newer release has moved one compatible revision ahead, and says why not on an
incompatible one; `--workers N` serves from N processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from live_server import free_port

from service.storage import migrate

REPO = Path(__file__).resolve().parents[1]
AHEAD = Path(__file__).resolve().parent / "migrations_ahead"
LISTENERS = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name = 'transcripts-service-listener'"
)
SERVICE_CONNECTIONS = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name LIKE 'transcripts-service%'"
)
START_TIMEOUT = 90.0  # seconds; three cold Python processes on a busy 2-core machine


class Serve:
    """One `python -m service ...` process on a free port, its output kept for messages."""

    def __init__(self, database_url: str, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_DIRECT_URL"}
        env.update(
            DATABASE_URL=database_url,
            PORT=str(self.port),
            LOAD_SAMPLE="0",
            LOG_LEVEL="WARNING",
            DB_POOL_SIZE="2",
        )
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", *args],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    async def readyz(self, expect: int, timeout: float = START_TIMEOUT) -> httpx.Response:
        """Poll /readyz until it answers ``expect``; fails with the process's output if not."""
        deadline = time.monotonic() + timeout
        last: httpx.Response | None = None
        async with httpx.AsyncClient(timeout=5) as client:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, f"exited:\n{self.output()}"
                try:
                    last = await client.get(f"{self.url}/readyz")
                    if last.status_code == expect:
                        return last
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        detail = last.text if last is not None else "no answer"
        raise AssertionError(f"/readyz never {expect} ({detail}):\n{self.output()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.log.close()


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_DIRECT_URL"}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A brand-new database with nothing applied, dropped afterwards."""
    name = f"d_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def fetch(url: str, sql: str) -> list[Any]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def test_three_replicas_started_at_once_migrate_once(empty_database: str) -> None:
    replicas = [Serve(empty_database, "serve") for _ in range(3)]
    try:
        for replica in replicas:
            ready = await replica.readyz(200)
            assert ready.json()["revision"] == migrate.head_revision()
    finally:
        codes = [replica.stop() for replica in replicas]
    assert codes == [128 + signal.SIGTERM] * 3
    assert await fetch(empty_database, "SELECT version_num FROM alembic_version") == [
        (migrate.head_revision(),)
    ]
    # What this release serves, recorded for older replicas: the head and every revision
    # below it reachable through expand-only steps.
    served = await fetch(
        empty_database,
        "SELECT code_revision FROM alembic_version_compatibility ORDER BY code_revision DESC",
    )
    assert served[0] == (migrate.head_revision(),)
    assert all(row[0] <= migrate.head_revision() for row in served)


async def test_no_migrate_is_unready_until_migrate_runs(empty_database: str) -> None:
    replica = Serve(empty_database, "serve", "--no-migrate")
    try:
        unready = await replica.readyz(503)
        assert "python -m service migrate" in unready.json()["reason"]
        assert await fetch(empty_database, "SELECT to_regclass('statement')") == [(None,)]

        migrated = run_cli(empty_database, "migrate")
        assert migrated.returncode == 0, migrated.stderr
        assert f"at revision {migrate.head_revision()} (head)" in migrated.stdout

        ready = await replica.readyz(200, timeout=20)  # the running replica needs no restart
        assert ready.json() == {"status": "ready", "revision": migrate.head_revision()}
    finally:
        replica.stop()


async def test_replica_restarts_on_a_compatible_newer_revision(
    make_database: Callable[[], str],
) -> None:
    url = make_database()
    await asyncio.to_thread(migrate.upgrade, url, "heads", [AHEAD / "expand"])
    assert await fetch(url, "SELECT version_num FROM alembic_version") == [("test_ahead_expand",)]

    replica = Serve(url, "serve")  # this code has no migration test_ahead_expand
    try:
        ready = await replica.readyz(200)
        assert ready.json()["revision"] == migrate.head_revision()
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.post(
                f"{replica.url}/graphql", json={"query": "{ documents { totalCount } }"}
            )
        assert answer.json() == {"data": {"documents": {"totalCount": 0}}}
    finally:
        assert replica.stop() == 128 + signal.SIGTERM

    migrated = run_cli(url, "migrate")  # the explicit step leaves a newer schema alone
    assert migrated.returncode == 0, migrated.stderr
    assert "at revision test_ahead_expand (ahead of this code's" in migrated.stdout
    assert await fetch(url, "SELECT version_num FROM alembic_version") == [("test_ahead_expand",)]


async def test_incompatible_newer_revision_is_unready_with_a_reason(
    make_database: Callable[[], str],
) -> None:
    url = make_database()
    await asyncio.to_thread(migrate.upgrade, url, "heads", [AHEAD / "contract"])

    refused = run_cli(url, "migrate")
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), refused.stderr
    assert "test_ahead_contract" in lines[0] and "not declared compatible" in lines[0]

    replica = Serve(url, "serve", "--no-migrate")  # an older replica, left running
    try:
        unready = await replica.readyz(503)
    finally:
        replica.stop()
    reason = unready.json()["reason"]
    assert "test_ahead_contract" in reason and "not declared compatible" in reason


async def test_workers_serve_requests(make_database: Callable[[], str]) -> None:
    url = make_database()
    server = Serve(url, "serve", "--workers", "2")
    try:
        await server.readyz(200)
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(6):
                answer = await client.post(
                    f"{server.url}/graphql", json={"query": "{ documents { totalCount } }"}
                )
                assert answer.json() == {"data": {"documents": {"totalCount": 0}}}
        # Two processes serve: each opens its own name-cache LISTEN connection.
        deadline = time.monotonic() + 30
        while len(await fetch(url, LISTENERS)) != 2:
            assert time.monotonic() < deadline, server.output()
            await asyncio.sleep(0.2)
    finally:
        server.stop()
    # Stopping the parent stops its workers: their connections go.
    deadline = time.monotonic() + 10
    while await fetch(url, SERVICE_CONNECTIONS):
        assert time.monotonic() < deadline, "workers outlived their parent"
        await asyncio.sleep(0.2)

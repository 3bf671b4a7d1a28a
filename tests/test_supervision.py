"""The embedded PostgreSQL is supervised: killed under a running service it comes back by
itself, with the data; a stale postmaster.pid left by a killed server does not stop a start."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from data_paths import NATO_SEED
from live_server import ServeProcess

from service.embedded_pg import EmbeddedPostgres, ensure_database, process_alive, server_user

REPO = Path(__file__).resolve().parents[1]
TOKEN = "supervision-test-token"
STATEMENTS = '{ statements(filter: {speaker: "Nazarbayev"}, first: 1) { totalCount } }'
INGEST = """
mutation Ingest($input: IngestDocumentInput!) {
  ingestDocument(input: $input) { created document { id } errors { code message } }
}
"""


def _graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def _status(url: str, path: str) -> int | None:
    try:
        return httpx.get(f"{url}{path}", timeout=2).status_code
    except httpx.TransportError:
        return None


def _embedded_env(public_tmp: Path) -> dict[str, str]:
    """`serve`'s environment for owning an embedded PostgreSQL in a fresh data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(
        SERVICE_DATA_DIR=str(public_tmp / "data"),
        LOAD_SAMPLE="0",
        ADMIN_TOKEN=TOKEN,
        DB_POOL_SIZE="2",
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def service(public_tmp: Path) -> Iterator[tuple[str, Path, Path]]:
    """`python -m service serve` owning an embedded PostgreSQL in a fresh data directory:
    (base URL, data directory, its stderr log)."""
    with ServeProcess(_embedded_env(public_tmp), public_tmp / "serve.log") as serve:
        yield serve.url, public_tmp / "data", serve.log


def test_killed_database_comes_back_by_itself_with_its_data(
    service: tuple[str, Path, Path],
) -> None:
    url, data_dir, log_path = service
    text = NATO_SEED.read_text(encoding="utf-8")
    stored = _graphql(url, INGEST, {"input": {"text": text, "filename": NATO_SEED.name}})
    assert stored["ingestDocument"]["errors"] == []
    before = _graphql(url, STATEMENTS)["statements"]["totalCount"]
    assert before > 0
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok", "database": "running"}

    postmaster = json.loads((data_dir / "embedded-pg.json").read_text())["postmaster_pid"]
    assert process_alive(postmaster)
    os.kill(postmaster, signal.SIGKILL)
    killed = time.monotonic()

    recovered = None
    while time.monotonic() - killed < 10:
        if _status(url, "/readyz") == 200 and postmaster_restarted(data_dir, postmaster):
            recovered = time.monotonic() - killed
            break
        time.sleep(0.1)
    assert recovered is not None, f"/readyz not 200 within 10 s: {log_path.read_text()[-3000:]}"

    assert not process_alive(postmaster), "the dead server was not reaped"
    assert _graphql(url, STATEMENTS)["statements"]["totalCount"] == before
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok", "database": "running"}
    log = log_path.read_text()
    assert f"embedded PostgreSQL (pid {postmaster}) died" in log
    assert "embedded PostgreSQL restarted" in log


def postmaster_restarted(data_dir: Path, old: int) -> bool:
    state = json.loads((data_dir / "embedded-pg.json").read_text())
    return state.get("status") == "ready" and state.get("postmaster_pid") not in (None, old)


def test_a_stale_pid_file_does_not_stop_a_start(public_tmp: Path) -> None:
    """A killed server's postmaster.pid, naming a pid that now belongs to another process of
    the server's user and saying "ready" on the same port: the start neither refuses nor takes
    the stale "ready" for its own (the next connection would meet "starting up")."""
    pg = EmbeddedPostgres(public_tmp / "data", durable=False)
    pg.start()
    pid_file = pg.pgdata / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    pg.stop()

    user = server_user()
    squatter = subprocess.Popen(
        ["sleep", "60"], **({"user": user.uid, "group": user.gid} if not user.is_current else {})
    )
    try:
        pid_file.write_text("\n".join([str(squatter.pid), *lines[1:]]) + "\n")
        os.chown(pid_file, user.uid, user.gid)
        successor = EmbeddedPostgres(public_tmp / "data", durable=False)
        url = successor.start()
        try:
            assert successor.pid != squatter.pid
            ensure_database(url, "transcripts")  # connects at once: the server is really up
        finally:
            successor.stop()
        assert squatter.poll() is None, "the process the stale file named was touched"
    finally:
        squatter.kill()
        squatter.wait()


async def test_a_server_that_cannot_come_back_fails_liveness_then_recovers(
    public_tmp: Path,
) -> None:
    """Restarts that keep failing (here: its port taken meanwhile) turn the state to failed
    after fail_after seconds (/healthz then answers 503), while the supervisor keeps trying;
    once the port is free again it is running again, on the same port."""
    import asyncio
    import socket

    from service.supervisor import DatabaseSupervisor

    pg = EmbeddedPostgres(public_tmp / "data", durable=False)
    url = pg.start()
    supervisor = DatabaseSupervisor(pg, interval=0.1, backoff_max=0.5, fail_after=1.0)
    supervisor.start()
    blocker = socket.socket()
    try:
        assert supervisor.state == "running" and supervisor.alive
        first = pg.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        while process_alive(first):
            await asyncio.sleep(0.02)
        blocker.bind(("127.0.0.1", int(url.rsplit(":", 1)[1].split("/")[0])))
        deadline = time.monotonic() + 10
        while supervisor.state != "failed":
            assert time.monotonic() < deadline, supervisor.state
            await asyncio.sleep(0.05)
        assert not supervisor.alive
        assert "keeps failing" in (supervisor.reason or "")
        blocker.close()
        deadline = time.monotonic() + 15
        while supervisor.state != "running":
            assert time.monotonic() < deadline, supervisor.state
            await asyncio.sleep(0.05)
        assert supervisor.alive and supervisor.reason is None and pg.pid != first
        assert pg.url == url  # the same port: the pool's URL still leads there
        ensure_database(url, "transcripts")
    finally:
        blocker.close()
        await supervisor.stop()
        pg.stop()


async def test_a_backend_left_running_by_the_dead_server_is_stopped_before_the_restart(
    public_tmp: Path,
) -> None:
    """A backend busy with a long query does not notice its postmaster died; a new server on
    the same cluster beside it would be refused (or worse). It is given its grace, stopped,
    and the server restarted."""
    import asyncio

    import asyncpg

    from service.supervisor import DatabaseSupervisor

    pg = EmbeddedPostgres(public_tmp / "data", durable=False)
    url = pg.start()
    supervisor = DatabaseSupervisor(pg, interval=0.1)
    conn = await asyncpg.connect(url)
    busy = asyncio.create_task(conn.fetchval("SELECT count(*) FROM generate_series(1, 1e11)"))
    try:
        probe = await asyncpg.connect(url)
        backend = None
        for _ in range(100):  # until the query runs
            backend = await probe.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE state = 'active'"
                " AND query LIKE '%generate_series(1, 1e11)%' AND pid <> pg_backend_pid()"
            )
            if backend is not None:
                break
            await asyncio.sleep(0.05)
        await probe.close()
        assert backend is not None
        supervisor.start()
        first = pg.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not (supervisor.state == "running" and pg.pid != first):
            assert time.monotonic() < deadline, supervisor.state
            await asyncio.sleep(0.1)
        assert not process_alive(backend)
        ensure_database(url, "transcripts")
    finally:
        busy.cancel()
        with contextlib.suppress(BaseException):
            await busy
        await supervisor.stop()
        pg.stop()


def test_with_workers_the_parent_restarts_a_killed_database(public_tmp: Path) -> None:
    """`serve --workers 2`: the parent owns the embedded server and supervises it; the
    workers' pools reconnect to it on the same port."""
    env = _embedded_env(public_tmp)
    with ServeProcess(env, public_tmp / "serve.log", "--workers", "2") as serve:
        text = NATO_SEED.read_text(encoding="utf-8")
        stored = _graphql(serve.url, INGEST, {"input": {"text": text, "filename": NATO_SEED.name}})
        assert stored["ingestDocument"]["errors"] == []
        before = _graphql(serve.url, STATEMENTS)["statements"]["totalCount"]
        data_dir = public_tmp / "data"
        postmaster = json.loads((data_dir / "embedded-pg.json").read_text())["postmaster_pid"]
        os.kill(postmaster, signal.SIGKILL)
        killed = time.monotonic()
        while time.monotonic() - killed < 20:
            if postmaster_restarted(data_dir, postmaster) and all(
                _status(serve.url, "/readyz") == 200
                for _ in range(4)  # both workers, likely
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"not ready again within 20 s: {serve.log.read_text()[-3000:]}")
        assert not process_alive(postmaster), "the dead server was not reaped"
        for _ in range(4):  # requests land on either worker
            assert _graphql(serve.url, STATEMENTS)["statements"]["totalCount"] == before
        assert "embedded PostgreSQL restarted" in serve.log.read_text()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux /proc needed")
def test_the_parse_worker_dies_with_a_killed_server(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    """A posted page is parsed in a spawned worker; a server killed outright (OOM killer,
    SIGKILL) must not leave that worker waiting for pages for ever."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(DATABASE_URL=make_database(), LOAD_SAMPLE="0", ADMIN_TOKEN=TOKEN, LOG_LEVEL="INFO")
    with ServeProcess(env, public_tmp / "serve.log", "--no-migrate") as serve:
        assert serve.process is not None
        before = set(_children(serve.process.pid))
        text = NATO_SEED.read_text(encoding="utf-8")
        stored = _graphql(serve.url, INGEST, {"input": {"text": text, "filename": "x.txt"}})
        assert stored["ingestDocument"]["errors"] == []
        workers = set(_children(serve.process.pid)) - before
        assert workers  # the parse worker (and multiprocessing's resource tracker)
        serve.process.kill()
        serve.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(process_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if process_alive(w)]

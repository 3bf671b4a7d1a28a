"""A server under test as a child process: start, wait until it answers, sample memory, stop.

Memory is the resident set of the process and its descendants, read from /proc (Linux), so the
figure includes everything the server needs in memory, not what PostgreSQL uses.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    stack = [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except FileNotFoundError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
            except FileNotFoundError:
                continue
    return out


def tree_rss_kb(pid: int) -> int:
    """Current resident memory of the process and all its descendants, in KiB."""
    return sum(_status_kb(p, "VmRSS") for p in descendants(pid))


class MemorySampler:
    """Samples tree RSS every ``interval`` s in a thread; ``peak()`` since the last reset."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)

    def reset(self) -> None:
        self._peak = tree_rss_kb(self.pid)

    def peak(self) -> int:
        return max(self._peak, tree_rss_kb(self.pid))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class ServerProcess:
    """One server process in its own session (so stopping it stops its children too)."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        log_path: Path,
        ready: Callable[[], bool],
        cwd: Path | None = None,
    ) -> None:
        self.argv = argv
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ready = ready

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 180.0) -> float:
        """Seconds until the server answered; raises with the log's tail if it never did."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                break
            if self.ready():
                return time.monotonic() - started
            time.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"server {self.argv[:3]} did not become ready:\n{tail}")

    def vm_hwm_kb(self) -> int:
        """Peak resident memory of the main process over its lifetime (kernel's VmHWM)."""
        return _status_kb(self.pid, "VmHWM")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def http_ok(url: str, body: bytes | None = None) -> bool:
    """True when ``url`` answers 200 (GET, or POST of a JSON body)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


@contextlib.contextmanager
def sample_service(
    port: int, cwd: Path, prefix: str, **env: str
) -> Iterator[tuple[str, ServerProcess]]:
    """`python -m service serve` with the sample data, its embedded PostgreSQL in a scratch
    directory, on 127.0.0.1:``port``: (base URL, process), ready; stopped afterwards.
    ``env`` adds to the environment (ADMIN_TOKEN, LOG_LEVEL...)."""
    import sys
    import tempfile

    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        os.chmod(scratch, 0o755)  # the embedded server's own user must reach its directory
        server = ServerProcess(
            [sys.executable, "-m", "service", "serve"],
            {
                **os.environ,
                "PORT": str(port),
                "HOST": "127.0.0.1",
                "LOAD_SAMPLE": "1",
                "SERVICE_DATA_DIR": str(Path(scratch) / "data"),
                **env,
            },
            Path(scratch) / "serve.log",
            lambda: http_ok(url + "/readyz"),
            cwd=cwd,
        )
        try:
            server.wait_ready()
            yield url, server
        finally:
            server.stop()

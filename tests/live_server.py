"""A live server and its settings for tests: plain helpers, importable from any test module.

They live outside conftest.py because pytest imports every conftest.py under the one name
"conftest", so ``from conftest import ...`` in a test module finds whichever was loaded last.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import uvicorn

from service.config import Settings

ADMIN_TOKEN = "test-admin-token"
# The compiled read path's switches (Settings.graphql_*) come from the environment, so a whole
# run can turn one on (test_compiler_differential.py sets GRAPHQL_PATH_SHADOW=1 on import); a
# server's own overrides win.
PATH_SWITCHES = ("GRAPHQL_COMPILED", "GRAPHQL_PATH_FORCE", "GRAPHQL_PATH_SHADOW")


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving the real app in a background thread, on a free port."""

    def __init__(self, settings: Settings) -> None:
        from service.app import create_app

        self.settings = settings
        self.url = f"http://127.0.0.1:{settings.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=settings.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_settings(database_url: str, **overrides: Any) -> Settings:
    switches = Settings.from_env({k: os.environ[k] for k in PATH_SWITCHES if k in os.environ})
    values: dict[str, Any] = dict(
        database_url=database_url,
        port=free_port(),
        load_sample=False,
        admin_token=ADMIN_TOKEN,
        log_level="WARNING",
    )
    values.update(overrides)
    return dataclasses.replace(switches, **values)


REPO = Path(__file__).resolve().parents[1]


class ServeProcess:
    """`python -m service serve` as a real process on a free port, stderr kept in ``log``.

    ``env`` is the whole environment the process gets (callers decide what of theirs to pass);
    PORT is set here. Use as a context manager: entered, it is ready (/readyz 200) or the test
    fails with the log's tail; left, it is stopped with SIGTERM (killed if it hangs).
    """

    def __init__(self, env: dict[str, str], log: Path, *args: str, timeout: float = 90) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.timeout = timeout
        self._env = {**env, "PORT": str(self.port)}
        self._args = args
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServeProcess:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service", "serve", *self._args],
                cwd=REPO,
                env=self._env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def status(self, path: str) -> int | None:
        try:
            return httpx.get(f"{self.url}{path}", timeout=2).status_code
        except httpx.TransportError:
            return None

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.timeout
        while self.status("/readyz") != 200:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "serve did not get ready"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

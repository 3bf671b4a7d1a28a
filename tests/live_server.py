"""A live server and its settings for tests: plain helpers, importable from any test module.

They live outside conftest.py because pytest imports every conftest.py under the one name
"conftest", so ``from conftest import ...`` in a test module finds whichever was loaded last.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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

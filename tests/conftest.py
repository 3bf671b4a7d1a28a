"""Shared fixtures: a real PostgreSQL, a fresh database per run, a live HTTP server.

PostgreSQL is the embedded server (started in a temporary directory) unless TEST_DATABASE_URL
names an existing server; either way every test run gets its own freshly migrated database,
dropped at the end. The API is exercised over real HTTP against uvicorn on a free port.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import uvicorn
from data_paths import KREMLIN_SEED, NATO_SEED
from http_support import GraphQL, client, ingest

from service.config import Settings
from service.storage import migrate

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


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Admin URL of the PostgreSQL server the tests use (maintenance database)."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    from service.embedded_pg import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="transcripts-test-") as tmp:
        os.chmod(tmp, 0o755)  # under root the server runs as another user, who must reach it
        server = EmbeddedPostgres(Path(tmp) / "pg", durable=False)
        url = server.start()
        try:
            yield url
        finally:
            server.stop()


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A temporary directory the embedded server's unprivileged user can reach (tmp_path,
    under /tmp/pytest-of-root, cannot be traversed by that user)."""
    with tempfile.TemporaryDirectory(prefix="transcripts-test-") as tmp:
        os.chmod(tmp, 0o755)
        yield Path(tmp)


@pytest.fixture(scope="session")
def make_database(server_url: str) -> Iterator[Callable[[], str]]:
    """Factory: a new, empty, fully migrated database; all are dropped at the end of the run."""
    created: list[str] = []

    async def _admin(sql: str) -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def make() -> str:
        name = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _run_sync(_admin(f'CREATE DATABASE "{name}"'))
        created.append(name)
        url = with_database(server_url, name)
        migrate.upgrade(url)
        return url

    yield make
    for name in created:
        _run_sync(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _run_sync(coro: Awaitable[Any]) -> Any:
    """Run a coroutine from sync code, also when called while the session loop is running."""
    result: dict[str, Any] = {}

    def target() -> None:
        result["value"] = asyncio.run(coro)  # type: ignore[arg-type]

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result.get("value")


@pytest.fixture(scope="session")
def database_url(make_database: Callable[[], str]) -> str:
    return make_database()


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    yield pool
    await pool.close()


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


@pytest.fixture(scope="session")
def make_live_server(make_database: Callable[[], str]) -> Iterator[Callable[..., LiveServer]]:
    """Factory: a live server on its own fresh database (for tests that change data)."""
    servers: list[LiveServer] = []

    def make(database_url: str | None = None, **overrides: Any) -> LiveServer:
        server = LiveServer(test_settings(database_url or make_database(), **overrides))
        servers.append(server.__enter__())
        return server

    yield make
    for server in servers:
        server.__exit__()


@pytest.fixture(scope="session")
def live_server(database_url: str, make_live_server: Callable[..., LiveServer]) -> LiveServer:
    """The shared read-mostly server; its database holds the two seed documents."""
    return make_live_server(database_url)


@pytest.fixture(scope="session")
def graphql(live_server: LiveServer) -> GraphQL:
    """POST a query to the shared server; fails the test on GraphQL errors unless expected."""
    return client(live_server.url)


@pytest.fixture(scope="session")
async def seeded(graphql: GraphQL) -> dict[str, dict[str, Any]]:
    """Ingest the two seed documents through the public mutation, once per run."""
    results = {}
    for path in (NATO_SEED, KREMLIN_SEED):
        results[path.name] = await ingest(graphql, path, ADMIN_TOKEN)
    return results

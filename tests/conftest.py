"""Shared fixtures: a real PostgreSQL, a fresh database per run, a live HTTP server.

PostgreSQL is the embedded server (started in a temporary directory) unless TEST_DATABASE_URL
names an existing server; either way every test run gets its own freshly migrated database,
dropped at the end. The API is exercised over real HTTP against uvicorn on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from data_paths import KREMLIN_SEED, NATO_SEED
from http_support import GraphQL, client, ingest
from live_server import (
    ADMIN_TOKEN,
    LiveServer,
    test_settings,
    with_database,
)

from service.storage import migrate


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


@contextlib.contextmanager
def _live_servers(make_database: Callable[[], str]) -> Iterator[Callable[..., LiveServer]]:
    """A factory of live servers, each on its own fresh database unless given one; all are
    stopped (their pools closed) when the fixture using this ends."""
    servers: list[LiveServer] = []

    def make(database_url: str | None = None, **overrides: Any) -> LiveServer:
        server = LiveServer(test_settings(database_url or make_database(), **overrides))
        servers.append(server.__enter__())
        return server

    yield make
    for server in servers:
        server.__exit__()


@pytest.fixture
def make_live_server(make_database: Callable[[], str]) -> Iterator[Callable[..., LiveServer]]:
    """Factory: live servers for one test (for tests that change data or settings), stopped
    after it. Servers kept for the whole run used up PostgreSQL's connection slots."""
    with _live_servers(make_database) as make:
        yield make


@pytest.fixture(scope="module")
def make_module_live_server(
    make_database: Callable[[], str],
) -> Iterator[Callable[..., LiveServer]]:
    """Factory: live servers shared by one module's tests, stopped after the module."""
    with _live_servers(make_database) as make:
        yield make


@pytest.fixture(scope="session")
def live_server(database_url: str, make_database: Callable[[], str]) -> Iterator[LiveServer]:
    """The shared read-mostly server; its database holds the two seed documents."""
    with _live_servers(make_database) as make:
        yield make(database_url)


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

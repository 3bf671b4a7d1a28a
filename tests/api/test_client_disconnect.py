"""A client that leaves takes its query with it: the statement is cancelled in PostgreSQL.

Before, an abandoned request's query ran on until the statement timeout, holding a pooled
connection and the server's CPU; a dozen of them made cheap queries wait for a minute.

The query is made slow deterministically: the test holds an exclusive lock on the statement
table, so the service's query waits in PostgreSQL (wait_event_type 'Lock') until its client
hangs up. The statement timeout is a minute, far beyond how long the test polls, so the
backend can only stop waiting because the service cancelled it.
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import orjson

QUERY = "{ statements(first: 3) { totalCount nodes { text } } }"
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
)


async def _poll(conn: asyncpg.Connection, want: int, seconds: float) -> int:
    """The number of service backends waiting on the lock, once it is ``want`` or time is up."""
    deadline = time.monotonic() + seconds
    while True:
        found = await conn.fetchval(WAITING)
        if found == want or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.1)


async def _lock_statements(conn: asyncpg.Connection) -> Any:
    """An open transaction holding the statement table exclusively: every read of it waits."""
    lock = conn.transaction()
    await lock.start()
    await conn.execute("LOCK TABLE statement IN ACCESS EXCLUSIVE MODE")
    return lock


def _raw_post(url: str, query: str) -> socket.socket:
    """Sends a complete POST /graphql and returns the open socket, unread."""
    parts = urlsplit(url)
    body = orjson.dumps({"query": query})
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    return sock


async def test_a_query_is_cancelled_in_postgresql_when_its_client_disconnects(
    make_live_server: Any,
) -> None:
    server = make_live_server(statement_timeout_ms=60_000)
    conn = await asyncpg.connect(server.settings.database_url)
    try:
        lock = await _lock_statements(conn)
        sock = _raw_post(server.url, QUERY)
        try:
            assert await _poll(conn, want=1, seconds=20) == 1, "the query never reached the lock"
        finally:
            sock.close()  # the client gives up
        assert await _poll(conn, want=0, seconds=20) == 0, "the query still waits in PostgreSQL"
        await lock.rollback()
    finally:
        await conn.close()
    # the cancelled query's connection went back to the pool in a usable state
    for _ in range(3):
        response = httpx.post(f"{server.url}/graphql", json={"query": QUERY}, timeout=30)
        assert response.status_code == 200
        assert "errors" not in response.json(), response.json()


async def test_a_client_that_stays_gets_its_answer_after_the_wait(make_live_server: Any) -> None:
    """The watcher does not cancel work whose client is still there."""
    server = make_live_server(statement_timeout_ms=60_000)
    conn = await asyncpg.connect(server.settings.database_url)
    try:
        lock = await _lock_statements(conn)
        async with httpx.AsyncClient(timeout=60) as client:
            pending = asyncio.ensure_future(
                client.post(f"{server.url}/graphql", json={"query": QUERY})
            )
            assert await _poll(conn, want=1, seconds=20) == 1
            await lock.rollback()
            response = await pending
    finally:
        await conn.close()
    assert response.status_code == 200
    assert response.json()["data"]["statements"]["totalCount"] >= 0

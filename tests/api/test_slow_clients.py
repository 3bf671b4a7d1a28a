"""A client that declares a body and stops sending is dropped within REQUEST_READ_TIMEOUT.

It used to hold its connection (and a worker's attention) for 13 minutes and block shutdown.
"""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx


def test_a_stalled_body_is_answered_408_and_the_connection_closed(
    make_live_server: Any, database_url: str
) -> None:
    server = make_live_server(database_url, request_read_timeout=1)
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"query": '
        )
        started = time.monotonic()
        received = b""
        while chunk := sock.recv(65536):  # returns b"" once the server closes
            received += chunk
        elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    assert received.startswith(b"HTTP/1.1 408"), received[:200]
    assert b"REQUEST_TIMEOUT" in received
    # the server still answers others
    assert httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"}).status_code == 200


def test_a_slow_but_steady_body_is_read(make_live_server: Any, database_url: str) -> None:
    server = make_live_server(database_url, request_read_timeout=2)

    def chunks() -> Any:
        for part in (b'{"query": ', b'"{ __typename }"', b"}"):
            time.sleep(0.5)
            yield part

    response = httpx.post(
        f"{server.url}/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.json() == {"data": {"__typename": "Query"}}

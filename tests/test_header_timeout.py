"""A client that opens a connection and dribbles its headers is dropped after
REQUEST_READ_TIMEOUT (408), by `serve` with one process and with workers.

uvicorn itself waits for headers for ever: such clients (slowloris) used to hold connections
and block a graceful shutdown without any of the app running.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import httpx
import pytest
from live_server import ServeProcess


def _dribble_until_closed(port: int, seconds: float) -> bytes:
    """Sends a header line every 0.3 s (each well within any idle timeout) until the server
    closes the connection or ``seconds`` pass; returns what the server sent."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        deadline = time.monotonic() + seconds
        sock.settimeout(0.3)
        n = 0
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                n += 1
                try:
                    sock.sendall(f"X-Slow-{n}: 1\r\n".encode())
                except OSError:
                    break
                continue
            if not chunk:
                break
            received += chunk
    return received


@pytest.mark.parametrize("workers", ["1", "2"])
def test_slow_headers_are_answered_408_and_the_connection_closed(
    database_url: str, tmp_path: Path, workers: str
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOAD_SAMPLE": "0",
        "REQUEST_READ_TIMEOUT": "1",
    }
    with ServeProcess(env, tmp_path / "serve.log", "--no-migrate", "--workers", workers) as serve:
        received = _dribble_until_closed(serve.port, seconds=30)
        assert received.startswith(b"HTTP/1.1 408"), received[:200]
        # an ordinary client is served as before, also on a kept-alive connection
        with httpx.Client(base_url=serve.url, timeout=10) as client:
            for _ in range(2):
                assert client.get("/healthz").status_code == 200

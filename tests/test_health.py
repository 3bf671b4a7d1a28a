"""/healthz and /readyz over real HTTP, including losing and regaining the database."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from service import database
from service.embedded_pg import EmbeddedPostgres, ensure_database
from service.storage import migrate


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.get(url)


async def _wait_for_status(url: str, status: int, timeout: float) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = await _get(url)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


async def test_healthz_and_readyz(live_server: Any) -> None:
    health = await _get(f"{live_server.url}/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = await _get(f"{live_server.url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "revision": migrate.head_revision()}


async def test_readyz_follows_the_database_down_and_back_up(
    public_tmp: Path, make_live_server: Callable[..., Any]
) -> None:
    pg = EmbeddedPostgres(public_tmp / "data", durable=False)
    url = ensure_database(pg.start(), "transcripts")
    server = make_live_server(url)
    try:
        ready = f"{server.url}/readyz"
        assert (await _get(ready)).status_code == 200

        pg.stop()
        down = await _get(ready)
        assert down.status_code == 503
        body = down.json()
        assert body["status"] == "unavailable"
        assert "database unreachable" in body["reason"]
        assert (await _get(f"{server.url}/healthz")).status_code == 200

        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
        if response.status_code != 404:  # GraphQL mounted: a clear GraphQL error, not a crash
            assert response.status_code != 500
            assert "Traceback" not in response.text
            assert response.json().get("errors") or response.json().get("data")

        pg.start()  # same data directory, same port: the pool must find it by itself
        up = await _wait_for_status(ready, 200, timeout=20)
        assert up.status_code == 200, up.text
    finally:
        server.__exit__()
        pg.stop()


async def test_readiness_reasons_for_migrations(server_url: str) -> None:
    name = f"r_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    head = migrate.head_revision()
    try:
        reason = await database.readiness(pool, head)
        assert reason is not None and "migrations not applied" in reason

        await asyncio.to_thread(migrate.upgrade, url, "0001")
        if head != "0001":
            reason = await database.readiness(pool, head)
            assert reason is not None and "not at head" in reason

        await asyncio.to_thread(migrate.upgrade, url)
        assert await database.readiness(pool, head) is None
    finally:
        await pool.close()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_request_body_limit_and_cors(make_live_server: Callable[..., Any]) -> None:
    server = make_live_server(max_body_bytes=1024, cors_origins=("https://ui.example",))
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        big = await client.post("/graphql", content=b"x" * 5000)
        assert big.status_code == 413
        assert big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        async def chunks() -> Any:  # no Content-Length: counted while reading
            for _ in range(10):
                yield b"y" * 500

        streamed = await client.post(
            "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413

        preflight = await client.options(
            "/graphql",
            headers={
                "Origin": "https://ui.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://ui.example"


async def test_create_pool_gives_up_with_one_clear_line() -> None:
    from service.config import Settings

    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_connect_timeout=1)
    started = time.monotonic()
    try:
        await database.create_pool(settings.database_url or "", settings)
    except database.DatabaseConnectError as exc:
        message = str(exc)
    else:
        raise AssertionError("connected to a closed port")
    assert time.monotonic() - started < 5
    assert "unreachable after 1 s" in message and "\n" not in message
    assert "127.0.0.1:1" in message

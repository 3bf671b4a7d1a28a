"""Connection roles against real servers: a primary and its hot standby (tests/pg_harness.py),
and a database switched to default_transaction_read_only.

- DATABASE_READ_URL: queries read the standby, mutations and the reads after them in the same
  request the primary; /readyz turns unavailable while the standby replays too far behind.
- A read-only server as DATABASE_URL: a mutation is READ_ONLY (nothing stored, nothing lost:
  the same page is then stored whole on a writable primary), and /readyz says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from data_paths import NATO_SEED
from http_support import INGEST
from live_server import ADMIN_TOKEN, LiveServer
from live_server import test_settings as settings_for
from pg_harness import PrimaryAndStandby, read_only_live_server

DEADLINE = 10.0
MAX_LAG = 1  # REPLICA_MAX_LAG_SECONDS of the replicated server
DOCUMENTS = "{ documents { totalCount } }"
# Rows one stored page writes, by table: what a refused write must leave as it was.
TABLES = ("source_document", "event", "person", "statement")


@pytest.fixture(scope="module")
def replication() -> Iterator[PrimaryAndStandby]:
    servers = PrimaryAndStandby().start()
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def servers(
    replication: PrimaryAndStandby, make_module_live_server: Callable[..., LiveServer]
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """(replicated: primary with the standby as DATABASE_READ_URL, on_standby: the standby as
    DATABASE_URL); stopped after the module, before their servers are."""
    replicated = make_module_live_server(
        replication.primary_url,
        database_read_url=replication.standby_url,
        replica_max_lag_seconds=MAX_LAG,
        # the shadow check (on when test_compiler_differential ran first) reads twice, a few
        # milliseconds apart: a standby still replaying the test's write may answer each
        # differently, which is replication lag, not a difference between the paths
        graphql_path_shadow=False,
    )
    on_standby = read_only_live_server(settings_for(replication.standby_url))
    yield replicated, on_standby
    replicated.__exit__()
    on_standby.__exit__()


async def graphql(server: LiveServer, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    assert response.status_code == 200, response.text
    return response.json()


async def readyz(server: LiveServer) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        return await http.get("/readyz")


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not await check():
        assert time.monotonic() < deadline, f"not within {DEADLINE} s: {what}"
        await asyncio.sleep(0.1)


async def documents(server: LiveServer) -> int:
    body = await graphql(server, DOCUMENTS)
    assert "errors" not in body, body
    return int(body["data"]["documents"]["totalCount"])


async def row_counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
    finally:
        await conn.close()


def seed_page() -> dict[str, Any]:
    return {"input": {"text": NATO_SEED.read_text(encoding="utf-8"), "filename": NATO_SEED.name}}


async def test_reads_go_to_the_standby_and_writes_to_the_primary(
    servers: tuple[LiveServer, LiveServer], replication: PrimaryAndStandby
) -> None:
    replicated, _ = servers
    assert (await readyz(replicated)).status_code == 200
    standby = await asyncpg.connect(replication.standby_url)
    try:
        # Replay paused: the standby keeps what it has; only a read there misses new writes.
        await standby.execute("SELECT pg_wal_replay_pause()")
        before = await documents(replicated)
        body = await graphql(replicated, INGEST, **seed_page())
        stored = body["data"]["ingestDocument"]
        assert stored["errors"] == [] and stored["created"] is True
        assert stored["document"]["id"]  # read back in the same request: from the primary
        assert (await row_counts(replication.primary_url))["source_document"] == before + 1
        assert await documents(replicated) == before  # a new request reads the standby

        async def lagging() -> bool:
            return (await readyz(replicated)).status_code == 503

        await eventually(lagging, "/readyz unavailable while the standby lags")
        answer = (await readyz(replicated)).json()
        assert answer["status"] == "unavailable"
        assert "lags" in answer["reason"] and "REPLICA_MAX_LAG_SECONDS" in answer["reason"]
        assert answer["replicaLagSeconds"] > MAX_LAG
    finally:
        await standby.execute("SELECT pg_wal_replay_resume()")
        await standby.close()

    async def caught_up() -> bool:
        return await documents(replicated) == before + 1

    await eventually(caught_up, "the standby serving the new document once replay resumes")

    async def ready() -> bool:
        return (await readyz(replicated)).status_code == 200

    await eventually(ready, "/readyz ready again once the standby caught up")


async def test_a_mutation_on_a_hot_standby_is_read_only_and_loses_nothing(
    servers: tuple[LiveServer, LiveServer], replication: PrimaryAndStandby
) -> None:
    replicated, on_standby = servers
    answer = (await readyz(on_standby)).json()
    assert answer["status"] == "ready"  # reads still work there
    assert "hot standby" in answer["readOnly"]
    before = await row_counts(replication.primary_url)
    text = "Press conference, 2 May 2024\n\nMARGOT VELLACOURT: We agreed on the budget today.\n"
    page = {"input": {"text": text, "filename": "vellacourt.txt"}}

    body = await graphql(on_standby, INGEST, **page)
    assert (body["data"] or {}).get("ingestDocument") is None  # nothing stored
    assert [e["extensions"]["code"] for e in body["errors"]] == ["READ_ONLY"]
    assert "read-only" in body["errors"][0]["message"]
    assert await row_counts(replication.primary_url) == before

    body = await graphql(replicated, INGEST, **page)  # the same page, on the primary
    assert body["data"]["ingestDocument"]["created"] is True
    after = await row_counts(replication.primary_url)
    assert after["source_document"] == before["source_document"] + 1
    assert after["statement"] > before["statement"]


async def test_default_transaction_read_only_gives_read_only(
    make_database: Callable[[], str], make_live_server: Callable[..., LiveServer]
) -> None:
    url = make_database()
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(
            f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" SET default_transaction_read_only = on'
        )
    finally:
        await admin.close()
    server = read_only_live_server(settings_for(url))
    try:
        answer = (await readyz(server)).json()
        assert answer["status"] == "ready"
        assert "default_transaction_read_only" in answer["readOnly"]
        body = await graphql(server, INGEST, **seed_page())
        assert [e["extensions"]["code"] for e in body["errors"]] == ["READ_ONLY"]
        assert (await row_counts(url))["source_document"] == 0
    finally:
        server.__exit__()

"""The live service behind Debian's PgBouncer in transaction mode (tests/pg_harness.py).

DATABASE_URL goes through PgBouncer (DATABASE_POOLER=pgbouncer), DATABASE_DIRECT_URL to the
server itself (migrations, the name cache's LISTEN). PgBouncer keeps four server connections,
so every request's transactions share them, and the tests can hold all four at once to see
what was left on them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from data_paths import KREMLIN_SEED, NATO_SEED
from http_support import client, ingest
from live_server import ADMIN_TOKEN, LiveServer
from pg_harness import PGBOUNCER_MISSING, PgBouncer, pgbouncer_binary

from service.api.context import SQL_COUNT_HEADER
from service.ingestion.pipeline import parse_document
from service.storage.documents import store_document

POOL_SIZE = 4
DEADLINE = 10.0
SESSION_SETTINGS = ("plan_cache_mode", "statement_timeout", "jit", "jit_above_cost")
# A mix of the API's reads: compiled and generic-plan ones, name look-ups, search, counts.
QUERIES = [
    "{ documents(first: 5) { totalCount nodes { id } } }",
    "{ statements(first: 3) { totalCount nodes { text speaker { name } } } }",
    '{ statements(filter: {speaker: "Nazarbayev"}, first: 2) { totalCount } }',
    '{ search(query: "security", first: 3) { edges { node { statement { id } } } } }',
    "{ persons(first: 10) { nodes { name } } }",
    "{ statementCounts(groupBy: SPEAKER) { key count } }",
    '{ person(name: "Putin") { name } }',
]
BY_SPEAKER = "query($n: String!) { statements(filter: {speaker: $n}) { totalCount } }"

pytestmark = pytest.mark.skipif(pgbouncer_binary() is None, reason=PGBOUNCER_MISSING)


@pytest.fixture(scope="module")
def bouncer(server_url: str) -> Iterator[PgBouncer]:
    server = PgBouncer(server_url, pool_size=POOL_SIZE).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def direct_url(make_database: Callable[[], str]) -> str:
    return make_database()


@pytest.fixture(scope="module")
def pooled(
    bouncer: PgBouncer, direct_url: str, make_module_live_server: Callable[..., LiveServer]
) -> Iterator[Callable[..., LiveServer]]:
    """Factory: a live server on the module's database through PgBouncer; stopped after the
    module, before PgBouncer is."""
    started: list[LiveServer] = []

    def make(**overrides: Any) -> LiveServer:
        server = make_module_live_server(
            bouncer.url(direct_url),
            database_direct_url=direct_url,
            database_pooler="pgbouncer",
            **overrides,
        )
        started.append(server)
        return server

    yield make
    for server in started:
        server.__exit__()


@pytest.fixture(scope="module")
async def service(pooled: Callable[..., LiveServer]) -> LiveServer:
    """The service behind PgBouncer, holding the two seed documents (ingested through it)."""
    server = pooled()
    call = client(server.url)
    for path in (NATO_SEED, KREMLIN_SEED):
        await ingest(call, path, ADMIN_TOKEN)
    return server


async def post(http: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers={SQL_COUNT_HEADER: "1"}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_300_concurrent_requests_without_errors(service: LiveServer) -> None:
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with httpx.AsyncClient(base_url=service.url, timeout=60, limits=limits) as http:
        bodies = await asyncio.gather(*(post(http, QUERIES[i % len(QUERIES)]) for i in range(300)))
    failed = [body["errors"] for body in bodies if "errors" in body]
    assert failed == []
    documents = [body["data"]["documents"] for body in bodies if "documents" in body["data"]]
    totals = {found["totalCount"] for found in documents}
    assert totals == {2}


async def test_no_session_state_is_left_on_the_server_connections(
    service: LiveServer, bouncer: PgBouncer, direct_url: str
) -> None:
    """Another client of the pooler finds every server connection as the server sets it up:
    no plan_cache_mode, statement_timeout or jit of ours, and no prepared statement."""
    async with httpx.AsyncClient(base_url=service.url, timeout=60) as http:
        await asyncio.gather(*(post(http, q) for q in QUERIES * 6))
        export = await http.get("/export/statements.csv")  # a cursor: a named statement
        assert export.status_code == 200 and export.text.count("\n") > 10
    fresh = await asyncpg.connect(direct_url)
    try:
        expected = {name: await fresh.fetchval(f"SHOW {name}") for name in SESSION_SETTINGS}
    finally:
        await fresh.close()
    others = [
        await asyncpg.connect(bouncer.url(direct_url), statement_cache_size=0)
        for _ in range(POOL_SIZE)
    ]
    try:
        for other in others:  # each holds a transaction: together, every server connection
            await other.execute("BEGIN")
        for other in others:
            shown = {name: await other.fetchval(f"SHOW {name}") for name in SESSION_SETTINGS}
            assert shown == expected
            assert await other.fetchval("SELECT count(*) FROM pg_prepared_statements") == 0
        backends = {await other.fetchval("SELECT pg_backend_pid()") for other in others}
        assert len(backends) == POOL_SIZE
    finally:
        for other in others:
            await other.close()


async def test_statement_timeout_is_enforced(
    pooled: Callable[..., LiveServer], service: LiveServer, direct_url: str
) -> None:
    """A read stuck behind a lock is cancelled by the server at STATEMENT_TIMEOUT_MS (set per
    transaction), well before the client-side backstop a second later."""
    quick = pooled(statement_timeout_ms=300)
    blocker = await asyncpg.connect(direct_url)
    try:
        await blocker.execute("BEGIN; LOCK TABLE statement IN ACCESS EXCLUSIVE MODE")
        async with httpx.AsyncClient(base_url=quick.url, timeout=60) as http:
            started = time.monotonic()
            body = await post(http, "{ statements(first: 1) { totalCount } }")
            elapsed = time.monotonic() - started
    finally:
        await blocker.close()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["TIMEOUT"]
    # The client-side backstop fires 1 s after STATEMENT_TIMEOUT_MS: sooner is the server's.
    assert 0.3 <= elapsed < 1.3, elapsed


def transcript(speaker: str) -> str:
    """A small generic-layout page in which ``speaker`` (a new person) speaks twice."""
    return (
        "Press conference on trade, 1 March 2024\n\n"
        f"{speaker}: Good morning. We discussed Afghanistan and trade with our partners.\n\n"
        "Q: What about NATO?\n\n"
        f"{speaker}: NATO remains important to us, and to Afghanistan.\n"
    )


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not await check():
        assert time.monotonic() < deadline, f"not within {DEADLINE} s: {what}"
        await asyncio.sleep(0.05)


@pytest.fixture
async def other_process(direct_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(direct_url)
    yield conn
    await conn.close()


async def test_name_cache_is_invalidated_by_another_process(
    service: LiveServer, other_process: asyncpg.Connection
) -> None:
    """The cache serves repeated names (its LISTEN is in place, on DATABASE_DIRECT_URL), and a
    name stored by another process is seen: the NOTIFY reached it through no pooler."""
    async with httpx.AsyncClient(base_url=service.url, timeout=60) as http:
        first = await post(http, BY_SPEAKER, n="Wolverbrook")
        assert first["data"]["statements"]["totalCount"] == 0

        async def cached() -> bool:
            body = await post(http, BY_SPEAKER, n="Wolverbrook")
            return body["extensions"]["sqlStatements"] < first["extensions"]["sqlStatements"]

        await eventually(cached, "the name answered from the cache")
        await store_document(other_process, parse_document(transcript("Ottilie Wolverbrook")))

        async def found() -> bool:
            body = await post(http, BY_SPEAKER, n="Wolverbrook")
            return body["data"]["statements"]["totalCount"] == 2

        await eventually(found, "the new speaker found after the NOTIFY")

"""The per-process name cache (service/api/name_cache.py): fewer SQL statements for a repeated
name, and never a stale answer after a write, whoever made it.

Two servers share one fresh database: ``on`` with the cache, ``off`` with NAME_CACHE_SIZE=0 (the
statement count without a cache, and the setting's test). Writes by "another process" are
made on a separate asyncpg connection with the storage functions, as the CLI makes them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import asyncpg
import httpx
import pytest
from data_paths import NATO_SEED
from http_support import client, ingest

from service.api import ids
from service.api.context import SQL_COUNT_HEADER, new_context
from service.api.name_cache import MAX_CACHED_NAME, NameCache, NameListener
from service.api.names import Match
from service.config import Settings
from service.database import LISTENER_APPLICATION, listener_connection
from service.ingestion.pipeline import parse_document
from service.storage.documents import store_document
from service.storage.persons import add_aliases

ALIYEV = (
    "Press conference of the Presidents of Azerbaijan\n"
    "12 March 2003, Baku\n\n"
    "HEYDAR ALIYEV: Good afternoon. We discussed the pipeline and regional security.\n\n"
    "ILHAM ALIYEV: Thank you. The pipeline will be finished on time, I am sure of it.\n\n"
    "HEYDAR ALIYEV: That concludes our statements. Thank you all.\n"
)
MISSION = """
{ statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}) {
    totalCount nodes { text speaker { name } } } }
"""
BY_SPEAKER = "query($n: String!) { statements(filter: {speaker: $n}) { totalCount } }"
PERSON = "query($n: String!) { person(name: $n) { id name } }"
ADD_ALIAS = """
mutation($id: ID!, $alias: String!) {
  addPersonAlias(personId: $id, alias: $alias) { errors { code } } }
"""
MERGE = """
mutation($keep: ID!, $merge: ID!) {
  mergePersons(keepId: $keep, mergeId: $merge) { errors { code } } }
"""
DEADLINE = 10.0  # seconds to wait for something asynchronous (a notification, a reconnect)


def transcript(speaker: str) -> str:
    """A small generic-layout page in which ``speaker`` (a new person) speaks twice."""
    return (
        f"Press conference on trade, 1 March 2024\n\n"
        f"{speaker}: Good morning. We discussed Afghanistan and trade with our partners.\n\n"
        "Q: What about NATO?\n\n"
        f"{speaker}: NATO remains important to us, and to Afghanistan.\n"
    )


@pytest.fixture(scope="module")
async def servers(make_module_live_server: Callable[..., Any]) -> AsyncIterator[tuple[Any, Any]]:
    """(on, off) on one fresh database holding the NATO seed and two Aliyevs; stopped after
    the module, which frees their connections."""
    on = make_module_live_server()
    off = make_module_live_server(on.settings.database_url, name_cache_size=0)
    call = client(on.url)
    await ingest(call, NATO_SEED, on.settings.admin_token)
    body = await call(
        "mutation($i: IngestDocumentInput!) { ingestDocument(input: $i) { errors { code } } }",
        {"i": {"text": ALIYEV, "filename": "aliyev.txt"}},
        token=on.settings.admin_token,
    )
    assert body["data"]["ingestDocument"]["errors"] == []
    yield on, off
    on.__exit__()
    off.__exit__()


@pytest.fixture
async def other_process(servers: tuple[Any, Any]) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own, as another process (the CLI, another instance) has."""
    conn = await asyncpg.connect(servers[0].settings.database_url)
    yield conn
    await conn.close()


async def run(server: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    """(body, SQL statements the request cost)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={SQL_COUNT_HEADER: "1"},
        )
    body = response.json()
    return body, body.get("extensions", {}).get("sqlStatements")


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not await check():
        assert time.monotonic() < deadline, f"not within {DEADLINE} s: {what}"
        await asyncio.sleep(0.05)


async def cached(servers: tuple[Any, Any], query: str, variables: dict[str, Any]) -> Any:
    """Ask ``on`` until the answer comes from its cache (fewer statements than ``off`` needs,
    once its listener is connected); the answer must be ``off``'s. Returns the body."""
    on, off = servers
    expected, uncached = await run(off, query, variables)
    answer: dict[str, Any] = {}

    async def from_cache() -> bool:
        answer["body"], count = await run(on, query, variables)
        return count < uncached

    await eventually(from_cache, f"{query} {variables} answered from the cache")
    assert answer["body"].get("data") == expected.get("data")
    assert answer["body"].get("errors") == expected.get("errors")
    return answer["body"]


async def person_named(server: Any, name: str) -> dict[str, Any] | None:
    body, _ = await run(server, PERSON, {"n": name})
    assert "errors" not in body, body
    return body["data"]["person"]


async def listener_pids(database_url: str) -> list[int]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = $1",
            LISTENER_APPLICATION,
        )
    finally:
        await conn.close()
    return [row["pid"] for row in rows]


# ---------------------------------------------------------------- fewer statements


async def test_a_repeated_name_costs_no_look_up(servers: tuple[Any, Any]) -> None:
    on, off = servers
    _, uncached = await run(off, MISSION)
    body = await cached(servers, MISSION, {})
    assert body["data"]["statements"]["totalCount"] > 0
    _, again = await run(on, MISSION)
    assert again < uncached
    _, still = await run(off, MISSION)
    assert still == uncached  # NAME_CACHE_SIZE=0: no cache


async def test_an_ambiguous_name_is_reported_every_time(servers: tuple[Any, Any]) -> None:
    on, _ = servers
    body = await cached(servers, BY_SPEAKER, {"n": "Aliyev"})
    for _ in range(2):
        assert [e["extensions"]["code"] for e in body["errors"]] == ["AMBIGUOUS_NAME"]
        body, _ = await run(on, BY_SPEAKER, {"n": "Aliyev"})


# ---------------------------------------------------------------- invalidation


async def test_ingestion_by_another_process_is_seen(
    servers: tuple[Any, Any], other_process: asyncpg.Connection
) -> None:
    on, _ = servers
    body = await cached(servers, BY_SPEAKER, {"n": "Quarterfield"})
    assert body["data"]["statements"]["totalCount"] == 0
    await store_document(other_process, parse_document(transcript("Zebulon Quarterfield")))

    async def found() -> bool:
        body, _ = await run(on, BY_SPEAKER, {"n": "Quarterfield"})
        return body["data"]["statements"]["totalCount"] == 2

    await eventually(found, "the new speaker found after the NOTIFY")

    # A second Quarterfield makes the surname ambiguous, also when it was cached.
    await cached(servers, BY_SPEAKER, {"n": "Quarterfield"})
    await store_document(other_process, parse_document(transcript("Xavier Quarterfield")))

    async def ambiguous() -> bool:
        body, _ = await run(on, BY_SPEAKER, {"n": "Quarterfield"})
        return [e["extensions"]["code"] for e in body.get("errors", [])] == ["AMBIGUOUS_NAME"]

    await eventually(ambiguous, "the surname ambiguous after the NOTIFY")


async def test_curation_through_the_api_is_seen_by_the_next_query(
    servers: tuple[Any, Any],
) -> None:
    on, _ = servers
    call = client(on.url)
    token = on.settings.admin_token
    nazarbayev = await person_named(on, "Nazarbayev")
    assert nazarbayev is not None
    await cached(servers, PERSON, {"n": "The Steppe Eagle"})
    body = await call(ADD_ALIAS, {"id": nazarbayev["id"], "alias": "The Steppe Eagle"}, token=token)
    assert body["data"]["addPersonAlias"]["errors"] == []
    assert await person_named(on, "The Steppe Eagle") == nazarbayev  # no waiting

    await ingest_text(call, transcript("Ophelia Brightwater"), token)
    ophelia = await person_named(on, "Brightwater")
    assert ophelia is not None and ophelia["name"] == "Ophelia Brightwater"
    await cached(servers, PERSON, {"n": "Brightwater"})
    body = await call(MERGE, {"keep": nazarbayev["id"], "merge": ophelia["id"]}, token=token)
    assert body["data"]["mergePersons"]["errors"] == []
    assert await person_named(on, "Brightwater") == nazarbayev  # no waiting


async def ingest_text(call: Any, text: str, token: str) -> None:
    body = await call(
        "mutation($i: IngestDocumentInput!) { ingestDocument(input: $i) { errors { code } } }",
        {"i": {"text": text}},
        token=token,
    )
    assert body["data"]["ingestDocument"]["errors"] == []


async def test_without_its_listener_the_cache_is_bypassed(
    servers: tuple[Any, Any], other_process: asyncpg.Connection
) -> None:
    on, _ = servers
    url = on.settings.database_url
    nazarbayev = await person_named(on, "Nazarbayev")
    assert nazarbayev is not None
    person_pk = ids.decode_as(nazarbayev["id"], "Person", "id")
    await cached(servers, PERSON, {"n": "Quincy Marblethorpe"})
    # A write that notifies nobody (as one made while the listener is away): the cache cannot
    # know, and still answers from before it.
    await add_aliases(other_process, [(person_pk, "Quincy Marblethorpe", "curated")])
    assert await person_named(on, "Quincy Marblethorpe") is None

    [killed] = await listener_pids(url)
    await other_process.execute("SELECT pg_terminate_backend($1)", killed)

    async def found() -> bool:
        return await person_named(on, "Quincy Marblethorpe") == nazarbayev

    await eventually(found, "the cache cleared and bypassed once its listener was lost")

    async def reconnected() -> bool:
        pids = await listener_pids(url)
        return bool(pids) and killed not in pids

    await eventually(reconnected, "a new listener connection")
    await cached(servers, PERSON, {"n": "Rupert Pemberton-Vance"})  # caching again
    await store_document(other_process, parse_document(transcript("Rupert Pemberton-Vance")))

    async def notified() -> bool:
        return await person_named(on, "Rupert Pemberton-Vance") is not None

    await eventually(notified, "the new listener's NOTIFY clearing the cache")


# ---------------------------------------------------------------- the cache alone


def test_results_fetched_before_an_invalidation_are_not_kept() -> None:
    cache = NameCache(10)
    key = ("person", "Putin")
    cache.put(key, [Match(1, "Vladimir Putin")], cache.generation)
    assert cache.get(key) is None  # inactive: no listener, no caching
    cache.activate()
    started = cache.generation
    cache.invalidate()  # a NOTIFY while the look-up was under way
    cache.put(key, [Match(1, "Vladimir Putin")], started)
    assert cache.get(key) is None
    cache.put(key, [Match(1, "Vladimir Putin")], cache.generation)
    assert cache.get(key) == [Match(1, "Vladimir Putin")]
    cache.deactivate()  # the listener lost: nothing served, nothing kept
    assert cache.get(key) is None and len(cache) == 0


def test_the_cache_is_bounded() -> None:
    cache = NameCache(3)
    cache.activate()
    for i in range(5):
        cache.put(("topic", f"t{i}"), [], cache.generation)
    assert cache.get(("topic", "t0")) is None and cache.get(("topic", "t4")) == []
    assert len(cache) == 3
    cache.put(("topic", "x" * (MAX_CACHED_NAME + 1)), [], cache.generation)
    assert cache.get(("topic", "x" * (MAX_CACHED_NAME + 1))) is None


async def test_a_write_in_this_process_clears_the_cache_at_once(pool: asyncpg.Pool) -> None:
    """Mutations call Context.forget after their commit, before the NOTIFY comes back."""
    cache = NameCache(10)
    cache.activate()
    cache.put(("person", "Putin"), [Match(1, "Vladimir Putin")], cache.generation)
    context = new_context(pool, Settings(), name_cache=cache)
    assert context.names.shared is cache
    context.forget()
    assert cache.get(("person", "Putin")) is None and context.names.shared is cache


async def test_the_listener_caches_only_while_connected(database_url: str) -> None:
    unreachable = NameCache(10)
    nowhere = NameListener(
        unreachable, partial(listener_connection, "postgresql://u@127.0.0.1:1/x")
    )
    reachable = NameCache(10)
    listener = NameListener(reachable, partial(listener_connection, database_url))
    nowhere.start()
    listener.start()
    try:

        async def connected() -> bool:
            return reachable.active

        await eventually(connected, "the listener connected")
        assert not unreachable.active  # still retrying, in the background
    finally:
        await listener.stop()
        await nowhere.stop()
    assert not reachable.active and not unreachable.active

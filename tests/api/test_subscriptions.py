"""statementAdded over a real WebSocket (graphql-transport-ws): a subscriber receives exactly the
matching statements of documents ingested after it subscribed, also when another server on the
same database stored them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import websockets
from data_paths import KREMLIN_SEED, NATO_SEED
from http_support import GraphQL, client, ingest

SUBSCRIBE = """
subscription($filter: StatementFilter) {
  statementAdded(filter: $filter) { id speaker { name } event { title } text }
}
"""
MISSION = {"speaker": "Nazarbayev", "topic": "Afghanistan"}
WAIT = 20.0  # seconds: a loaded CI machine polls and ingests slowly


@pytest.fixture
def servers(
    make_live_server: Callable[..., Any], make_database: Callable[[], str]
) -> Iterator[Any]:
    """Two servers on one database: replicas behind a load balancer."""
    url = make_database()
    first, second = make_live_server(url), make_live_server(url)
    yield first, second
    first.__exit__()
    second.__exit__()


@asynccontextmanager
async def subscription(server: Any, variables: dict[str, Any]) -> AsyncIterator[Any]:
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": variables},
                }
            )
        )
        await asyncio.sleep(1.0)  # the subscription is registered before anything is ingested
        yield ws


async def received(ws: Any, count: int) -> list[dict[str, Any]]:
    """The next ``count`` statements; fails on an error message or when they do not come."""
    out = []
    while len(out) < count:
        message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        out.append(message["payload"]["data"]["statementAdded"])
    return out


async def nothing_more(ws: Any, seconds: float = 2.0) -> None:
    with pytest.raises(TimeoutError):
        message = await asyncio.wait_for(ws.recv(), seconds)
        pytest.fail(f"unexpected message: {message}")


async def mission_statements(call: GraphQL) -> list[dict[str, Any]]:
    body = await call(
        "query($f: StatementFilter) { statements(filter: $f, first: 100, orderBy: DATE_ASC)"
        " { nodes { id text } } }",
        {"f": MISSION},
    )
    return body["data"]["statements"]["nodes"]


async def test_a_subscriber_gets_the_matching_statements_of_new_documents(
    servers: tuple[Any, Any],
) -> None:
    first, second = servers
    call_second = client(second.url)
    # the speaker and topic must be known for the filter to be read: the first document
    await ingest(call_second, KREMLIN_SEED, second.settings.admin_token)
    before = {s["id"] for s in await mission_statements(call_second)}

    async with subscription(first, {"filter": MISSION}) as ws:
        # stored through the other server: the subscriber's server sees it all the same
        await ingest(call_second, NATO_SEED, second.settings.admin_token)
        expected = [s for s in await mission_statements(call_second) if s["id"] not in before]
        assert expected, "the NATO page has Nazarbayev on Afghanistan"
        got = await received(ws, len(expected))
        assert [s["id"] for s in got] == [s["id"] for s in expected]
        assert all(s["speaker"]["name"].endswith("Nazarbayev") for s in got)
        await nothing_more(ws)


async def test_documents_stored_before_subscribing_are_not_sent(
    servers: tuple[Any, Any],
) -> None:
    first, _ = servers
    await ingest(client(first.url), NATO_SEED, first.settings.admin_token)
    async with subscription(first, {"filter": None}) as ws:
        await nothing_more(ws)


async def test_a_bad_filter_is_an_error_message_not_a_dropped_socket(
    servers: tuple[Any, Any],
) -> None:
    first, _ = servers
    async with subscription(first, {"filter": {"eventId": "not-an-id"}}) as ws:
        message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        (error,) = message["payload"]["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", message
        assert "not-an-id" in error["message"]
        done = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        assert done == {"id": "1", "type": "complete"}
        # the connection stays usable: a good subscription on it still works
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "pong"


async def test_a_subscription_posted_over_http_is_a_clear_error(graphql: GraphQL) -> None:
    body = await graphql(SUBSCRIBE, {"filter": None}, expect_errors=True)
    assert body.get("data") is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "OPERATION_NOT_SUPPORTED", error
    assert "subscriptions" in error["message"]

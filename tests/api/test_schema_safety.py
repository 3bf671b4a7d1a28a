"""The schema's safety features: limits, introspection switch, masked errors, coded errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from api_support import GraphQL, client

from service.api.context import new_context
from service.api.errors import DatabaseUnavailable, QueryTimeout
from service.api.reader import Reader
from service.api.schema import build_schema
from service.config import Settings


def codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def nested_query(depth: int) -> str:
    """statements -> event -> statements -> event ... deep enough to pass ``depth`` levels."""
    inner = "nodes { id }"
    for _ in range(depth):
        inner = f"nodes {{ event {{ statements(first: 1) {{ {inner} }} }} }}"
    return f"{{ statements(first: 1) {{ {inner} }} }}"


async def test_depth_limit(graphql: GraphQL) -> None:
    body = await graphql(nested_query(6), expect_errors=True)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert "data" not in body or body["data"] is None
    ok = await graphql(nested_query(2))
    assert "errors" not in ok


async def test_alias_limit(graphql: GraphQL) -> None:
    many = " ".join(f"a{i}: __typename" for i in range(Settings().max_aliases + 1))
    body = await graphql(f"{{ {many} }}", expect_errors=True)
    assert "aliases" in body["errors"][0]["message"]


async def test_token_limit(graphql: GraphQL) -> None:
    many = " ".join("__typename" for _ in range(Settings().max_tokens + 1))
    body = await graphql(f"{{ {many} }}", expect_errors=True)
    assert "token" in body["errors"][0]["message"].lower()


async def test_introspection_can_be_switched_off(
    graphql: GraphQL, make_live_server: Callable[..., Any]
) -> None:
    query = "{ __schema { queryType { name } } }"
    assert (await graphql(query))["data"]["__schema"]["queryType"]["name"] == "Query"
    locked = client(make_live_server(introspection=False).url)
    body = await locked(query, expect_errors=True)
    assert "introspection" in body["errors"][0]["message"].lower()
    assert (await locked("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_unexpected_errors_are_masked_with_a_request_id(database_url: str) -> None:
    """A resolver failing on a bug (here: no context at all) shows no internals."""
    schema = build_schema(Settings())
    result = await schema.execute("{ statements { totalCount } }", context_value=None)
    assert result.errors
    error = result.errors[0].formatted
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"]
    assert "Traceback" not in str(error) and "AttributeError" not in str(error)


async def test_deliberate_errors_keep_their_message_and_code(database_url: str) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        settings = Settings()
        context = new_context(pool, settings, request_id="req-1")
        result = await build_schema(settings).execute(
            "{ statements(first: -5) { totalCount } }", context_value=context
        )
    finally:
        await pool.close()
    assert result.errors
    error = result.errors[0].formatted
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "negative" in error["message"]


async def test_statement_timeout_is_a_timeout_error(database_url: str) -> None:
    pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=1, server_settings={"statement_timeout": "50"}
    )
    try:
        with pytest.raises(QueryTimeout) as raised:
            await Reader(pool, 50).fetch("SELECT pg_sleep(2)")
        assert raised.value.extensions["code"] == "TIMEOUT"
        assert (await Reader(pool, 50).fetch("SELECT 1 AS one"))[0]["one"] == 1
    finally:
        await pool.close()


async def test_client_side_backstop_when_the_pool_sets_no_timeout(database_url: str) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        with pytest.raises(QueryTimeout):
            await Reader(pool, 100).fetch("SELECT pg_sleep(5)")
    finally:
        pool.terminate()


async def test_unreachable_database_is_database_unavailable(database_url: str) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    await pool.close()
    with pytest.raises(DatabaseUnavailable) as raised:
        await Reader(pool, 1000).fetch("SELECT 1")
    assert raised.value.extensions["code"] == "DATABASE_UNAVAILABLE"

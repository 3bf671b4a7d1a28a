"""Apollo's automatic persisted queries over real HTTP: the hash first, the text only when the
server asks for it, then the hash alone (also over GET) runs the stored text."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest


def persisted(query: str) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


@pytest.fixture
def query() -> str:
    """A query text no other test has sent (the store is per server process)."""
    return f"query Apq_{uuid.uuid4().hex} {{ documents {{ totalCount }} }}"


async def test_the_protocol_round_trip(live_server: Any, seeded: Any, query: str) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        unknown = await http.post("/graphql", json={"extensions": persisted(query)})
        assert unknown.status_code == 200
        (error,) = unknown.json()["errors"]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

        sent = await http.post("/graphql", json={"query": query, "extensions": persisted(query)})
        assert sent.status_code == 200
        expected = sent.json()["data"]
        assert expected["documents"]["totalCount"] >= 2

        again = await http.post("/graphql", json={"extensions": persisted(query)})
        assert again.json() == {"data": expected}
        by_get = await http.get(
            "/graphql",
            params={"extensions": json.dumps(persisted(query))},
            headers={"Accept": "application/json"},
        )
        assert by_get.status_code == 200 and by_get.json() == {"data": expected}


async def test_a_text_that_does_not_match_its_hash_is_refused(live_server: Any, query: str) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        other = persisted(query + " ")
        response = await http.post("/graphql", json={"query": query, "extensions": other})
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
        # and nothing was stored under that hash
        response = await http.post("/graphql", json={"extensions": other})
        assert response.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_another_protocol_version_is_refused(live_server: Any, query: str) -> None:
    extensions = persisted(query)
    extensions["persistedQuery"]["version"] = 2
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post("/graphql", json={"extensions": extensions})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_VERSION"


async def test_a_request_without_query_or_hash_is_still_a_plain_bad_request(
    live_server: Any,
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post("/graphql", json={"extensions": {"other": 1}})
    assert response.status_code == 400
    assert "No GraphQL query" in response.json()["errors"][0]["message"]

"""GraphQL-over-HTTP helpers shared by the root conftest and the API tests.

A plain module, not a conftest: which module the name "conftest" imports depends on collection
order (tests/storage has one too), so helpers live here and fixtures in conftest.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

GraphQL = Callable[..., Awaitable[dict[str, Any]]]

INGEST = """
mutation Ingest($input: IngestDocumentInput!) {
  ingestDocument(input: $input) { created document { id format } errors { code message field } }
}
"""


def client(base_url: str) -> GraphQL:
    """POST GraphQL to ``base_url``; fails on errors unless ``expect_errors``."""

    async def call(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        expect_errors: bool = False,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        body = response.json()
        if not expect_errors:
            assert "errors" not in body, body.get("errors")
        return body

    return call


async def ingest(call: GraphQL, path: Path, token: str) -> dict[str, Any]:
    """Ingest one file through the public mutation; fails the test if it is refused."""
    variables = {"input": {"text": path.read_text(encoding="utf-8"), "filename": path.name}}
    body = await call(INGEST, variables, token=token)
    payload = body["data"]["ingestDocument"]
    assert payload["errors"] == [], payload
    return payload

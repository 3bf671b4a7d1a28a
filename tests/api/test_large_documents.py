"""Large new documents are parsed and validated on the endpoint's validator thread, then run
from the caches it filled: the answers must be exactly those of the ordinary route.

(Whether this keeps other clients fast is a timing question: `python -m bench.validation`.)
"""

from __future__ import annotations

from typing import Any

import httpx

from service.api.endpoint import LARGE_DOCUMENT_CHARS

FIELDS = "text speaker { name } event { title }"


def _large(query_body: str) -> str:
    padding = " ".join([FIELDS] * 40)
    query = f"{{ statements(first: 2) {{ nodes {{ {padding} {query_body} }} }} }}"
    assert len(query) >= LARGE_DOCUMENT_CHARS
    return query


def _post(url: str, query: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql",
        json={"query": query},
        headers={"Accept": "application/graphql-response+json"},
        timeout=60,
    )


def test_a_large_valid_document_gets_the_same_answer_as_a_small_one(
    live_server: Any, seeded: Any
) -> None:
    small = _post(live_server.url, f"{{ statements(first: 2) {{ nodes {{ {FIELDS} }} }} }}")
    for copy in range(2):  # two texts, each new to every cache
        large = _post(live_server.url, _large(f"__typename\n# copy {copy}\n"))
        assert large.status_code == 200, large.text
        small_nodes = small.json()["data"]["statements"]["nodes"]
        large_nodes = large.json()["data"]["statements"]["nodes"]
        assert [n["text"] for n in large_nodes] == [n["text"] for n in small_nodes]
        assert large_nodes[0]["speaker"] == small_nodes[0]["speaker"]


def test_a_large_invalid_document_is_refused_with_the_validation_error(
    live_server: Any,
) -> None:
    response = _post(live_server.url, _large("noSuchField"))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "noSuchField" in errors[0]["message"]
    assert "data" not in response.json()


def test_a_large_mutation_is_validated_and_refused_without_a_token(live_server: Any) -> None:
    padding = " ".join(["errors { code message }"] * 60)
    query = f'mutation {{ ingestDocument(input: {{text: "x"}}) {{ {padding} }} }}'
    assert len(query) >= LARGE_DOCUMENT_CHARS
    response = _post(live_server.url, query)
    body = response.json()
    assert response.status_code == 200, body
    assert body["data"]["ingestDocument"]["errors"][0]["code"] in {"UNAUTHORIZED", "FORBIDDEN"}

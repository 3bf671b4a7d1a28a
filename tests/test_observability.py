"""Observability over real HTTP: /metrics after real requests (operations by name and execution
path, errors by code, the pool, ingestion), request ids in headers, METRICS off, METRICS_TOKEN.

Servers in one test process share prometheus_client's registry, so tests use operation names
of their own (a uuid) or compare a scrape before with one after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from live_server import ADMIN_TOKEN, LiveServer
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

INGEST = """
mutation Ingest($input: IngestDocumentInput!) {
  ingestDocument(input: $input) { created errors { code } }
}
"""


def _transcript(marker: str) -> str:
    """A small page in the "SPEAKER: text" shape, unique by ``marker``."""
    return (
        f"Press conference on trade, 3 December 2026 ({marker})\n\n"
        "MR JOHN SMITH: Good morning. I am glad we could meet today to talk about trade "
        "and the budget, and I will take your questions.\n\n"
        "QUESTION: What will you do about the budget this year?\n\n"
        "MR JOHN SMITH: We will keep it balanced, as we said we would, and we will "
        "explain every change to you.\n"
    )


async def _scrape(server: LiveServer, token: str | None = None) -> Samples:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{server.url}/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _post(
    server: LiveServer, query: str, *, headers: dict[str, str] | None = None, **body: Any
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=60) as http:
        return await http.post(
            f"{server.url}/graphql", json={"query": query, **body}, headers=headers or {}
        )


@pytest.fixture(scope="module")
def observed(make_module_live_server: Callable[..., LiveServer]) -> LiveServer:
    """A server on a fresh database of its own (ingestion here must not change the shared
    one), with path forcing so both execution paths can be asked for."""
    return make_module_live_server(graphql_path_force=True)


async def test_metrics_count_operations_by_name_and_execution_path(observed: LiveServer) -> None:
    name = f"Obs{uuid.uuid4().hex[:12]}"
    query = f"query {name} {{ statements(first: 1) {{ totalCount }} }}"
    before = await _scrape(observed)
    paths = []
    for force in (None, None, None, "strawberry", "strawberry"):
        headers = {"X-Execution-Path-Force": force} if force else {}
        response = await _post(observed, query, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json()
        paths.append(response.headers["x-execution-path"])
    assert paths == ["compiled"] * 3 + ["strawberry"] * 2  # the header says which path ran
    anonymous = await _post(observed, "{ statements(first: 1) { totalCount } }")
    anonymous_path = anonymous.headers["x-execution-path"]
    after = await _scrape(observed)

    count = "transcripts_graphql_request_duration_seconds_count"
    assert _value(after, count, operation=name, path="compiled") == 3
    assert _value(after, count, operation=name, path="strawberry") == 2
    assert _value(after, count, operation="anonymous", path=anonymous_path) == 1 + _value(
        before, count, operation="anonymous", path=anonymous_path
    )
    seconds = _value(after, "transcripts_graphql_request_duration_seconds_sum",
                     operation=name, path="compiled")  # fmt: skip
    assert 0 < seconds < 60
    http_count = "transcripts_http_requests_total"
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    assert _value(after, http_count, **labels) - _value(before, http_count, **labels) == 6


async def test_metrics_count_errors_by_code(observed: LiveServer) -> None:
    before = await _scrape(observed)
    negative = await _post(observed, "query NegativePage { statements(first: -1) { totalCount } }")
    assert negative.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    syntax = await _post(observed, "{ statements(first: ")  # a parse error has no code
    assert "errors" in syntax.json()
    missing = await _post(observed, "query A { __typename }", operationName="B")
    assert "errors" in missing.json()
    after = await _scrape(observed)

    errors = "transcripts_graphql_errors_total"
    for code in ("BAD_USER_INPUT", "UNCODED"):
        delta = _value(after, errors, code=code) - _value(before, errors, code=code)
        assert delta == (1 if code == "BAD_USER_INPUT" else 2), code
    count = "transcripts_graphql_request_duration_seconds_count"
    # no operation can be picked from a broken document or for a name it does not define
    unknown = [_value(s, count, operation="unknown", path="strawberry") for s in (before, after)]
    assert unknown[1] - unknown[0] == 2


async def test_metrics_show_the_database_pool(observed: LiveServer) -> None:
    await _post(observed, "{ statements(first: 1) { totalCount } }")
    samples = await _scrape(observed)
    size = _value(samples, "transcripts_db_pool_size")
    in_use = _value(samples, "transcripts_db_pool_in_use")
    assert _value(samples, "transcripts_db_pool_max") == observed.settings.db_pool_size
    assert 1 <= size <= observed.settings.db_pool_size
    assert 0 <= in_use <= size


async def test_metrics_count_ingestion(observed: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    text = _transcript(uuid.uuid4().hex)
    before = await _scrape(observed)
    outcomes = []
    for page in (text, text, "   "):
        response = await _post(observed, INGEST, headers=auth, variables={"input": {"text": page}})
        payload = response.json()["data"]["ingestDocument"]
        outcomes.append((payload["created"], [e["code"] for e in payload["errors"]]))
    assert outcomes == [(True, []), (False, []), (False, ["EMPTY_DOCUMENT"])]
    after = await _scrape(observed)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    documents = "transcripts_ingest_documents_total"
    assert delta(documents, outcome="created") == 1
    assert delta(documents, outcome="present") == 1
    assert delta(documents, outcome="refused") == 1
    assert delta("transcripts_ingest_refusals_total", code="EMPTY_DOCUMENT") == 1
    assert delta("transcripts_ingest_parse_seconds_count") == 3
    assert delta("transcripts_ingest_parse_seconds_sum") > 0


async def test_operation_names_beyond_the_limit_are_folded(
    database_url: str, make_live_server: Callable[..., LiveServer]
) -> None:
    server = make_live_server(database_url, metrics_max_operations=2)
    names = [f"Fold{uuid.uuid4().hex[:10]}" for _ in range(4)]
    before = await _scrape(server)
    for name in names:
        assert (await _post(server, f"query {name} {{ __typename }}")).status_code == 200
    after = await _scrape(server)
    count = "transcripts_graphql_request_duration_seconds_count"
    labels = {labels for (metric, labels) in after if metric == count}
    seen = {dict(pairs)["operation"] for pairs in labels}
    assert names[0] in seen and names[1] in seen  # the first two have series of their own
    assert not {names[2], names[3]} & seen  # later ones share "other"
    other = sum(v for (m, ls), v in after.items() if m == count and ("operation", "other") in ls)
    other_before = sum(
        v for (m, ls), v in before.items() if m == count and ("operation", "other") in ls
    )
    assert other - other_before == 2


async def test_client_chosen_methods_and_paths_are_folded(observed: LiveServer) -> None:
    """Methods and paths come from the client: unknown ones share "other" label values."""
    async with httpx.AsyncClient(base_url=observed.url, timeout=30) as http:
        before = await _scrape(observed)
        brew = await http.request("PROPFIND", "/healthz")  # WebDAV: not ours
        lost = await http.get(f"/no-such-page-{uuid.uuid4().hex}")
        after = await _scrape(observed)
    assert (brew.status_code, lost.status_code) == (405, 404)
    name = "transcripts_http_requests_total"
    for labels in (
        {"method": "other", "route": "/healthz", "status": "405"},
        {"method": "GET", "route": "other", "status": "404"},
    ):
        assert _value(after, name, **labels) - _value(before, name, **labels) == 1, labels
    assert not any("no-such-page" in str(labels) for _, labels in after)


async def test_every_response_carries_a_request_id(
    database_url: str, make_live_server: Callable[..., LiveServer]
) -> None:
    server = make_live_server(database_url, cors_origins=("https://ui.example",))
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        health = await http.get("/healthz", headers={"Origin": "https://ui.example"})
        given = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-Id": "trace-42"}
        )
        insane = await http.get("/healthz", headers={"X-Request-Id": "a b\tc"})
        missing = await http.get("/no-such-page")
    generated = health.headers["x-request-id"]
    assert len(generated) == 32 and int(generated, 16) >= 0  # a new uuid4 hex
    # a browser's script may read it (CORS exposes it)
    exposed = health.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed
    assert given.headers.get_list("x-request-id") == ["trace-42"]  # the client's, once
    assert insane.headers["x-request-id"] != "a b\tc"  # not a sane id: replaced
    assert missing.status_code == 404 and missing.headers["x-request-id"]


async def test_metrics_off_is_404_and_a_token_protects_them(
    database_url: str, make_live_server: Callable[..., LiveServer]
) -> None:
    off = make_live_server(database_url, metrics=False)
    protected = make_live_server(database_url, metrics_token="scrape-secret")
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(f"{off.url}/metrics")).status_code == 404
        assert (await http.get(f"{off.url}/healthz")).status_code == 200
        anonymous = await http.get(f"{protected.url}/metrics")
        wrong = await http.get(f"{protected.url}/metrics", headers={"Authorization": "Bearer nope"})
    assert anonymous.status_code == 401 and wrong.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    samples = await _scrape(protected, token="scrape-secret")
    assert any(name == "transcripts_http_requests_total" for name, _ in samples)


def test_tracing_off_imports_no_opentelemetry() -> None:
    """Without OTEL_EXPORTER_OTLP_ENDPOINT the app's middleware and logging are set up without
    importing the tracing packages (a fresh interpreter: this one has them loaded)."""
    code = (
        "import sys\n"
        "from service.config import Settings\n"
        "from service.observability import http, logs\n"
        "settings = Settings.from_env()\n"
        "assert len(http.middleware(settings)) == 1 and http.routes(settings)\n"
        "logs.logging_config('INFO', 'json')\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

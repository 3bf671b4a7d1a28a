"""`python -m service serve` as an operator runs it: LOG_FORMAT=json lines carrying the request
id the response header carries, traces exported over OTLP/HTTP to a collector this test runs (a
real HTTP server decoding the OpenTelemetry protobuf), and metrics in prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR), summed over processes."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import ServeProcess

REPO = Path(__file__).resolve().parents[1]
trace_service = pytest.importorskip(
    "opentelemetry.proto.collector.trace.v1.trace_service_pb2",
    reason="the [tracing] extra (in [dev]) is not installed",
)


class Collector(http.server.ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver: keeps every span posted to /v1/traces."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CollectorHandler)
        self.spans: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _CollectorHandler(http.server.BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/traces":
            request = trace_service.ExportTraceServiceRequest()
            request.ParseFromString(body)
            with self.server.lock:
                self.server.spans.extend(_spans(request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _spans(request: Any) -> Iterator[dict[str, Any]]:
    for resource_spans in request.resource_spans:
        service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attributes = {a.key: a.value.string_value for a in span.attributes}
                yield {
                    "name": span.name,
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent": span.parent_span_id.hex(),
                    "scope": scope_spans.scope.name,
                    "attributes": attributes,
                    "service": service.get("service.name"),
                }


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# Another worker process of the same deployment: stores two documents' worth of counts and exits.
OTHER_WORKER = (
    "from service import observability as obs\n"
    "obs.document_stored(True)\n"
    "obs.document_stored(True)\n"
    "obs.document_refused('NOT_A_TRANSCRIPT')\n"
    "obs.POOL_MAX.set(7)  # a live gauge: gone from the sum once this process has exited\n"
)


def _sample(metrics: str, line_start: str) -> float:
    found = [line for line in metrics.splitlines() if line.startswith(line_start + " ")]
    assert len(found) == 1, (line_start, found)
    return float(found[0].rsplit(" ", 1)[1])


def test_json_logs_traces_and_multiprocess_metrics(
    database_url: str, collector: Collector, tmp_path: Path
) -> None:
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOAD_SAMPLE": "0",
        "DB_POOL_SIZE": "4",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # ms: export spans at once, not every 5 s
    }
    other = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert other.returncode == 0, other.stderr
    stderr_path = tmp_path / "serve.stderr"
    with ServeProcess(env, stderr_path, timeout=60) as serve:
        url = serve.url
        response = httpx.post(
            f"{url}/graphql",
            json={"query": "query Traced { statements(first: 1) { totalCount } }"},
            timeout=30,
        )
        assert response.status_code == 200 and "errors" not in response.json()
        request_id = response.headers["x-request-id"]
        metrics = httpx.get(f"{url}/metrics", timeout=10).text

        deadline = time.monotonic() + 15
        server_span = None
        while server_span is None and time.monotonic() < deadline:
            time.sleep(0.1)
            with collector.lock:
                server_span = next(
                    (s for s in collector.spans if s["attributes"].get("request.id") == request_id),
                    None,
                )

    # Tracing: the request's span, and SQL spans of the same trace from asyncpg.
    assert server_span is not None, "no span with the request id reached the collector"
    assert server_span["name"].startswith("POST")
    assert server_span["service"] == "transcripts-service"
    with collector.lock:
        same_trace = [s for s in collector.spans if s["trace_id"] == server_span["trace_id"]]
    assert any("asyncpg" in s["scope"] for s in same_trace), [s["scope"] for s in same_trace]

    # Metrics: this process's and the exited worker's, added up from PROMETHEUS_MULTIPROC_DIR.
    documents = "transcripts_ingest_documents_total"
    assert _sample(metrics, documents + '{outcome="created"}') == 2
    assert _sample(metrics, 'transcripts_ingest_refusals_total{code="NOT_A_TRANSCRIPT"}') == 1
    count = "transcripts_graphql_request_duration_seconds_count"
    assert _sample(metrics, count + '{operation="Traced",path="compiled"}') == 1
    assert _sample(metrics, "transcripts_db_pool_max") == 4  # live processes only: serve's
    assert 1 <= _sample(metrics, "transcripts_db_pool_size") <= 4

    # Logs: every line is one JSON object; the request's lines carry its id.
    lines = [line for line in stderr_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert all({"timestamp", "level", "logger", "message"} <= r.keys() for r in records)
    mine = [r for r in records if r.get("request_id") == request_id]
    assert any("POST /graphql" in r["message"] for r in mine), records[-5:]
    assert all(r["request_id"] is None for r in records if "Started server" in r["message"])

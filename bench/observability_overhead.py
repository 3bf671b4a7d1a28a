"""What the observability middleware costs per request, measured in-process.

`python -m bench.observability_overhead [--requests N]` calls one Starlette app directly over
ASGI (no sockets, so network and server noise do not drown a cost of microseconds) in three
set-ups: without the middleware, with it and METRICS off (request id, contextvar, header), and
with it and METRICS on (plus the counters, histograms, pool sample). The endpoint answers like
/graphql: a small JSON body, X-Execution-Path, an operation name; every fifth answer carries a
GraphQL error, so the error scan is measured too. Each set-up runs 5 rounds, interleaved;
the median round is reported. Results: bench/results/observability-overhead-YYYYMMDD.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from service.observability.http import ObservabilityMiddleware

RESULTS = Path(__file__).resolve().parent / "results"
OK = orjson.dumps({"data": {"statements": {"totalCount": 1234}}})
ERROR = orjson.dumps(
    {"data": None, "errors": [{"message": "no", "extensions": {"code": "BAD_USER_INPUT"}}]}
)


def _app(middleware: list[Middleware]) -> Starlette:
    calls = 0

    async def graphql(request: Request) -> Response:
        nonlocal calls
        calls += 1
        request.state.graphql_operation = "Bench"
        body = ERROR if calls % 5 == 0 else OK
        return Response(body, media_type="application/json", headers={"X-Execution-Path": "x"})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], middleware=middleware)


async def _round(app: Starlette, requests: int) -> float:
    """Seconds for ``requests`` POST /graphql calls, each through the whole ASGI stack."""
    scope_base: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"bench")],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    started = time.perf_counter()
    for _ in range(requests):
        await app(dict(scope_base), receive, send)
    return time.perf_counter() - started


async def measure(requests: int, rounds: int = 5) -> dict[str, float]:
    setups = {
        "none": _app([]),
        "request_id_only": _app([Middleware(ObservabilityMiddleware, metrics=False)]),
        "metrics": _app([Middleware(ObservabilityMiddleware, metrics=True)]),
    }
    for app in setups.values():  # warm up: the middleware stack is built on first call
        await _round(app, 200)
    times: dict[str, list[float]] = {name: [] for name in setups}
    for _ in range(rounds):
        for name, app in setups.items():
            times[name].append(await _round(app, requests))
    return {name: statistics.median(t) / requests * 1e6 for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    micros = asyncio.run(measure(args.requests))
    result = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "requests_per_round": args.requests,
        "microseconds_per_request": {k: round(v, 1) for k, v in micros.items()},
        "overhead_microseconds": {
            "request_id_only": round(micros["request_id_only"] - micros["none"], 1),
            "metrics": round(micros["metrics"] - micros["none"], 1),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"observability-overhead-{dt.date.today():%Y%m%d}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# Observability middleware overhead ({result['date']})",
        "",
        f"`python -m bench.observability_overhead --requests {args.requests}` on "
        f"{result['machine']}, Python {result['python']}: median of 5 interleaved rounds, "
        "direct ASGI calls (no sockets).",
        "",
        "| set-up | µs per request | overhead µs |",
        "|---|---|---|",
        f"| no middleware | {micros['none']:.1f} | |",
    ]
    for name, label in (("request_id_only", "request id only (METRICS=0)"),
                        ("metrics", "request id + metrics")):  # fmt: skip
        lines.append(
            f"| {label} | {micros[name]:.1f} | {result['overhead_microseconds'][name]:.1f} |"
        )
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

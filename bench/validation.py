"""Does validating large new documents starve other clients? `python -m bench.validation`.

Issue 14 found that two clients sending distinct 2,000-token queries raised a cheap query's
median from 9 ms to 2.8 s: each new document was parsed and validated on the event loop. This
starts the real service (embedded PostgreSQL unless DATABASE_URL), measures one client looping
a cheap query alone, then again while ``--attackers`` clients each post a stream of distinct
large valid documents (every one new to the caches), and writes median and p99 of the cheap
query for both phases to bench/results/validation-<date>.md.

``--service-root DIR`` serves another checkout (e.g. a git worktree of an older commit) with
this interpreter, for a before/after comparison on the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench import report
from bench.procs import sample_service

ROOT = Path(__file__).resolve().parents[1]
CHEAP = "{ topics(first: 5) { nodes { name } } }"
FIELDS = "text speaker { name } event { title date }"


def large_document(serial: int, repeats: int = 190) -> str:
    """A valid query of about 1,900 tokens, new to every cache (its alias is unique)."""
    body = " ".join([FIELDS] * repeats)
    return f"{{ q{serial}: statements(first: 1) {{ nodes {{ {body} }} }} }}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cheap_latencies(url: str, seconds: float) -> list[float]:
    """Milliseconds per cheap request, one client looping for ``seconds``."""
    out: list[float] = []
    with httpx.Client(timeout=60) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = client.post(url, json={"query": CHEAP})
            out.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return out


class Attacker(threading.Thread):
    """Posts distinct large documents until told to stop; counts answers and errors."""

    def __init__(self, url: str, first_serial: int) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.serial = first_serial
        self.stop = threading.Event()
        self.sent = 0
        self.errors = 0

    def run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while not self.stop.is_set():
                self.serial += 1
                response = client.post(self.url, json={"query": large_document(self.serial)})
                self.sent += 1
                if response.status_code != 200 or "errors" in response.json():
                    self.errors += 1


def summary(latencies: list[float]) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
    }


def measure(url: str, seconds: float, attackers: int) -> dict[str, Any]:
    cheap_latencies(url, 2)  # warm-up: caches, pool
    alone = summary(cheap_latencies(url, seconds))
    threads = [Attacker(url, 1_000_000 * (k + 1)) for k in range(attackers)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    loaded = summary(cheap_latencies(url, seconds))
    for thread in threads:
        thread.stop.set()
    for thread in threads:
        thread.join()
    return {
        "alone": alone,
        "with_attackers": loaded,
        "large_documents_answered": sum(t.sent for t in threads),
        "large_document_errors": sum(t.errors for t in threads),
    }


def markdown(data: dict[str, Any]) -> str:
    a, b = data["alone"], data["with_attackers"]
    return (
        "# Large new documents against a cheap query\n\n"
        f"Command: `{data['command']}` ({data['date']}, {data['machine']}, {data['database']},"
        f" service at {data['service_root']}, commit {data['commit']}).\n\n"
        f"One client loops `{CHEAP}` for {data['seconds']} s alone, then again while"
        f" {data['attackers']} clients each post distinct valid documents of about 1,900 tokens"
        " (each new to every cache).\n\n"
        "| phase | cheap requests | median ms | p99 ms |\n|---|---:|---:|---:|\n"
        f"| alone | {a['requests']} | {a['median_ms']} | {a['p99_ms']} |\n"
        f"| with {data['attackers']} large-document clients | {b['requests']} |"
        f" {b['median_ms']} | {b['p99_ms']} |\n\n"
        f"Large documents answered meanwhile: {data['large_documents_answered']}"
        f" ({data['large_document_errors']} with errors).\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.validation", description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--attackers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--service-root", type=Path, default=ROOT)
    parser.add_argument("--label", default="", help="suffix of the result files' names")
    args = parser.parse_args(argv)
    root = args.service_root.resolve()
    with sample_service(args.port, root, "bench-validation-", LOG_LEVEL="WARNING") as (url, _):
        data = measure(url + "/graphql", args.seconds, args.attackers)
    commit = os.popen(f"git -C {root} rev-parse --short HEAD").read().strip()
    data.update(
        date=dt.date.today().isoformat(),
        command="python -m bench.validation " + " ".join(argv or sys.argv[1:]),
        machine=f"{os.cpu_count()} CPUs",
        database="DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        service_root=str(root),
        commit=commit,
        seconds=args.seconds,
        attackers=args.attackers,
    )
    report.write("validation", data, markdown(data), suffix=args.label)
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

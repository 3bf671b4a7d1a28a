"""Soak: the service under mixed reads and ingestion for N minutes, watched minute by minute.

`python -m bench.soak --minutes 10` starts `python -m service serve` on an embedded PostgreSQL
in a scratch directory (or on DATABASE_URL), with the sample data, then runs READERS clients
looping over the API's common queries and one writer ingesting a corpus page every few seconds
(each made unique by a line naming its round, so every one is stored). Every minute it writes
down requests, errors, p50/p99 latency and the service's resident memory (the process tree
without PostgreSQL's server processes); at the end, the whole run. Results:
bench/results/soak-YYYYMMDD.{json,md}.

A leak shows as memory that keeps climbing after the first minutes; a slowdown as p99 rising
with the data. Errors of any kind are counted and the first few printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.procs import _status_kb, descendants, sample_service

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "tests" / "data" / "corpus"
ADMIN_TOKEN = "soak-admin-token"

READS = {
    "mission": '{ statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}) '
    "{ totalCount nodes { text speaker { name } event { title date } } } }",
    "search": '{ search(query: "energy security", first: 20) '
    "{ edges { node { rank statement { text } } } } }",
    "events": "{ events(first: 20) { nodes { title date participants { label person { name } } "
    "statements(first: 5) { nodes { text } } } } }",
    "figures": '{ figures(filter: {speaker: "Putin"}, orderBy: VALUE_DESC, first: 20) '
    "{ nodes { text value unit } } }",
    "counts": "{ statementCounts(groupBy: MONTH) { key count } }",
    "persons": "{ persons(first: 50) { nodes { name statementCount } } }",
}
INGEST = (
    "mutation($input: IngestDocumentInput!) "
    "{ ingestDocument(input: $input) { created errors { code } } }"
)


@dataclass
class Minute:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    ingested: int = 0

    def summary(self, index: int, rss_kb: int) -> dict[str, Any]:
        every = [x for xs in self.latencies.values() for x in xs]
        return {
            "minute": index,
            "requests": len(every),
            "errors": self.errors,
            "ingested": self.ingested,
            "p50_ms": _percentile(every, 50),
            "p99_ms": _percentile(every, 99),
            "rss_mb": round(rss_kb / 1024, 1),
        }


def _percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1)


def service_rss_kb(pid: int) -> int:
    """The service's tree without PostgreSQL's processes (they are sized by its settings)."""
    total = 0
    for p in descendants(pid):
        try:
            name = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        if not name.startswith("postgres"):
            total += _status_kb(p, "VmRSS")
    return total


class Soak:
    def __init__(self, url: str, readers: int) -> None:
        self.url = url
        self.readers = readers
        self.minute = Minute()
        self.failures: list[str] = []
        self.stop = asyncio.Event()

    def _record(self, name: str, seconds: float, ok: bool, detail: str) -> None:
        self.minute.latencies.setdefault(name, []).append(seconds)
        if not ok:
            self.minute.errors += 1
            if len(self.failures) < 10:
                self.failures.append(f"{name}: {detail[:200]}")

    async def _post(self, http: httpx.AsyncClient, name: str, body: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json=body)
            payload = response.json()
            ok = response.status_code == 200 and not payload.get("errors")
            detail = f"{response.status_code} {json.dumps(payload.get('errors'))}"
        except (httpx.HTTPError, ValueError) as error:
            payload, ok, detail = None, False, repr(error)
        self._record(name, time.perf_counter() - started, ok, detail)
        return payload

    async def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        names = list(READS)
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as http:
            while not self.stop.is_set():
                name = rng.choice(names)
                await self._post(http, name, {"query": READS[name]})

    async def writer(self, interval: float) -> None:
        pages = sorted(CORPUS.glob("*.txt"))
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with httpx.AsyncClient(base_url=self.url, timeout=120, headers=headers) as http:
            round_ = 0
            while not self.stop.is_set():
                page = pages[round_ % len(pages)]
                text = page.read_text(encoding="utf-8") + f"\n\nSoak round {round_}.\n"
                variables = {"input": {"text": text, "filename": f"soak-{round_}-{page.name}"}}
                body = {"query": INGEST, "variables": variables}
                payload = await self._post(http, "ingest", body)
                if ((payload or {}).get("data") or {}).get("ingestDocument", {}).get("created"):
                    self.minute.ingested += 1
                round_ += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), interval)

    async def run(self, minutes: int, pid: int, interval: float) -> list[dict[str, Any]]:
        tasks = [asyncio.create_task(self.reader(i)) for i in range(self.readers)]
        tasks.append(asyncio.create_task(self.writer(interval)))
        rows = [Minute().summary(0, service_rss_kb(pid))]
        print(_line(rows[0]), flush=True)
        for index in range(1, minutes + 1):
            await asyncio.sleep(60)
            done, self.minute = self.minute, Minute()
            rows.append(done.summary(index, service_rss_kb(pid)))
            print(_line(rows[-1]), flush=True)
        self.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return rows


def _line(row: dict[str, Any]) -> str:
    return (
        f"minute {row['minute']:>3}: {row['requests']:>6} requests, {row['errors']} errors, "
        f"{row['ingested']} ingested, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
        f"service RSS {row['rss_mb']} MB"
    )


def markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Soak, {data['date']}",
        "",
        f"`python -m bench.soak --minutes {data['minutes']} --readers {data['readers']}"
        f" --ingest-every {data['ingest_every']}` on {data['machine']}; service on"
        f" {data['database']}, sample data loaded at start. Latency is per GraphQL request as"
        " the client saw it (reads and ingestion together); RSS is the service's process tree"
        " without PostgreSQL.",
        "",
        "| minute | requests | errors | ingested | p50 ms | p99 ms | service RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in data["minutes_table"]:
        lines.append(
            f"| {r['minute']} | {r['requests']} | {r['errors']} | {r['ingested']} |"
            f" {r['p50_ms']} | {r['p99_ms']} | {r['rss_mb']} |"
        )
    lines += ["", f"Errors: {data['errors']} in {data['requests']} requests."]
    lines += [f"- {f}" for f in data["failures"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--readers", type=int, default=4, help="concurrent read clients")
    parser.add_argument(
        "--ingest-every", type=float, default=5.0, help="seconds between ingested pages"
    )
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    with sample_service(args.port, ROOT, "soak-", ADMIN_TOKEN=ADMIN_TOKEN) as (url, server):
        soak = Soak(url, args.readers)
        rows = asyncio.run(soak.run(args.minutes, server.pid, args.ingest_every))
    data = {
        "date": dt.date.today().isoformat(),
        "minutes": args.minutes,
        "readers": args.readers,
        "ingest_every": args.ingest_every,
        "machine": f"{os.cpu_count()} CPUs",
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        "minutes_table": rows,
        "requests": sum(r["requests"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "failures": soak.failures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"soak-{dt.date.today():%Y%m%d}"
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(data))
    print(f"written: {stem}.md")
    return 1 if data["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

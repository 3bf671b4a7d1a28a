"""`python -m bench termstats`: how often searches match, real corpus against synthetic.

Why: a search's cost follows the query's document frequency (it fetches or reads its matches,
and ranks up to ``queries.SEARCH_RANKED`` of them), so the synthetic corpus is a
fair test only when its term statistics resemble the real corpus's. For each probe query this
reports how many statements match, counted with the service's own statement
(``queries.count_search``: ``s.search @@ websearch_to_tsquery('english_unaccent', q)``), next
to per-statement figures (characters, lexemes, topics, figures, mentions) and the benchmark's
mission count, in each database measured. ``--time`` also times the service's search statement
(``queries.search``, first 20 by rank) per probe: median and max of ``--repeat`` runs after one
warm-up, wall time from this client.

Default: the real corpus (tests/data/corpus) is ingested with the
service's own CLI into a fresh ``bench_termstats_real`` (dropped afterwards unless
``--keep-real``), the synthetic database is reused or generated as for ``load``, and both are
measured. ``--only DB...`` measures existing databases and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from bench import db, ingest, peer, report, synthetic
from service.storage import queries

REAL_DATABASE = "bench_termstats_real"

# The benchmark's query first, then realistic searches: places, themes, words of the trade.
PROBES: list[str] = [
    "energy security",
    '"energy security"',
    "Afghanistan",
    "trade",
    "gas pipeline",
    "terrorism",
    "nuclear",
    "oil prices",
    "NATO enlargement",
    "Ukraine",
    "sanctions",
    "drug trafficking",
    "climate change",
    "human rights",
    "investment",
    "missile defence",
    "Caspian",
    "inflation",
    "Kazakhstan",
    "Russia",
    "China",
    "NATO",
    "energy",
    "security",
    "economy",
    "cooperation",
    "situation",
]

SUMMARY_SQL = """
SELECT count(*) AS statements,
       coalesce(avg(length(s.text)), 0) AS chars,
       coalesce(avg(length(s.search)), 0) AS lexemes,
       (SELECT count(*) FROM statement_topic) AS topics,
       (SELECT count(*) FROM statement_topic st JOIN topic t ON t.id = st.topic_id
         WHERE t.kind = 'PLACE') AS place_topics,
       (SELECT count(*) FROM topic_mention) AS topic_mentions,
       (SELECT count(*) FROM figure) AS figures,
       (SELECT count(*) FROM organisation_mention) AS organisation_mentions,
       (SELECT count(*) FROM person_mention) AS person_mentions
FROM statement s
"""

TOP_TOPICS_SQL = """
SELECT t.name, t.kind, count(*) AS n FROM statement_topic st JOIN topic t ON t.id = st.topic_id
GROUP BY t.id, t.name, t.kind ORDER BY n DESC, t.name LIMIT $1
"""


# The mission query's totalCount: Nazarbayev's statements on Afghanistan.
MISSION_SQL = """
SELECT count(*) FROM statement s JOIN statement_topic st ON st.statement_id = s.id
WHERE s.speaker_id = $1 AND st.topic_id = $2
"""


class Reader:
    """What service.storage.queries expects of a database: ``fetch(sql, *args)``."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return await self.conn.fetch(sql, *args)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rebuild", action="store_true", help="regenerate even if up to date")
    p.add_argument(
        "--real-database",
        default=REAL_DATABASE,
        help=f"fresh database the real corpus is ingested into [{REAL_DATABASE}]",
    )
    p.add_argument("--corpus", help="real corpus directory [tests/data/corpus]")
    p.add_argument("--keep-real", action="store_true", help="keep the real corpus database")
    p.add_argument(
        "--only",
        nargs="+",
        metavar="DB",
        help="measure these existing databases only (no ingestion, no generation)",
    )
    p.add_argument(
        "--probe",
        action="append",
        metavar="QUERY",
        help="a search to measure (repeatable; replaces the default list)",
    )
    p.add_argument("--time", action="store_true", help="also time the search statement per probe")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per probe with --time [5]")
    p.add_argument("--top", type=int, default=12, help="most frequent topics listed [12]")


async def measure(
    url: str, probes: Sequence[str], timed: bool, repeat: int, top: int
) -> dict[str, Any]:
    """Probe match counts, summary figures and (``timed``) search timings of one database."""
    conn = await asyncpg.connect(url)
    reader = Reader(conn)
    try:
        summary = dict(await conn.fetchrow(SUMMARY_SQL))
        n = summary["statements"] or 1
        per_statement = {
            "chars": round(float(summary["chars"])),
            "lexemes": round(float(summary["lexemes"]), 1),
            "topics": round(summary["topics"] / n, 2),
            "place topics": round(summary["place_topics"] / n, 2),
            "theme topics": round((summary["topics"] - summary["place_topics"]) / n, 2),
            "topic mentions": round(summary["topic_mentions"] / n, 2),
            "figures": round(summary["figures"] / n, 2),
            "organisation mentions": round(summary["organisation_mentions"] / n, 2),
            "person mentions": round(summary["person_mentions"] / n, 2),
        }
        topics = [
            {"name": r["name"], "kind": r["kind"], "statements": r["n"], "fraction": r["n"] / n}
            for r in await conn.fetch(TOP_TOPICS_SQL, top)
        ]
        probe_rows = []
        for q in probes:
            t0 = time.perf_counter()
            matches = await queries.count_search(reader, q, queries.StatementCriteria())
            row: dict[str, Any] = {
                "query": q,
                "matches": matches,
                "fraction": matches / n,
                "count_ms": round((time.perf_counter() - t0) * 1000, 1),
            }
            if timed:
                row.update(await time_search(reader, q, repeat))
            probe_rows.append(row)
    finally:
        await conn.close()
    try:
        speaker, topic = await peer.resolve_ids(url, "Nazarbayev", "Afghanistan")
    except RuntimeError:
        mission = None
    else:
        conn = await asyncpg.connect(url)
        try:  # plain SQL: the same count on every schema revision
            mission = await conn.fetchval(MISSION_SQL, int(speaker), int(topic))
        finally:
            await conn.close()
    return {
        "statements": summary["statements"],
        "per_statement": per_statement,
        "mission": mission,
        "top_topics": topics,
        "probes": probe_rows,
    }


async def time_search(reader: Reader, q: str, repeat: int) -> dict[str, Any]:
    """queries.search (first page of 20 by rank): median and max milliseconds."""
    criteria = queries.StatementCriteria()
    await queries.search(reader, q, criteria, 0, 20)  # warm: cache, plan
    times = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        await queries.search(reader, q, criteria, 0, 20)
        times.append((time.perf_counter() - t0) * 1000)
    return {"search_ms": round(statistics.median(times), 1), "search_max_ms": round(max(times), 1)}


def poisson_interval(k: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count ``k``.

    How far a small corpus's count can be from its expected value: 3 matches in 1,019
    statements are consistent with rates from 0.06% to 0.86%. Statements of one document are
    not independent, so the true uncertainty is wider still.
    """
    tail = (1 - level) / 2

    def cdf(n: int, mu: float) -> float:  # P(X <= n), summed in log space
        if n < 0:
            return 0.0
        return sum(math.exp(i * math.log(mu) - mu - math.lgamma(i + 1)) for i in range(n + 1))

    def solve(f: Callable[[float], float]) -> float:  # f decreasing in mu, f(root) = 0
        lo, hi = 0.0, k + 10 * math.sqrt(k + 1) + 10
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        return (lo + hi) / 2

    if k > 2000:  # the normal approximation is exact enough, and the sums get long
        half = 1.96 * math.sqrt(k)
        return k - half, k + half
    lower = 0.0 if k == 0 else solve(lambda mu: tail - (1 - cdf(k - 1, mu)))
    upper = solve(lambda mu: cdf(k, mu) - tail)
    return lower, upper


def percent(fraction: float) -> str:
    if fraction == 0:
        return "0"
    return f"{100 * fraction:.2f}%" if fraction >= 0.0001 else "<0.01%"


def markdown(results: dict[str, dict[str, Any]], probes: Sequence[str], timed: bool) -> str:
    names = list(results)
    headers = ["probe"]
    for j, name in enumerate(names):
        headers += [f"{name} matches", f"{name} %"]
        if j == 0 and len(names) > 1:
            headers.append(f"{name} 95% range")
        if timed:
            headers.append(f"{name} search ms")
    if len(names) > 1:
        headers.append(f"ratio {names[-1]}/{names[0]}")
    rows = []
    for i, q in enumerate(probes):
        row: list[Any] = [f"`{q}`"]
        for j, name in enumerate(names):
            p = results[name]["probes"][i]
            row += [f"{p['matches']:,}", percent(p["fraction"])]
            if j == 0 and len(names) > 1:  # how far the reference's count may be from its rate
                n = results[name]["statements"] or 1
                low, high = poisson_interval(p["matches"])
                row.append(f"{percent(low / n)}–{percent(high / n)}")
            if timed:
                row.append(f"{p['search_ms']} (max {p['search_max_ms']})")
        if len(names) > 1:
            first = results[names[0]]["probes"][i]["fraction"]
            last = results[names[-1]]["probes"][i]["fraction"]
            row.append(f"{last / first:.2f}" if first else "-")
        rows.append(row)
    stats = [("statements", *(f"{results[n]['statements']:,}" for n in names))]
    for key in results[names[0]]["per_statement"]:
        stats.append((f"{key} / statement", *(results[n]["per_statement"][key] for n in names)))
    stats.append(
        (
            "mission (Nazarbayev + Afghanistan)",
            *(
                "-" if results[n]["mission"] is None else f"{results[n]['mission']:,}"
                for n in names
            ),
        )
    )
    out = [
        "## Probe queries",
        "",
        "Statements matching `s.search @@ websearch_to_tsquery('english_unaccent', q)`"
        + (", and the service's search statement (first 20 by rank): median ms" if timed else "")
        + ". The 95% range is the exact Poisson interval of the first database's count: the"
        " rates its sample is consistent with (wider in truth: statements of one document are"
        " not independent).",
        "",
        report.table(headers, rows),
        "",
        "## Per statement",
        "",
        report.table(["", *names], stats),
    ]
    for name in names:
        top = [
            (t["name"], t["kind"], f"{t['statements']:,}", percent(t["fraction"]))
            for t in results[name]["top_topics"]
        ]
        out += [
            "",
            f"## Most frequent topics in {name}",
            "",
            report.table(["topic", "kind", "statements", "%"], top),
        ]
    return "\n".join(out)


def run(args: argparse.Namespace) -> Path:
    probes = args.probe or PROBES
    results: dict[str, dict[str, Any]] = {}
    with db.provide_server(args.embedded) as server:
        if args.only:
            targets = [(name, server.database_url(name)) for name in args.only]
        else:
            corpus = Path(args.corpus) if args.corpus else ingest.default_corpus()
            real_url = asyncio.run(db.fresh_database(server, args.real_database))
            report.TMP_DIR.mkdir(parents=True, exist_ok=True)
            cli = ingest.run_cli(real_url, corpus, report.TMP_DIR / "termstats-ingest.log")
            if cli["exit_status"] != 0:
                print(f"warning: ingesting {corpus} refused {cli['refused']} file(s)")
            built = asyncio.run(
                synthetic.ensure(server, args.database, args.statements, args.seed, args.rebuild)
            )
            print(f"synthetic {args.database}: {'generated' if built else 'reused (same marker)'}")
            targets = [("real", real_url), (args.database, server.database_url(args.database))]
        try:
            for name, url in targets:
                print(f"measuring {name} ...", flush=True)
                results[name] = asyncio.run(measure(url, probes, args.time, args.repeat, args.top))
        finally:
            if not args.only and not args.keep_real:
                asyncio.run(db.drop_database(server, args.real_database))
        description = server.description
    data = {
        "kind": "termstats",
        "command": report.command_line(),
        "server": description,
        "databases": results,
        "machine": report.machine(),
    }
    md = "\n".join(
        [
            "# Term statistics: real corpus and synthetic",
            "",
            f"Command: `{data['command']}` on {description}.",
            "",
            markdown(results, probes, args.time),
            "",
            report.machine_section(data["machine"]),
        ]
    )
    print(markdown(results, probes, args.time))
    path = report.write("termstats", data, md)
    print(f"wrote {path}")
    return path

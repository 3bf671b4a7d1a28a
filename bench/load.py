"""Load benchmark: the service (and optionally the PostGraphile peer) under wrk, 16 connections.

For each server: start it as a subprocess on the benchmark database, count SQL statements per
request (from PostgreSQL's log, and for the service also its X-Debug-Sql-Count extension),
restart it with logging off, then for each query a wrk warm-up and a measured wrk run while the
server's resident memory is sampled. Results go to bench/results/{load,compare}-YYYYMMDD.*.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench import db, peer, report, synthetic, wrkrun
from bench.cpuwait import CpuMeter, WaitSampler
from bench.procs import MemorySampler, ServerProcess, http_ok, post_json
from bench.sqlcount import StatementLog, set_logging

REPO = Path(__file__).resolve().parents[1]
QUERY_DIR = Path(__file__).resolve().parent / "queries"
QUERIES = ("mission", "events", "search")
# Service-only queries (PostGraphile has no equivalent): the issue-15 probes at 1M statements.
SCALE_QUERIES = ("search_common", "counts_month")
TITLES = {
    "mission": 'statements(speaker:"Nazarbayev", topic:"Afghanistan") with speaker, event, '
    "figures, topics",
    "events": "events(first:20) with statements(first:10) and speakers",
    "search": 'search("energy security", first:20) with rank, highlight, speaker, event',
    "search_common": 'search("Russia", first:20) with rank, highlight, speaker, event (a word '
    "in ~18% of statements)",
    "counts_month": "statementCounts(groupBy: MONTH) { key label count } over every statement",
}
P99_TARGET_MS = 250.0
# `scale` (1M statements) targets per query, from issue 15; the others keep P99_TARGET_MS.
SCALE_P99_TARGETS_MS = {"search": 150.0, "search_common": 300.0, "counts_month": 300.0}
# PostgreSQL connections per server: the service's DB_POOL_SIZE default, given to PostGraphile too.
DEFAULT_POOL_SIZE = 10
SQL_COUNT_HEADER = "X-Debug-Sql-Count"


@dataclass
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    probe_requests: int
    queries: tuple[str, ...]
    pool_size: int


class Target:
    """A GraphQL server to benchmark: how to start it and what to send it."""

    name = ""
    port = 0

    def __init__(self, port: int, pool_size: int) -> None:
        self.port = port
        self.pool_size = pool_size  # PostgreSQL connections the server may open

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    async def prepare(self, database_url: str) -> None:
        """Anything the database needs before this server starts."""

    def body(self, query: str) -> bytes:
        text = (QUERY_DIR / self.name / f"{query}.graphql").read_text()
        return json.dumps({"query": text, "variables": self.variables(query)}).encode()

    def variables(self, query: str) -> dict[str, Any]:
        return {}

    def start(self, database_url: str) -> ServerProcess:
        raise NotImplementedError


class ServiceTarget(Target):
    name = "service"

    def start(self, database_url: str) -> ServerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LOAD_SAMPLE": "0",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DB_POOL_SIZE": str(self.pool_size),
            "LOG_LEVEL": "WARNING",  # no access log line per request
        }
        health = f"http://127.0.0.1:{self.port}/readyz"
        return ServerProcess(
            [sys.executable, "-m", "service", "serve"],
            env,
            report.TMP_DIR / "service.log",
            lambda: http_ok(health),
            cwd=REPO,
        )


class PostGraphileTarget(Target):
    name = "postgraphile"

    def __init__(self, port: int, pool_size: int) -> None:
        super().__init__(port, pool_size)
        self.ids: tuple[str, str] | None = None

    async def prepare(self, database_url: str) -> None:
        peer.install()
        await peer.prepare_database(database_url)
        self.ids = await peer.resolve_ids(database_url, "Nazarbayev", "Afghanistan")

    def variables(self, query: str) -> dict[str, Any]:
        if query == "mission":
            assert self.ids is not None
            return {"speaker": self.ids[0], "topic": self.ids[1]}
        return {}

    def start(self, database_url: str) -> ServerProcess:
        argv, env = peer.command(database_url, self.port, self.pool_size)
        probe = b'{"query":"{__typename}"}'
        return ServerProcess(
            argv,
            env,
            report.TMP_DIR / "postgraphile.log",
            lambda: http_ok(self.url, probe),
            cwd=peer.PEER_DIR,
        )


def summarise(payload: dict[str, Any]) -> dict[str, Any]:
    """What a response returned, to show both servers answer alike: totalCount, node count."""
    out: dict[str, Any] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "totalCount" in value and "totalCount" not in out:
                out["totalCount"] = value["totalCount"]
            if isinstance(value.get("nodes"), list) and "nodes" not in out:
                out["nodes"] = len(value["nodes"])
            for v in value.values():
                walk(v)

    walk(payload.get("data"))
    if payload.get("errors"):
        out["errors"] = payload["errors"][:1]
    return out


def probe(
    target: Target,
    server: db.Server,
    dbname: str,
    database_url: str,
    opts: Options,
    log_path: Path | None,
) -> dict[str, dict[str, Any]]:
    """Per query: one checked response, and SQL statements per request (logging on)."""
    out: dict[str, dict[str, Any]] = {}
    if log_path is not None:
        asyncio.run(set_logging(server.url, dbname, True))
    process = target.start(database_url)
    try:
        process.wait_ready()
        statement_log = StatementLog(log_path, dbname) if log_path else None
        for query in opts.queries:
            body = target.body(query)
            headers = {SQL_COUNT_HEADER: "1"} if target.name == "service" else {}
            first = json.loads(post_json(target.url, body, headers))
            # the second request finds the names cached: the count every later one has
            warm = json.loads(post_json(target.url, body, headers))
            result: dict[str, Any] = {"response": summarise(first)}
            reported = warm.get("extensions", {}).get("sqlStatements")
            if reported is not None:
                result["sql_reported"] = reported
                result["sql_reported_first"] = first["extensions"]["sqlStatements"]
            if statement_log is not None:
                statement_log.mark()
                for _ in range(opts.probe_requests):
                    post_json(target.url, body)
                total, overhead = statement_log.count()
                result["sql_logged"] = round((total - overhead) / opts.probe_requests, 2)
                result["sql_logged_overhead"] = round(overhead / opts.probe_requests, 2)
            out[query] = result
    finally:
        process.stop()
        if log_path is not None:
            asyncio.run(set_logging(server.url, dbname, False))
    return out


def measure(target: Target, database_url: str, database: str, opts: Options) -> dict[str, Any]:
    """wrk warm-up and measured run per query; during each measured run, peak RSS, CPU per
    request and PostgreSQL's waits (bench/cpuwait.py)."""
    report.TMP_DIR.mkdir(parents=True, exist_ok=True)
    process = target.start(database_url)
    try:
        startup = process.wait_ready()
        sampler = MemorySampler(process.pid)
        idle_kb = sampler.peak()
        queries: dict[str, Any] = {}
        for query in opts.queries:
            body_file = report.TMP_DIR / f"{target.name}-{query}.json"
            body_file.write_bytes(target.body(query))
            if opts.warmup:
                wrkrun.run(target.url, body_file, opts.warmup, opts.connections, opts.threads)
            sampler.reset()
            load_before = os.getloadavg()[0]
            cpu = CpuMeter(process.pid)
            waits = WaitSampler(database_url, database)
            result = wrkrun.run(
                target.url, body_file, opts.duration, opts.connections, opts.threads
            )
            queries[query] = {
                **result.as_dict(),
                **cpu.per_request(result.requests),
                **waits.stop(),
                "peak_rss_mib": round(sampler.peak() / 1024, 1),
                # other work on the machine skews the figures: the 1-minute load average
                # just before the run (wrk's own warm-up included) tells
                "loadavg_before": round(load_before, 2),
            }
            print(
                f"  {target.name:12} {query:8} {result.requests_per_s:8.1f} req/s"
                f"  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
                f"  errors {result.errors}  peak RSS {queries[query]['peak_rss_mib']} MiB",
                flush=True,
            )
        sampler.stop()
        return {
            "startup_seconds": round(startup, 1),
            "idle_rss_mib": round(idle_kb / 1024, 1),
            "vm_hwm_mib": round(process.vm_hwm_kb() / 1024, 1),
            "queries": queries,
        }
    finally:
        process.stop()


async def corpus_facts(database_url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM statement) AS statements,"
            " (SELECT count(*) FROM event) AS events,"
            " (SELECT count(*) FROM person) AS persons,"
            " (SELECT count(*) FROM figure) AS figures,"
            " pg_size_pretty(pg_database_size(current_database())) AS size,"
            " current_setting('server_version') AS postgres"
        )
    finally:
        await conn.close()
    return dict(row)


def run(args: argparse.Namespace, targets: list[str], kind: str | None = None) -> Path:
    """The ``load`` and ``scale`` (service only) and ``compare`` (with PostGraphile) commands."""
    opts = Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        probe_requests=args.probe_requests,
        queries=tuple(q for q in args.queries.split(",") if q),
        pool_size=args.pool_size,
    )
    unknown = set(opts.queries) - set(QUERIES + (SCALE_QUERIES if targets == ["service"] else ()))
    if unknown:
        raise SystemExit(f"unknown queries: {', '.join(sorted(unknown))}")
    makers = {
        "service": lambda: ServiceTarget(args.port, args.pool_size),
        "postgraphile": lambda: PostGraphileTarget(args.peer_port, args.pool_size),
    }
    with db.provide_server(args.embedded) as server:
        generated = asyncio.run(
            synthetic.ensure(server, args.database, args.statements, args.seed, args.rebuild)
        )
        database_url = server.database_url(args.database)
        log_path = server.log_path or asyncio.run(db.server_log_path(server.url))
        facts = asyncio.run(corpus_facts(database_url))
        print(f"database {args.database}: {facts}", flush=True)
        results: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
        probes: dict[str, Any] = {}
        for round_ in range(args.rounds):
            for name in targets:  # alternate the servers round by round
                target = makers[name]()
                asyncio.run(target.prepare(database_url))
                if round_ == 0:
                    probes[name] = probe(
                        target,
                        server,
                        args.database,
                        database_url,
                        opts,
                        None if args.no_sql_count else log_path,
                    )
                print(f"round {round_ + 1}: {name}", flush=True)
                results[name].append(measure(target, database_url, args.database, opts))
        if "postgraphile" in targets and not args.keep_peer_functions:
            asyncio.run(peer.remove_from_database(database_url))
        data = {
            "kind": kind or ("compare" if len(targets) > 1 else "load"),
            "p99_targets_ms": p99_targets(kind, opts.queries),
            "command": report.command_line(),
            "server": server.description,
            "database": {"name": args.database, **facts},
            "generated_now": generated,
            "options": opts.__dict__,
            "wrk": wrkrun.wrk_version(),
            "machine": report.machine(),
            "probes": probes,
            "rounds": results,
            "summary": {t: aggregate(results[t], probes.get(t, {})) for t in targets},
        }
        if "postgraphile" in targets:
            data["node"] = str(peer.node())
    # the embedded PostgreSQL (18) and a server (here 15) are different measurements: two files
    kind = data["kind"] + ("-embedded" if args.embedded else "")
    path = report.write(kind, data, markdown(data))
    print(f"wrote {path}")
    return path


def p99_targets(kind: str | None, queries: tuple[str, ...]) -> dict[str, float]:
    own = SCALE_P99_TARGETS_MS if kind == "scale" else {}
    return {q: own.get(q, P99_TARGET_MS) for q in queries}


def aggregate(rounds: list[dict[str, Any]], probes: dict[str, Any]) -> dict[str, Any]:
    """Median over rounds of throughput and latencies; worst memory; all errors."""
    out: dict[str, Any] = {}
    for query in rounds[0]["queries"]:
        runs = [r["queries"][query] for r in rounds]
        sql = probes.get(query, {})
        out[query] = {
            "requests_per_s": round(statistics.median(r["requests_per_s"] for r in runs), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "errors": sum(r["errors"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "graphql_errors": sum(r["graphql_errors"] for r in runs),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
            **{
                key: statistics.median(r[key] for r in runs)
                for key in _PROFILE
                if all(key in r for r in runs)  # results files from before bench/cpuwait.py
            },
            "waiting_backends": _median_waits([r.get("waiting_backends", {}) for r in runs]),
            "sql_per_request": sql.get("sql_logged"),
            "sql_overhead_per_request": sql.get("sql_logged_overhead"),
            "sql_reported": sql.get("sql_reported"),
            "sql_reported_first": sql.get("sql_reported_first"),
            "response": sql.get("response"),
            "loadavg_before": max(r.get("loadavg_before", 0.0) for r in runs),
        }
    return out


_PROFILE = ("server_cpu_ms", "postgres_cpu_ms", "machine_idle_pct", "active_backends")


def _median_waits(rounds: list[dict[str, float]]) -> dict[str, float]:
    events = {event for waits in rounds for event in waits}
    medians = {e: statistics.median(w.get(e, 0.0) for w in rounds) for e in events}
    return dict(sorted(medians.items(), key=lambda item: -item[1]))


def _profile(s: dict[str, Any]) -> list[str]:
    """CPU ms per request (server + PostgreSQL, machine idle %) and backends active/waiting."""
    if "server_cpu_ms" not in s:
        return ["n/a", "n/a"]
    cpu = (
        f"{s['server_cpu_ms']:.1f} + {s['postgres_cpu_ms']:.1f} ({s['machine_idle_pct']:.0f}% idle)"
    )
    waits = [f"{n:.1f} {event}" for event, n in s["waiting_backends"].items() if n >= 0.1]
    return [cpu, f"{s['active_backends']:.1f}" + (f" ({', '.join(waits)})" if waits else "")]


def _sql(s: dict[str, Any]) -> str:
    logged, reported = s.get("sql_per_request"), s.get("sql_reported")
    overhead = s.get("sql_overhead_per_request")
    if logged is None:
        return "n/a" if reported is None else f"{reported} (service's count)"
    text = f"{logged:g}"
    if overhead:
        text += f" + {overhead:g} overhead"
    if reported is None:
        return text
    first = s.get("sql_reported_first")
    cold = f"; {first} on the first request" if first not in (None, reported) else ""
    return text + f" (service says {reported}{cold})"


def markdown(data: dict[str, Any]) -> str:
    o, d = data["options"], data["database"]
    compare = data["kind"] == "compare"
    targets = data.get("p99_targets_ms") or p99_targets(None, o["queries"])
    lines = [
        "# "
        + {"compare": "Service vs PostGraphile", "scale": "The service at scale"}.get(
            data["kind"], "Load benchmark"
        ),
        "",
        f"Command: `{data['command']}`",
        "",
        f"Database `{d['name']}` on {data['server']}: {d['statements']:,} statements, "
        f"{d['events']:,} events, {d['persons']:,} persons, {d['figures']:,} figures, "
        f"{d['size']} (PostgreSQL {d['postgres']}).",
        "",
        f"wrk ({data['wrk']}): {o['connections']} connections, {o['threads']} thread(s), "
        f"{o['warmup']} s warm-up then {o['duration']} s measured per query, "
        f"{len(next(iter(data['rounds'].values())))} round(s) (median shown); "
        f"each server's PostgreSQL pool: {o.get('pool_size', DEFAULT_POOL_SIZE)} connections.",
        "",
    ]
    headers = [
        "query",
        *(["server"] if compare else []),
        "req/s",
        "p50 ms",
        "p99 ms",
        "p99 target ms",
        "errors",
        "SQL/request",
        "CPU ms/request: server + PostgreSQL",
        "backends active (waiting)",
        "peak RSS MiB",
        "returned",
    ]
    rows = []
    for query in o["queries"]:
        for target, summary in data["summary"].items():
            s = summary[query]
            returned = ", ".join(f"{k} {v}" for k, v in (s.get("response") or {}).items())
            rows.append(
                [
                    query,
                    *([target] if compare else []),
                    f"{s['requests_per_s']:.1f}",
                    f"{s['p50_ms']:.1f}",
                    f"{s['p99_ms']:.1f}",
                    f"{targets[query]:g}: " + ("yes" if s["p99_ms"] < targets[query] else "**no**"),
                    f"{s['errors']} ({s['socket_errors']}/{s['non_2xx']}/{s['graphql_errors']})",
                    _sql(s),
                    *_profile(s),
                    f"{s['peak_rss_mib']:.0f}",
                    returned,
                ]
            )
    lines += [report.table(headers, rows), ""]
    loads = [s["loadavg_before"] for summary in data["summary"].values() for s in summary.values()]
    lines += [
        f"1-minute load average before the measured runs: {min(loads):.2f}..{max(loads):.2f} "
        f"on {data['machine']['cores']} cores (wrk, server and PostgreSQL share them; higher "
        "values mean other work was running).",
        "",
    ]
    lines += ["Queries:", ""]
    lines += [f"- **{q}**: {TITLES[q]}" for q in o["queries"]]
    lines += [
        "",
        "Errors are socket errors / non-2xx responses / 200 responses carrying GraphQL errors. "
        "SQL/request: data statements PostgreSQL logged per request, plus overhead statements "
        "(transaction control, the driver's connection reset on release) "
        "(log_statement = 'all' on the benchmark database during a separate probe of "
        f"{o['probe_requests']} sequential requests, server restarted with logging off for the "
        "timed runs); for the service also what its X-Debug-Sql-Count extension reports. "
        "Peak RSS: resident memory of the server process and its children, sampled every "
        "0.1 s during the measured run (PostgreSQL's memory is not included). "
        "CPU ms/request: CPU time of the server's process tree and of every `postgres` "
        "process during the measured run, over its requests; idle: the machine's idle share "
        "then. Backends active: the benchmark database's backends running a statement, "
        "averaged over samples of pg_stat_activity every 0.1 s; in brackets, those waiting, "
        "by wait event (shown from 0.1).",
        "",
    ]
    for target, rounds in data["rounds"].items():
        r0 = rounds[0]
        lines.append(
            f"- {target}: ready in {r0['startup_seconds']} s, idle RSS {r0['idle_rss_mib']} MiB, "
            f"lifetime peak (VmHWM) {max(r['vm_hwm_mib'] for r in rounds)} MiB"
        )
    if data.get("generated_now"):
        g = data["generated_now"]
        lines += [
            "",
            f"The synthetic corpus was generated in this run: {g['seconds']} s "
            f"({g['rows']['statement']:,} statements, seed {g['seed']}).",
        ]
    lines += ["", report.machine_section(data["machine"])]
    return "\n".join(lines)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--duration", type=int, default=20, help="measured seconds per query [20]")
    p.add_argument("--warmup", type=int, default=5, help="warm-up seconds per query [5]")
    p.add_argument("--connections", type=int, default=16, help="wrk connections [16]")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="wrk threads [1: leaves the second core to server and database]",
    )
    p.add_argument("--rounds", type=int, default=1, help="repeat, alternating servers [1]")
    p.add_argument(
        "--pool-size",
        type=int,
        default=DEFAULT_POOL_SIZE,
        help="PostgreSQL connections per server, the same for both [10: both servers' default]",
    )
    p.add_argument("--queries", default=",".join(QUERIES), help="comma-separated subset")
    p.add_argument("--port", type=int, default=8765, help="service port [8765]")
    p.add_argument("--peer-port", type=int, default=5678, help="PostGraphile port [5678]")
    p.add_argument(
        "--probe-requests",
        type=int,
        default=5,
        help="sequential requests the SQL count is averaged over [5]",
    )
    p.add_argument(
        "--no-sql-count",
        action="store_true",
        help="skip the log_statement probe (servers whose log is unreadable)",
    )
    p.add_argument(
        "--keep-peer-functions",
        action="store_true",
        help="leave PostGraphile's search functions (schema bench_peer) in place",
    )

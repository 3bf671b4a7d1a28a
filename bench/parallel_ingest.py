"""Parallel ingestion: N `python -m service ingest` processes into one database at once.

`python -m bench.parallel_ingest --processes 1 2 4`. For each N: a fresh migrated database, the
corpus (x --copies, perturbed as in `python -m bench ingest`) dealt round-robin into N lists,
N CLI processes started together, timed from the first spawn to the last exit. Reported:
documents/s, the speed-up over one process, and what was stored (documents, statements,
persons): concurrent writers must store the same persons as one writer does, or identity
resolution is racing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench import db, report
from bench.ingest import default_corpus, prepare_corpus

REPO = Path(__file__).resolve().parents[1]
DATABASE = "bench_parallel_ingest"


async def stored(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM source_document) AS documents,"
            " (SELECT count(*) FROM statement) AS statements,"
            " (SELECT count(*) FROM person WHERE merged_into_id IS NULL) AS persons"
        )
    finally:
        await conn.close()
    return dict(row)


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def run_processes(url: str, files: list[Path], n: int, logs: Path) -> dict[str, Any]:
    """N CLI processes, each given every n-th file; wall time from first spawn to last exit,
    and the machine's idle share meanwhile (none left: the cores, not a lock, are the limit)."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    slices = [files[k::n] for k in range(n)]
    idle_before, total_before = _cpu_times()
    started = time.perf_counter()
    processes = []
    for k, part in enumerate(slices):
        log = open(logs / f"parallel-{n}-{k}.log", "wb")  # noqa: SIM115 - closed below
        argv = [sys.executable, "-m", "service", "ingest", *map(str, part)]
        processes.append((subprocess.Popen(argv, env=env, cwd=REPO, stdout=log, stderr=log), log))
    statuses, cpu = [], 0.0
    for process, log in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        statuses.append(process.returncode)
        cpu += usage.ru_utime + usage.ru_stime
        log.close()
    wall = time.perf_counter() - started
    idle_after, total_after = _cpu_times()
    idle = (idle_after - idle_before) / max(1, total_after - total_before)
    return {
        "wall_seconds": wall,
        "exit_statuses": statuses,
        "cli_cpu_seconds": cpu,
        "machine_idle": idle,
    }


def run(args: argparse.Namespace) -> Path:
    source = Path(args.corpus) if args.corpus else default_corpus()
    report.TMP_DIR.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with db.provide_server(args.embedded) as server, tempfile.TemporaryDirectory() as tmp:
        corpus = prepare_corpus(source, args.copies, Path(tmp))
        files = sorted(corpus.glob("*.txt"))
        for n in args.processes:
            walls = []
            for _ in range(args.repeat):
                url = asyncio.run(db.fresh_database(server, DATABASE))
                result = run_processes(url, files, n, report.TMP_DIR)
                result.update(asyncio.run(stored(url)))
                walls.append(result)
            best = sorted(walls, key=lambda r: r["wall_seconds"])[len(walls) // 2]  # median
            best["processes"] = n
            best["documents_per_s"] = best["documents"] / best["wall_seconds"]
            best["walls"] = [round(r["wall_seconds"], 2) for r in walls]
            rows.append(best)
            print(
                f"  {n} process(es): {best['documents']} documents in "
                f"{best['wall_seconds']:.2f} s = {best['documents_per_s']:.1f}/s, "
                f"persons {best['persons']}, exits {best['exit_statuses']}",
                flush=True,
            )
        asyncio.run(db.drop_database(server, DATABASE))
        description = server.description
    one = next((r for r in rows if r["processes"] == 1), rows[0])
    for r in rows:
        r["speedup"] = r["documents_per_s"] / one["documents_per_s"]
    data = {
        "kind": "parallel_ingest",
        "command": report.command_line(),
        "server": description,
        "corpus": str(source),
        "files": len(files),
        "copies": args.copies,
        "rows": rows,
        "machine": report.machine(),
    }
    path = report.write("parallel-ingest", data, markdown(data))
    print(f"wrote {path}")
    return path


def markdown(data: dict[str, Any]) -> str:
    table = report.table(
        [
            "processes",
            "documents",
            "statements",
            "persons",
            "wall s (median; runs)",
            "documents/s",
            "speed-up",
            "machine idle",
            "exit statuses",
        ],
        [
            (
                r["processes"],
                r["documents"],
                r["statements"],
                r["persons"],
                f"{r['wall_seconds']:.2f} ({', '.join(map(str, r['walls']))})",
                f"{r['documents_per_s']:.1f}",
                f"{r['speedup']:.2f}x",
                f"{r['machine_idle']:.0%}",
                " ".join(map(str, r["exit_statuses"])),
            )
            for r in data["rows"]
        ],
    )
    cores = data["machine"].get("cores")
    return "\n".join(
        [
            "# Parallel ingestion",
            "",
            f"Command: `{data['command']}`",
            "",
            f"Corpus: {data['files']} documents ({data['copies']} perturbed copies of "
            f"`{data['corpus']}`), dealt round-robin to N `python -m service ingest` processes "
            "started together on a fresh database; wall time from the first spawn to the last "
            f"exit (start-up included). Server: {data['server']}.",
            "",
            table,
            "",
            f"The machine has {cores} cores, shared by the CLI processes (each also parses in "
            "worker processes) and PostgreSQL. 'Machine idle' is the share of CPU time no "
            "process used during the run: near 0% means the cores are the limit, so more "
            "processes cannot go faster here; a lock would show as idle time that grows with N. "
            "The same persons count at every N means concurrent writers resolved identities as "
            "one writer does.",
            "",
            report.machine_section(data["machine"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parallel_ingest", description=__doc__)
    parser.add_argument("--corpus", help=f"directory of *.txt transcripts [{default_corpus()}]")
    parser.add_argument("--copies", type=int, default=5, help="corpus copies [5]")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3, help="runs per N [3]")
    parser.add_argument("--embedded", action="store_true", help="use an embedded PostgreSQL")
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

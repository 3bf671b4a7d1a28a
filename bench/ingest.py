"""Ingestion benchmark: the real CLI (`python -m service ingest DIR`) into a fresh database.

Each run: a fresh, migrated database, then one CLI process ingesting the corpus directory,
timed from spawn to exit (interpreter start-up included), its peak memory taken from the
kernel's accounting for that child (wait4 ru_maxrss). The corpus can be multiplied with
--copies: copy k (k >= 1) of a file ends with an extra line "(Copy k.)", which changes its
near-duplicate key (service.ingestion.fingerprint: whitespace alone no longer does, so copies
made that way were all refused as already present after the first) and adds those two words to
the last turn; nothing else the parser finds changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench import db, report
from tests.data_paths import CORPUS

REPO = Path(__file__).resolve().parents[1]
DOCS_PER_S_TARGET = 20.0
RSS_TARGET_MB = 300.0
DATABASE = "bench_ingest"


def default_corpus() -> Path:
    """The development corpus the tests use (tests/data/corpus), real transcripts."""
    return CORPUS


def prepare_corpus(source: Path, copies: int, into: Path) -> Path:
    """``source`` itself for one copy, else a directory of perturbed copies."""
    if copies <= 1:
        return source
    for k in range(copies):
        for path in sorted(source.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            marked = text + (f"\n\n(Copy {k}.)\n" if k else "")
            (into / f"{k:03d}-{path.name}").write_text(marked, encoding="utf-8")
    return into


def run_cli(database_url: str, corpus: Path, log_path: Path) -> dict[str, Any]:
    """One `python -m service ingest` process: wall seconds, max RSS, exit status, summary."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "-m", "service", "ingest", str(corpus)]
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    output = log_path.read_text(errors="replace")
    summary = re.search(r"(\d+) created, (\d+) already present, (\d+) refused", output)
    return {
        "wall_seconds": wall,
        "max_rss_mb": usage.ru_maxrss / 1024,  # Linux: KiB
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "exit_status": process.returncode,
        "created": int(summary.group(1)) if summary else None,
        "refused": int(summary.group(3)) if summary else None,
        "command": " ".join(argv),
    }


async def stored_counts(database_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM source_document) AS documents,"
            " (SELECT count(*) FROM event) AS events,"
            " (SELECT count(*) FROM statement) AS statements,"
            " (SELECT count(*) FROM figure) AS figures"
        )
    finally:
        await conn.close()
    return dict(row)


def run(args: argparse.Namespace) -> Path:
    corpus_source = Path(args.corpus) if args.corpus else default_corpus()
    files = sorted(corpus_source.glob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt files in {corpus_source}")
    report.TMP_DIR.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    with db.provide_server(args.embedded) as server, tempfile.TemporaryDirectory() as tmp:
        corpus = prepare_corpus(corpus_source, args.copies, Path(tmp))
        # start-up cost alone: the same CLI on an empty directory (it reports NO_FILES)
        empty = Path(tmp) / "empty"
        empty.mkdir()
        url = asyncio.run(db.fresh_database(server, DATABASE))
        baseline = run_cli(url, empty, report.TMP_DIR / "ingest-baseline.log")
        for i in range(args.repeat):
            url = asyncio.run(db.fresh_database(server, DATABASE))
            result = run_cli(url, corpus, report.TMP_DIR / f"ingest-{i + 1}.log")
            result.update(asyncio.run(stored_counts(url)))
            result["documents_per_s"] = result["documents"] / result["wall_seconds"]
            result["statements_per_s"] = result["statements"] / result["wall_seconds"]
            steady = result["wall_seconds"] - baseline["wall_seconds"]
            result["documents_per_s_after_startup"] = result["documents"] / steady
            runs.append(result)
            print(
                f"  run {i + 1}: {result['documents']} documents, {result['statements']} "
                f"statements in {result['wall_seconds']:.2f} s = "
                f"{result['documents_per_s']:.1f} documents/s, max RSS "
                f"{result['max_rss_mb']:.0f} MB, exit {result['exit_status']}",
                flush=True,
            )
        if not args.keep:
            asyncio.run(db.drop_database(server, DATABASE))
        description = server.description
    data = {
        "kind": "ingest",
        "command": report.command_line(),
        "server": description,
        "corpus": str(corpus_source),
        "files": len(files),
        "copies": args.copies,
        "corpus_bytes": sum(p.stat().st_size for p in files) * max(1, args.copies),
        "baseline": baseline,
        "runs": runs,
        "summary": _summary(runs, baseline),
        "machine": report.machine(),
    }
    path = report.write("ingest", data, markdown(data))
    print(f"wrote {path}")
    return path


def _summary(runs: list[dict[str, Any]], baseline: dict[str, Any]) -> dict[str, Any]:
    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    return {
        "documents": runs[0]["documents"],
        "statements": runs[0]["statements"],
        "wall_seconds": median("wall_seconds"),
        "documents_per_s": median("documents_per_s"),
        "statements_per_s": median("statements_per_s"),
        "documents_per_s_after_startup": median("documents_per_s_after_startup"),
        "max_rss_mb": round(max(r["max_rss_mb"] for r in runs), 1),
        "startup_seconds": round(baseline["wall_seconds"], 2),
        "startup_rss_mb": round(baseline["max_rss_mb"], 1),
        "all_stored": all(r["exit_status"] == 0 and not r["refused"] for r in runs),
    }


def markdown(data: dict[str, Any]) -> str:
    s = data["summary"]
    rows = [
        (
            "documents / s",
            f"{s['documents_per_s']:.1f}",
            f">= {DOCS_PER_S_TARGET:g}",
            "yes" if s["documents_per_s"] >= DOCS_PER_S_TARGET else "**no**",
        ),
        ("documents / s after start-up", f"{s['documents_per_s_after_startup']:.1f}", "", ""),
        ("statements / s", f"{s['statements_per_s']:.0f}", "", ""),
        (
            "peak memory (max RSS) MB",
            f"{s['max_rss_mb']:.0f}",
            f"< {RSS_TARGET_MB:g}",
            "yes" if s["max_rss_mb"] < RSS_TARGET_MB else "**no**",
        ),
        ("wall time s", f"{s['wall_seconds']:.2f}", "", ""),
        (
            "start-up alone s / MB",
            f"{s['startup_seconds']:.2f} / {s['startup_rss_mb']:.0f}",
            "",
            "",
        ),
    ]
    per_run = [
        (
            i + 1,
            r["documents"],
            r["statements"],
            f"{r['wall_seconds']:.2f}",
            f"{r['cpu_seconds']:.2f}",
            f"{r['documents_per_s']:.1f}",
            f"{r['max_rss_mb']:.0f}",
            r["exit_status"],
            r["refused"],
        )
        for i, r in enumerate(data["runs"])
    ]
    return "\n".join(
        [
            "# Ingestion benchmark",
            "",
            f"Command: `{data['command']}`",
            "",
            f"Corpus: {data['files']} files from `{data['corpus']}` x {data['copies']} "
            f"cop{'y' if data['copies'] == 1 else 'ies'} ({data['corpus_bytes'] / 1e6:.2f} MB): "
            f"{s['documents']} documents, {s['statements']} statements stored per run. "
            f"Server: {data['server']}.",
            "",
            "Each run ingests into a fresh migrated database with one "
            "`python -m service ingest DIR` process; wall time is from spawn to exit "
            "(interpreter start-up and imports included), "
            "peak memory is that process's max RSS (wait4). 'After start-up' subtracts the wall "
            "time of the same command on an empty directory. Median over runs; memory is the max.",
            "",
            report.table(["measure", "value", "target", "met"], rows),
            "",
            report.table(
                [
                    "run",
                    "documents",
                    "statements",
                    "wall s",
                    "CPU s",
                    "documents/s",
                    "max RSS MB",
                    "exit",
                    "refused",
                ],
                per_run,
            ),
            "",
            report.machine_section(data["machine"]),
        ]
    )


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", help=f"directory of *.txt transcripts [{default_corpus()}]")
    p.add_argument(
        "--copies",
        type=int,
        default=5,
        help="ingest the corpus this many times per run, perturbed [5]",
    )
    p.add_argument("--repeat", type=int, default=3, help="runs, each on a fresh database [3]")
    p.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")

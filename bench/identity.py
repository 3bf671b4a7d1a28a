"""Person identity at archive scale (issue 12): `python -m bench.identity [--documents N]`.

Generates the synthetic archive of tests/identity_archive.py (known true speakers), parses
every page with the real parser, and stores it through the real write path into a fresh
database (bench_identity). Reported:

- quality over the whole archive: persons per 1,000 statements, wrong merges, duplicates,
  non-persons, from the generator's truth;
- speed of ingestion into a database already holding ``--documents`` pages: the last
  ``--timed`` pages are stored one by one (parsing done beforehand, timed separately), as
  documents/s and persons/s (person refs resolved per second);
- the time of ``persons dedupe`` (dry run, then applied) on the full database.

Results go to bench/results/identity-YYYYMMDD.md (and .json).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench import db

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from identity_archive import make_archive, score

from service.ingestion.pipeline import parse_document
from service.storage.documents import store_document

RESULTS = Path(__file__).resolve().parent / "results"


async def run(
    server: db.Server, documents: int, timed: int, people: int, seed: int
) -> dict[str, object]:
    from service.cli_persons import dedupe, dedupe_with_report  # the command's own path

    url = await db.fresh_database(server, "bench_identity")
    docs = make_archive(seed=seed, documents=documents + timed, people=people)
    t0 = time.perf_counter()
    parsed = [parse_document(d.text, filename=d.filename, source_url=d.source_url) for d in docs]
    parse_s = time.perf_counter() - t0
    conn = await asyncpg.connect(url)
    try:
        t0 = time.perf_counter()
        for p in parsed[:documents]:
            await store_document(conn, p)
        preload_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        refs = 0
        for p in parsed[documents:]:
            await store_document(conn, p)
            refs += len(p.persons)
        timed_s = time.perf_counter() - t0
        before = await score(conn, docs)
        t0 = time.perf_counter()
        dry = await dedupe_with_report(conn, apply=False)
        proposals = dry.proposals
        dry_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        applied = await dedupe(conn, apply=True)
        apply_s = time.perf_counter() - t0
        after = await score(conn, docs)
    finally:
        await conn.close()
    return {
        "date": dt.date.today().isoformat(),
        "server": server.description,
        "documents_preloaded": documents,
        "documents_timed": timed,
        "people": people,
        "seed": seed,
        "parse_docs_per_s": round(len(parsed) / parse_s, 1),
        "preload_docs_per_s": round(documents / preload_s, 1),
        "timed_docs_per_s": round(timed / timed_s, 1),
        "timed_person_refs_per_s": round(refs / timed_s, 1),
        "dedupe_dry_run_s": round(dry_s, 2),
        "dedupe_apply_s": round(apply_s, 2),
        "dedupe_proposed": len(proposals),
        "dedupe_applied": len(applied),
        "dedupe_by_rule": _by_rule(applied),
        "dedupe_undecided": len(dry.undecided),
        "ingested": _score(before),
        "after_dedupe": _score(after),
    }


def _by_rule(proposals: list[Any]) -> dict[str, int]:
    """Merges per dedupe rule (same_wikidata_id, same_full_name, surname_only, ...)."""
    counts: dict[str, int] = {}
    for p in proposals:
        counts[p.evidence["rule"]] = counts.get(p.evidence["rule"], 0) + 1
    return dict(sorted(counts.items()))


def _score(s: object) -> dict[str, object]:
    return {
        "statements": s.statements,
        "persons": s.persons,
        "persons_per_1000_statements": round(s.persons_per_1000, 1),
        "true_persons": s.true_persons,
        "wrong_merges": s.wrong_merges,
        "duplicates": s.duplicates,
        "duplicate_rate": round(s.duplicate_rate, 3),
        "non_persons": s.non_persons,
        "unresolved_turns": s.unresolved,
        "examples": s.examples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.identity", description=__doc__)
    parser.add_argument("--documents", type=int, default=5000, help="pages stored first")
    parser.add_argument("--timed", type=int, default=500, help="pages then stored, timed")
    parser.add_argument("--people", type=int, default=600, help="distinct people generated")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--embedded", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, keep no result file")
    parser.add_argument("--tag", default="", help="results file suffix: identity-DATE-TAG.md")
    args = parser.parse_args(argv)
    with db.provide_server(args.embedded) as server:
        result = asyncio.run(run(server, args.documents, args.timed, args.people, args.seed))
    text = json.dumps(result, indent=2)
    print(text)
    if not args.no_write:
        stamp = dt.date.today().strftime("%Y%m%d") + (f"-{args.tag}" if args.tag else "")
        (RESULTS / f"identity-{stamp}.json").write_text(text + "\n")
        (RESULTS / f"identity-{stamp}.md").write_text(_markdown(result, argv))
    return 0


def _markdown(r: dict[str, object], argv: list[str] | None) -> str:
    command = " ".join(["python -m bench.identity", *(argv or sys.argv[1:])])
    rows = "\n".join(
        f"| {k} | {r['ingested'][k]} | {r['after_dedupe'][k]} |"  # type: ignore[index]
        for k in (
            "statements",
            "persons",
            "persons_per_1000_statements",
            "true_persons",
            "wrong_merges",
            "duplicates",
            "duplicate_rate",
            "non_persons",
            "unresolved_turns",
        )
    )
    return f"""# Person identity at archive scale ({r["date"]})

`{command}` on {r["server"]}. The synthetic archive of tests/identity_archive.py (seed
{r["seed"]}, {r["people"]} people) is parsed by the real parser, then stored page by page through
`store_document` (one transaction a page) into a fresh database: {r["documents_preloaded"]} pages
first, then {r["documents_timed"]} more timed, into a database that already holds them. Parsing is
timed apart. `persons dedupe` is then timed as a dry run and applied, on all the pages. Quality is
counted from the generator's truth over every page. The 2-core machine was shared with other
work while this ran: absolute speeds vary by 2x from run to run.

| speed | |
|---|---|
| parsing (pages/s) | {r["parse_docs_per_s"]} |
| storing the first pages (pages/s) | {r["preload_docs_per_s"]} |
| storing into the full database (pages/s) | {r["timed_docs_per_s"]} |
| ... persons resolved per second | {r["timed_person_refs_per_s"]} |
| dedupe, dry run (s) | {r["dedupe_dry_run_s"]} |
| dedupe, applied (s) | {r["dedupe_apply_s"]} ({r["dedupe_applied"]} merges) |
| ... merges per rule | {r["dedupe_by_rule"]} |
| ... surname-only persons left undecided | {r["dedupe_undecided"]} |

| quality | as ingested | after dedupe |
|---|---|---|
{rows}
"""


if __name__ == "__main__":
    raise SystemExit(main())

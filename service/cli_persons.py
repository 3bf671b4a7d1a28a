"""`python -m service persons dedupe [--dry-run]`: repairing duplicate persons.

Declared here rather than in service/cli.py, which registers it (``add_commands``). The rules
are service/storage/persons.py's ``propose_merges``: the same Wikidata id, the same full name
after spelling folds, or a name one letter off another person's of the same period; and
``propose_surname_merges``: a person named by surname alone into the one full-name person of
that surname (or of the surname it misprints one letter off, when no full name has its own)
the evidence points to (same source and period, same office at the date, or persons met in
common), reported as undecided when several fit. Each merge uses the curation
merge (the old id keeps resolving) and is recorded in person_merge with its evidence.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import asyncpg

from service.config import Settings
from service.storage import persons


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("persons", help="maintain person identity (dedupe)")
    sub = p.add_subparsers(title="persons commands", metavar="PERSONS_COMMAND", required=True)
    dd = sub.add_parser(
        "dedupe",
        help="propose and apply merges of duplicate persons, with their evidence",
        description="Find duplicate persons (same Wikidata id; same full name under spelling "
        "variants; a name one letter off another of the same period; a surname alone, or "
        "misprinted one letter off, whose evidence points to one full-name person of that "
        "surname) and merge each into the person with more statements (a surname alone: "
        "into the full name). --dry-run lists them, and the surname-only persons several "
        "could be, and changes nothing.",
    )
    dd.add_argument("--dry-run", action="store_true", help="list the merges, change nothing")
    dd.add_argument("--json", action="store_true", help="one JSON object per proposed merge")
    dd.set_defaults(handler=dedupe_command)


async def dedupe(conn: asyncpg.Connection, apply: bool) -> list[persons.Proposal]:
    """The proposed merges; applied (and recorded) when ``apply``. Returns what was proposed,
    or, when applying, what was merged."""
    return (await dedupe_with_report(conn, apply)).proposals


async def dedupe_with_report(conn: asyncpg.Connection, apply: bool) -> persons.DedupeReport:
    """``dedupe``, with the surname-only persons left undecided (several candidates fit)."""
    report = await persons.dedupe_report(conn)
    if not apply:
        return report
    applied = []
    for p in report.proposals:
        if await persons.apply_merges(conn, [p]):
            applied.append(p)
    return persons.DedupeReport(applied, report.undecided)


def dedupe_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database

    with database.provide_database(settings, exclusive=False) as url:
        report = asyncio.run(_dedupe(url, settings, apply=not args.dry_run))
    for p in report.proposals:
        if args.json:
            print(json.dumps(
                {"keep": p.keep, "merge": p.merge, "keep_name": p.keep_name,
                 "merge_name": p.merge_name, "evidence": p.evidence}
            ))  # fmt: skip
        else:
            print(f"{p.merge_name!r} ({p.merge}) -> {p.keep_name!r} ({p.keep}): {p.evidence}")
    if args.dry_run:  # what a person must decide: the candidates and their evidence
        for u in report.undecided:
            candidates = [{"id": i, "name": n, "evidence": e} for i, n, e in u.candidates]
            if args.json:
                print(json.dumps({"undecided": u.id, "name": u.name, "candidates": candidates}))
            else:
                listed = "; ".join(
                    f"{c['name']!r} ({c['id']}): {c['evidence']}" for c in candidates
                )
                print(f"undecided {u.name!r} ({u.id}): {listed}")
    verb = "would merge" if args.dry_run else "merged"
    print(
        f"{verb} {len(report.proposals)} persons, {len(report.undecided)} undecided, "
        f"in {time.monotonic() - started:.1f}s",
        file=sys.stderr,
    )
    return 0


async def _dedupe(url: str, settings: Settings, apply: bool) -> persons.DedupeReport:
    from service.database import connect

    conn = await connect(url, settings.db_connect_timeout)
    try:
        return await dedupe_with_report(conn, apply)
    finally:
        await conn.close()

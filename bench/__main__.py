"""`python -m bench {synthetic,load,scale,compare,ingest,termstats,all}` (no command: all).

See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from bench import db, ingest, load, report, synthetic, termstats

DEFAULT_DATABASE = "bench_synthetic"
DEFAULT_STATEMENTS = 200_000
DEFAULT_SEED = 20061204
SCALE_DATABASE = "bench_1m"
SCALE_STATEMENTS = 1_000_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of the transcripts service. Results: bench/results/.",
        epilog="Server: --embedded starts service.embedded_pg in a scratch directory; else "
        "BENCH_DATABASE_URL, else DATABASE_URL (only its server is used), else "
        f"{db.DEFAULT_SERVER}. Databases used: bench_* only, created fresh.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(
        p: argparse.ArgumentParser,
        corpus: bool = True,
        database: str = DEFAULT_DATABASE,
        statements: int = DEFAULT_STATEMENTS,
    ) -> None:
        p.add_argument(
            "--embedded", action="store_true", help="use an embedded PostgreSQL instead of a server"
        )
        if corpus:
            p.add_argument(
                "--database", default=database, help=f"synthetic database name [{database}]"
            )
            p.add_argument(
                "--statements",
                type=int,
                default=statements,
                help=f"synthetic corpus size [{statements}]",
            )
            p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")

    p = commands.add_parser("synthetic", help="generate the synthetic corpus into a fresh database")
    common(p)
    p = commands.add_parser("load", help="wrk load test of the service on the synthetic corpus")
    common(p)
    p.add_argument("--rebuild", action="store_true", help="regenerate even if up to date")
    load.add_arguments(p)
    p = commands.add_parser(
        "scale",
        help="the service alone at 1,000,000 statements: the load queries plus a common word's "
        "search and counts by month",
    )
    common(p, database=SCALE_DATABASE, statements=SCALE_STATEMENTS)
    p.add_argument("--rebuild", action="store_true", help="regenerate even if up to date")
    load.add_arguments(p)
    p.set_defaults(queries=",".join(load.QUERIES + load.SCALE_QUERIES))
    p = commands.add_parser("compare", help="the load test against the service and PostGraphile")
    common(p)
    p.add_argument("--rebuild", action="store_true", help="regenerate even if up to date")
    load.add_arguments(p)
    p = commands.add_parser("ingest", help="CLI ingestion speed and memory on the real corpus")
    common(p, corpus=False)
    ingest.add_arguments(p)
    p = commands.add_parser(
        "termstats", help="probe search frequencies: real corpus against the synthetic one"
    )
    common(p)
    termstats.add_arguments(p)
    p = commands.add_parser("all", help="synthetic (fresh), ingest, then load")
    common(p)
    load.add_arguments(p)
    ingest.add_arguments(p)
    return parser


def synthetic_command(args: argparse.Namespace) -> None:
    with db.provide_server(args.embedded) as server:
        stats = asyncio.run(synthetic.build(server, args.database, args.statements, args.seed))
        description = server.description
    print(json.dumps(stats, indent=2))
    data = {
        "kind": "synthetic",
        "command": report.command_line(),
        "server": description,
        **stats,
        "machine": report.machine(),
    }
    rows = [(table, f"{n:,}") for table, n in stats["rows"].items()]
    md = "\n".join(
        [
            "# Synthetic corpus",
            "",
            f"Command: `{data['command']}`",
            "",
            f"Database `{stats['database']}` on {description}: {stats['database_size']}, loaded in "
            f"{stats['seconds']} s (generating rows {stats['generate_seconds']} s, COPY "
            f"{stats['copy_seconds']} s, VACUUM ANALYZE {stats['analyze_seconds']} s; migrations "
            f"{stats['migrate_seconds']} s before). Seed {stats['seed']}.",
            "",
            report.table(["table", "rows"], rows),
            "",
            "Offsets checked against the stored document text (1% sample): "
            + "; ".join(f"{t}: {v}" for t, v in stats.get("verified", {}).items())
            + ".",
            "",
            report.machine_section(data["machine"]),
        ]
    )
    print(f"wrote {report.write('synthetic', data, md)}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv or ["all"])  # bare `python -m bench` runs all
    if args.command == "synthetic":
        synthetic_command(args)
    elif args.command == "load":
        load.run(args, ["service"])
    elif args.command == "scale":
        load.run(args, ["service"], kind="scale")
    elif args.command == "compare":
        load.run(args, ["service", "postgraphile"])
    elif args.command == "ingest":
        ingest.run(args)
    elif args.command == "termstats":
        termstats.run(args)
    elif args.command == "all":
        ingest.run(args)
        if args.embedded:  # an embedded server lives for one command: load generates its own
            args.rebuild = True
        else:
            synthetic_command(args)
            args.rebuild = False  # just generated
        load.run(args, ["service"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

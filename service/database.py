"""Which database, connecting to it patiently, the asyncpg pool, and the readiness check."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson

from service.config import Settings
from service.embedded_pg import DataDirBusy, EmbeddedPostgres, ensure_database
from service.storage import sessions

log = logging.getLogger(__name__)

APP_DATABASE = "transcripts"
ATTEMPT_TIMEOUT = 5.0  # seconds for one connection attempt
READINESS_TIMEOUT = 3.0
LISTENER_APPLICATION = "transcripts-service-listener"  # pg_stat_activity.application_name
PLAN_CACHE_MODES = {False: "force_custom_plan", True: "force_generic_plan"}  # by "generic?"

# Errors that retrying cannot fix: wrong password, unknown role or database, bad URL syntax.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidPasswordError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.ClientConfigurationError,
    ValueError,
)


class DatabaseConnectError(RuntimeError):
    """One clear line: which database could not be used, and why."""


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextlib.contextmanager
def provide_database(settings: Settings, *, exclusive: bool) -> Iterator[str]:
    """Yield the application database URL: DATABASE_URL as given, or the embedded server's.

    ``exclusive`` (the service) insists on owning the embedded server and fails fast when
    another process does; otherwise (the CLI) a running server is used, or one is started for
    the duration and stopped afterwards. The CLI's one-off commands (migrate, ingest, tokens)
    get DATABASE_DIRECT_URL when set: they hold a session, which a transaction pooler does not
    give.
    """
    global _owned_server
    if settings.database_url:
        yield settings.database_url if exclusive else direct_url(settings, settings.database_url)
        return
    server = EmbeddedPostgres(settings.data_dir)
    owner = True
    try:
        admin_url = server.start()
    except DataDirBusy:
        if exclusive:
            raise
        admin_url = server.attach()
        owner = False
    try:
        url = _ensure_database_patiently(admin_url, settings.db_connect_timeout)
        if owner and exclusive:
            _owned_server = server
        yield url
    finally:
        if _owned_server is server:
            _owned_server = None
        server.stop()


_owned_server: EmbeddedPostgres | None = None


def owned_server() -> EmbeddedPostgres | None:
    """The embedded server this process owns for the service (provide_database, exclusive),
    which the app's lifespan supervises; None with DATABASE_URL or in a worker process."""
    return _owned_server


# psycopg reports these only in the message (no SQLSTATE before a connection exists).
_NOT_YET = ("starting up", "not yet accepting connections", "Connection refused")


def _ensure_database_patiently(admin_url: str, timeout: float) -> str:
    """ensure_database, retried while the server is still starting (crash recovery after a
    kill: "the database system is starting up") rather than failing the start."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            return ensure_database(admin_url, APP_DATABASE)
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline or not any(s in str(exc) for s in _NOT_YET):
                detail = " ".join(str(exc).split())  # psycopg's message, no class name
                raise DatabaseConnectError(
                    f"cannot create the database {APP_DATABASE} on the embedded PostgreSQL "
                    f"({detail})"
                ) from None
            log.info("embedded PostgreSQL not accepting connections yet; retrying")
            time.sleep(0.2)


async def _codecs(conn: asyncpg.Connection) -> None:
    """json/jsonb in and out through orjson (faster, and str-keyed dicts as users expect)."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name,
            schema="pg_catalog",
            encoder=lambda value: orjson.dumps(value).decode(),
            decoder=orjson.loads,
        )


def _server_settings(settings: Settings) -> dict[str, str]:
    """Startup parameters of the service's pooled connections.

    Direct: the API's settings (service.storage.sessions), as startup parameters rather than
    SET, since pooled connections are released without RESET ALL. Behind a pooler: only the
    application name, which PgBouncer knows; the Reader sets the rest per transaction.
    """
    if settings.behind_pooler:
        return {"application_name": sessions.APPLICATION_NAME}
    return {
        **sessions.api_settings(settings.statement_timeout_ms),
        "application_name": sessions.APPLICATION_NAME,
        # Plans for each execution's values. After five runs of a prepared statement PostgreSQL
        # may switch to one generic plan; on PostgreSQL 18 the mission query's (a speaker's
        # statements on a topic) then took 8-10 ms instead of 1.5 ms, planning included.
        # A statement that plans alike for all values may ask for one: plan_generically.
        "plan_cache_mode": PLAN_CACHE_MODES[False],
    }


def direct_url(settings: Settings, url: str) -> str:
    """The primary without a pooler (DATABASE_DIRECT_URL), for migrations and one-off commands;
    ``url`` (DATABASE_URL or the embedded server's) when none is set."""
    return settings.database_direct_url or url


def listen_url(settings: Settings, url: str) -> str | None:
    """Where the name cache LISTENs: a session of its own on the primary. None when only a
    transaction-mode pooler is known: a LISTEN there would be silently lost, so no cache."""
    if settings.database_direct_url:
        return settings.database_direct_url
    if settings.behind_pooler:
        log.warning(
            "name cache off: LISTEN does not work through DATABASE_POOLER=%s; set "
            "DATABASE_DIRECT_URL to the unpooled primary",
            settings.database_pooler,
        )
        return None
    return url


async def retry(attempt: Any, url: str, timeout: float, *, what: str = "connect to") -> Any:
    """Call ``attempt()`` until it succeeds, backing off up to ``timeout`` seconds in total."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while True:
        try:
            return await attempt()
        except PERMANENT_ERRORS as exc:
            raise DatabaseConnectError(
                f"cannot {what} the database {redacted(url)}: {describe(exc)}"
            ) from None
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # incl. timeouts
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DatabaseConnectError(
                    f"database {redacted(url)} unreachable after {timeout:g} s "
                    f"({describe(exc)}). Fix: check DATABASE_URL and that the server is up"
                ) from None
            log.info("database not reachable yet (%s); retrying", describe(exc))
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, 5.0)


async def connect(url: str, timeout: float) -> asyncpg.Connection:
    """One connection (the CLI's), retried with backoff for up to ``timeout`` seconds."""

    async def attempt() -> asyncpg.Connection:
        conn = await asyncpg.connect(url, timeout=ATTEMPT_TIMEOUT)
        await _codecs(conn)
        return conn

    return await retry(attempt, url, timeout)


async def listener_connection(url: str) -> asyncpg.Connection:
    """One attempt at the connection the name cache LISTENs on (its owner retries)."""
    return await asyncpg.connect(
        url, timeout=ATTEMPT_TIMEOUT, server_settings={"application_name": LISTENER_APPLICATION}
    )


class PooledConnection(asyncpg.Connection):
    """A pool connection released without asyncpg's reset query.

    That query (RESET ALL, CLOSE ALL, UNLISTEN *, pg_advisory_unlock_all) is one more round
    trip per release, 7-11% of the compiled path's CPU under load. The service leaves no session
    state behind unknowingly: settings are startup parameters (but for plan_cache_mode, which
    the connection tracks and every Reader statement sets as it needs), locks are
    transaction-scoped, LISTEN has its own connection, no cursors outlive a transaction.
    asyncpg still rolls back a transaction left open and drops listeners on release; only the
    query is skipped.
    """

    generic_plans = False  # plan_cache_mode as last set: the startup setting is custom

    def get_reset_query(self) -> str:
        return ""

    async def plan_generically(self, generic: bool) -> None:
        """Set plan_cache_mode for the statements that follow; a SET only when it changes.

        Outside a transaction only: rolling one back would undo the SET, not the tracking.
        """
        if generic != self.generic_plans:
            await self.execute(f"SET plan_cache_mode = {PLAN_CACHE_MODES[generic]}")
            self.generic_plans = generic


class PoolerConnection(asyncpg.Connection):
    """A pool connection to a transaction-mode pooler: no reset query (it would run on whatever
    server connection the pooler picks, not on the session it means to clean), and no
    plan_generically: there is no session to set a plan mode on. Its statements are unnamed
    (statement cache 0), so each is planned for its own values."""

    def get_reset_query(self) -> str:
        return ""


async def create_pool(url: str, settings: Settings) -> asyncpg.Pool:
    """The service's pool, retried with backoff for up to DB_CONNECT_TIMEOUT seconds.

    asyncpg replaces dead connections on acquire, so the pool outlives database restarts.
    """

    async def attempt() -> asyncpg.Pool:
        return await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=settings.db_pool_size,
            timeout=ATTEMPT_TIMEOUT,
            init=_codecs,
            server_settings=_server_settings(settings),
            statement_cache_size=settings.statement_cache_size,
            connection_class=PoolerConnection if settings.behind_pooler else PooledConnection,
        )

    return await retry(attempt, url, settings.db_connect_timeout)


async def wait_until_reachable(url: str, timeout: float) -> None:
    conn = await connect(url, timeout)
    await conn.close()


async def readiness(
    pool: asyncpg.Pool, head: str, known: frozenset[str] = frozenset()
) -> str | None:
    """None when ready; otherwise why not (database unreachable, migrations not at head).

    A database ahead of this code (at a revision not in ``known``) is ready when the migration
    step recorded that its revision serves ``head`` (service.storage.migrate): rolling deploys.
    """
    try:
        async with asyncio.timeout(READINESS_TIMEOUT), pool.acquire() as conn:
            current, serves_head = await _revision(conn, head)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # The details (exception class, server message, addresses) go to the log, not to the
        # public endpoint.
        log.info("not ready: database unreachable (%s)", describe(exc))
        return "database unreachable"
    if current is None:
        return f"migrations not applied (expected revision {head}); run `python -m service migrate`"
    if current == head or (serves_head and current not in known):
        return None
    if current in known or not known:
        return (
            f"migrations not at head (database at {current}, expected {head}); "
            "run `python -m service migrate`"
        )
    return (
        f"database at revision {current}, newer than this code's {head} and not declared "
        f"compatible with it (a contract migration); deploy the code that has {current}"
    )


async def _revision(conn: asyncpg.Connection, head: str) -> tuple[str | None, bool]:
    """The database's revision, and whether the migration step recorded that it serves code at
    ``head``. Either table may be missing: an empty database; one migrated before compatibility
    was recorded."""
    tables = await conn.fetchrow(
        "SELECT to_regclass('alembic_version') IS NOT NULL AS version,"
        " to_regclass('alembic_version_compatibility') IS NOT NULL AS compatibility"
    )
    if not tables["version"]:
        return None, False
    current = await conn.fetchval("SELECT version_num FROM alembic_version")
    if current is None or current == head or not tables["compatibility"]:
        return current, False
    serves = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM alembic_version_compatibility"
        " WHERE database_revision = $1 AND code_revision = $2)",
        current,
        head,
    )
    return current, bool(serves)


_REPLICA_LAG = """
SELECT pg_is_in_recovery() AS standby,
       CASE WHEN NOT pg_is_in_recovery()
              OR pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
            THEN 0  -- everything received is replayed: an idle primary is no lag
            -- behind since the last transaction it replayed, or since it started if none
            ELSE extract(epoch FROM now() - coalesce(pg_last_xact_replay_timestamp(),
                                                     pg_postmaster_start_time()))
       END::float8 AS lag
"""
_READ_ONLY = """
SELECT current_setting('transaction_read_only') = 'on' AS read_only,
       pg_is_in_recovery() AS standby
"""


async def role_readiness(
    pool: asyncpg.Pool, read_pool: asyncpg.Pool | None, max_lag: float
) -> tuple[str | None, dict[str, Any]]:
    """(why not ready, what to add to /readyz) for the connection roles.

    A read replica that cannot be reached, or replays more than ``max_lag`` seconds behind,
    makes the service unready: its answers would be stale. A read-only primary (a hot standby,
    or default_transaction_read_only) does not, since reads still work, but it is reported:
    every mutation fails with READ_ONLY until it is writable again.
    """
    extra: dict[str, Any] = {}
    try:
        async with asyncio.timeout(READINESS_TIMEOUT), pool.acquire() as conn:
            primary = await conn.fetchrow(_READ_ONLY)
        if primary["read_only"]:
            why = "a hot standby" if primary["standby"] else "default_transaction_read_only"
            extra["readOnly"] = f"the primary database is read-only ({why}); writes fail"
        if read_pool is not None:
            async with asyncio.timeout(READINESS_TIMEOUT), read_pool.acquire() as conn:
                replica = await conn.fetchrow(_REPLICA_LAG)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        log.info("not ready: database or read replica unreachable (%s)", describe(exc))
        return "database or read replica unreachable", extra
    if read_pool is not None:
        extra["replicaLagSeconds"] = round(replica["lag"], 3)
        if replica["lag"] > max_lag:
            return (
                f"read replica lags {replica['lag']:.1f} s behind the primary"
                f" (more than REPLICA_MAX_LAG_SECONDS={max_lag:g})",
                extra,
            )
    return None, extra


def upgrade_schema(url: str) -> str:
    """Blocking: apply migrations; returns the head revision."""
    from service.storage import migrate  # Alembic takes ~0.5 s to import; only serve needs it

    migrate.upgrade(url)
    return migrate.head_revision()

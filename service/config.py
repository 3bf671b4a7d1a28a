"""Configuration from the environment, validated once at start-up.

Every setting is listed in README.md with its default. An invalid value raises ConfigError with
one line that names the variable and what it accepts; the CLI prints it and exits non-zero.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """One clear line about one bad setting."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def _int(minimum: int, maximum: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a whole number") from None
        if not minimum <= value <= maximum:
            raise ConfigError(f"{name}={value} is out of range ({minimum}..{maximum})")
        return value

    return parse


def _without_password(url: str) -> str:
    """The URL as it may be shown in an error: any password replaced by ***."""
    at = url.rfind("@")
    if at < 0:
        return url
    head, tail = url[:at], url[at:]
    scheme, sep, userinfo = head.rpartition("://")
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}{sep}{user}{colon}{'***' if colon else ''}{tail}"


def _database_url(name: str, raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    shown = _without_password(raw)
    try:
        parts = urlsplit(raw)
        _ = parts.port
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL (port or address): {shown!r}") from None
    if parts.scheme not in {"postgresql", "postgres"} or not (parts.hostname or parts.query):
        raise ConfigError(
            f"{name} must look like postgresql://user:password@host:5432/dbname (got {shown!r})"
        )
    return raw


def _optional_int(minimum: int, maximum: int) -> Callable[[str, str], int | None]:
    whole = _int(minimum, maximum)

    def parse(name: str, raw: str) -> int | None:
        return whole(name, raw) if raw.strip() else None

    return parse


POOLERS = ("none", "pgbouncer")


def _pooler(name: str, raw: str) -> str:
    value = raw.strip().lower() or "none"
    if value not in POOLERS:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(POOLERS)}")
    return value


def _log_level(name: str, raw: str) -> str:
    value = raw.strip().upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"{name}={raw!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return value


def _origins(name: str, raw: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in raw.split(",") if o.strip())


def _log_format(name: str, raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"text", "json"}:
        raise ConfigError(f"{name}={raw!r} is not one of text, json")
    return value


def _text(name: str, raw: str) -> str:
    return raw


def _optional_text(name: str, raw: str) -> str | None:
    return raw or None


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def setting(env: str, default: Any, parse: Callable[[str, str], Any], doc: str) -> Any:
    return field(default=default, metadata={"env": env, "parse": parse, "doc": doc})


@dataclass(frozen=True)
class Settings:
    database_url: str | None = setting(
        "DATABASE_URL",
        None,
        _database_url,
        "PostgreSQL to use. Unset: start the embedded server in SERVICE_DATA_DIR.",
    )
    database_read_url: str | None = setting(
        "DATABASE_READ_URL",
        None,
        _database_url,
        "Read replica (hot standby) for GraphQL queries; mutations, and reads after a write in"
        " the same request, use DATABASE_URL. Unset: everything on DATABASE_URL.",
    )
    database_direct_url: str | None = setting(
        "DATABASE_DIRECT_URL",
        None,
        _database_url,
        "Unpooled URL of the primary for migrations, the name cache's LISTEN and CLI commands."
        " Unset: DATABASE_URL.",
    )
    database_pooler: str = setting(
        "DATABASE_POOLER",
        "none",
        _pooler,
        "pgbouncer: DATABASE_URL/DATABASE_READ_URL go through a transaction-mode pooler (no"
        " statement cache, settings per transaction).",
    )
    database_statement_cache_size: int | None = setting(
        "DATABASE_STATEMENT_CACHE_SIZE",
        None,
        _optional_int(0, 100_000),
        "asyncpg prepared statements kept per connection. Unset: 100, or 0 behind a pooler.",
    )
    replica_max_lag_seconds: int = setting(
        "REPLICA_MAX_LAG_SECONDS",
        30,
        _int(1, 86_400),
        "/readyz reports unavailable while the read replica replays this far behind.",
    )
    data_dir: Path = setting(
        "SERVICE_DATA_DIR",
        Path(".data"),
        _path,
        "Embedded PostgreSQL's data, socket and log directory.",
    )
    host: str = setting("HOST", "127.0.0.1", _text, "Address the HTTP server binds.")
    port: int = setting("PORT", 8000, _int(1, 65535), "Port the HTTP server binds.")
    admin_token: str | None = setting(
        "ADMIN_TOKEN",
        None,
        _optional_text,
        "Bearer token with write access (bootstrapping, automation).",
    )
    load_sample: bool = setting(
        "LOAD_SAMPLE", True, _bool, "Load the bundled sample transcripts at start (idempotent)."
    )
    log_level: str = setting("LOG_LEVEL", "INFO", _log_level, "Python log level.")
    db_connect_timeout: int = setting(
        "DB_CONNECT_TIMEOUT",
        30,
        _int(1, 3600),
        "Seconds to keep retrying the database at start-up before giving up.",
    )
    db_pool_size: int = setting(
        "DB_POOL_SIZE",
        10,
        _int(1, 1000),
        "asyncpg pool size: the PostgreSQL connections one service process may hold.",
    )
    statement_timeout_ms: int = setting(
        "STATEMENT_TIMEOUT_MS",
        5000,
        _int(1, 3_600_000),
        "PostgreSQL statement_timeout for API queries.",
    )
    max_body_bytes: int = setting(
        "MAX_BODY_BYTES",
        5_000_000,
        _int(1024, 1_000_000_000),
        "Largest accepted HTTP request body.",
    )
    request_read_timeout: int = setting(
        "REQUEST_READ_TIMEOUT",
        10,
        _int(1, 3600),
        "Seconds a request's headers may take, and its body may stall, before the client is"
        " dropped (408).",
    )
    shutdown_timeout: int = setting(
        "SHUTDOWN_TIMEOUT",
        10,
        _int(1, 3600),
        "Seconds a stop waits for requests in flight before closing them.",
    )
    max_document_chars: int = setting(
        "MAX_DOCUMENT_CHARS",
        2_000_000,
        _int(1000, 100_000_000),
        "Largest transcript accepted for ingestion (TOO_LARGE beyond).",
    )
    max_query_depth: int = setting("MAX_QUERY_DEPTH", 12, _int(1, 1000), "GraphQL depth limit.")
    max_aliases: int = setting("MAX_ALIASES", 30, _int(1, 10_000), "Aliases per GraphQL document.")
    max_tokens: int = setting(
        "MAX_QUERY_TOKENS", 2000, _int(10, 1_000_000), "Lexer tokens per GraphQL document."
    )
    max_page_size: int = setting("MAX_PAGE_SIZE", 100, _int(1, 10_000), "Cap on first/last.")
    max_query_cost: int = setting(
        "MAX_QUERY_COST",
        25_000,
        _int(1, 100_000_000),
        "Nodes a query may return: page sizes multiplied along each path, summed.",
    )
    max_response_bytes: int = setting(
        "MAX_RESPONSE_BYTES",
        10_000_000,
        _int(1024, 1_000_000_000),
        "Largest GraphQL response body (RESPONSE_TOO_LARGE beyond).",
    )
    max_name_chars: int = setting(
        "MAX_NAME_CHARS",
        300,
        _int(10, 100_000),
        "Longest name argument (speaker, person, topic...; BAD_USER_INPUT beyond).",
    )
    max_search_chars: int = setting(
        "MAX_SEARCH_CHARS",
        1000,
        _int(10, 1_000_000),
        "Longest search text (search query, text filters; BAD_USER_INPUT beyond).",
    )
    name_cache_size: int = setting(
        "NAME_CACHE_SIZE",
        10_000,
        _int(0, 1_000_000),
        "Name look-ups kept per process, shared by requests (0: no cache).",
    )
    introspection: bool = setting("INTROSPECTION", True, _bool, "Allow schema introspection.")
    graphiql: bool = setting("GRAPHIQL", True, _bool, "Serve GraphiQL on GET /graphql.")
    cors_origins: tuple[str, ...] = setting(
        "CORS_ORIGINS", (), _origins, "Comma-separated origins allowed by CORS (empty: none)."
    )
    graphql_compiled: bool = setting(
        "GRAPHQL_COMPILED",
        True,
        _bool,
        "Answer read queries with compiled SQL first (off: every query through Strawberry).",
    )
    graphql_path_force: bool = setting(
        "GRAPHQL_PATH_FORCE",
        False,
        _bool,
        "Honour the X-Execution-Path-Force request header (tests, benchmarks).",
    )
    graphql_path_shadow: bool = setting(
        "GRAPHQL_PATH_SHADOW",
        False,
        _bool,
        "Also answer compiled queries with Strawberry; a difference is a PATH_MISMATCH error.",
    )
    log_format: str = setting(
        "LOG_FORMAT",
        "text",
        _log_format,
        "Log lines as text or json (one object a line); both carry the request id.",
    )
    metrics: bool = setting(
        "METRICS", True, _bool, "Serve Prometheus metrics on GET /metrics (off: 404)."
    )
    metrics_token: str | None = setting(
        "METRICS_TOKEN",
        None,
        _optional_text,
        "Bearer token GET /metrics requires (unset: open; keep /metrics off the public side).",
    )
    metrics_max_operations: int = setting(
        "METRICS_MAX_OPERATIONS",
        100,
        _int(0, 10_000),
        "Distinct GraphQL operation names given their own metrics label; later ones: other.",
    )
    otel_exporter_otlp_endpoint: str | None = setting(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        None,
        _optional_text,
        "OTLP/HTTP collector for OpenTelemetry traces (needs the [tracing] extra; unset: off).",
    )

    def __post_init__(self) -> None:
        if self.database_url is None:
            for name in ("DATABASE_READ_URL", "DATABASE_DIRECT_URL"):
                if getattr(self, name.lower()):
                    raise ConfigError(f"{name} needs DATABASE_URL (the primary) to be set too")
        if self.behind_pooler and self.database_statement_cache_size:
            raise ConfigError(
                f"DATABASE_STATEMENT_CACHE_SIZE={self.database_statement_cache_size} does not work"
                " with DATABASE_POOLER=pgbouncer (a transaction-mode pooler hands prepared"
                " statements to other clients); leave it unset or 0"
            )

    @property
    def behind_pooler(self) -> bool:
        """DATABASE_URL (and DATABASE_READ_URL) reach PostgreSQL through a transaction pooler."""
        return self.database_pooler != "none"

    @property
    def statement_cache_size(self) -> int:
        """asyncpg's statement_cache_size for the service's pools."""
        if self.database_statement_cache_size is not None:
            return self.database_statement_cache_size
        return 0 if self.behind_pooler else 100

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata["env"]
            if name in environ:
                values[f.name] = f.metadata["parse"](name, environ[name])
        return cls(**values)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """(variable, default, meaning) rows for the README table and `--help`."""
        rows = []
        for f in fields(cls):
            default = f.default
            if isinstance(default, tuple):
                default = ",".join(default)
            rows.append(
                (f.metadata["env"], "" if default is None else str(default), f.metadata["doc"])
            )
        return rows

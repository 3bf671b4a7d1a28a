"""Settings from the environment: defaults, parsing, one-line errors, README in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import ConfigError, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults_without_environment() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.database_url is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.load_sample is True
    assert settings.data_dir == Path(".data")


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u:p@db.example:5433/transcripts",
            "SERVICE_DATA_DIR": "/var/lib/transcripts",
            "PORT": "9000",
            "LOAD_SAMPLE": "0",
            "LOG_LEVEL": "debug",
            "CORS_ORIGINS": "https://a.example, https://b.example,",
            "INTROSPECTION": "off",
        }
    )
    assert settings.database_url == "postgresql://u:p@db.example:5433/transcripts"
    assert settings.data_dir == Path("/var/lib/transcripts")
    assert settings.port == 9000
    assert settings.load_sample is False
    assert settings.log_level == "DEBUG"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.introspection is False


def test_compiled_path_switches() -> None:
    defaults = Settings.from_env({})
    assert defaults.graphql_compiled is True
    assert (defaults.graphql_path_force, defaults.graphql_path_shadow) == (False, False)
    settings = Settings.from_env(
        {"GRAPHQL_COMPILED": "0", "GRAPHQL_PATH_FORCE": "yes", "GRAPHQL_PATH_SHADOW": "on"}
    )
    assert settings.graphql_compiled is False
    assert (settings.graphql_path_force, settings.graphql_path_shadow) == (True, True)


def test_empty_database_url_means_embedded() -> None:
    assert Settings.from_env({"DATABASE_URL": ""}).database_url is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("LOAD_SAMPLE", "maybe"),
        ("LOG_LEVEL", "LOUD"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("DATABASE_URL", "postgresql://host:notaport/db"),
        ("DB_CONNECT_TIMEOUT", "0"),
        ("MAX_BODY_BYTES", "12"),
        ("GRAPHQL_COMPILED", "maybe"),
        ("GRAPHQL_PATH_SHADOW", ""),
    ],
)
def test_invalid_value_is_one_line_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        Settings.from_env({name: value})
    message = str(excinfo.value)
    assert name in message
    assert "\n" not in message


def test_documentation_lists_every_setting() -> None:
    rows = Settings.documentation()
    names = [name for name, _, _ in rows]
    assert len(names) == len(set(names))
    assert {"DATABASE_URL", "SERVICE_DATA_DIR", "HOST", "PORT", "ADMIN_TOKEN"} <= set(names)
    assert all(meaning for _, _, meaning in rows)


def test_readme_configuration_table_is_in_sync() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, default, _ in Settings.documentation():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}` ")), None)
        assert row is not None, f"README.md has no configuration row for {name}"
        assert f"`{default}`" in row or (not default and "(unset)" in row), (name, row)


def test_connection_roles() -> None:
    primary = "postgresql://u:p@primary:5432/transcripts"
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u:p@pgbouncer:6432/transcripts",
            "DATABASE_READ_URL": "postgresql://u:p@replica:6432/transcripts",
            "DATABASE_DIRECT_URL": primary,
            "DATABASE_POOLER": "PgBouncer",
            "REPLICA_MAX_LAG_SECONDS": "5",
        }
    )
    assert settings.database_read_url == "postgresql://u:p@replica:6432/transcripts"
    assert settings.database_direct_url == primary
    assert settings.behind_pooler and settings.statement_cache_size == 0
    assert settings.replica_max_lag_seconds == 5
    direct = Settings.from_env({"DATABASE_URL": primary})
    assert not direct.behind_pooler and direct.statement_cache_size == 100
    tuned = Settings.from_env({"DATABASE_URL": primary, "DATABASE_STATEMENT_CACHE_SIZE": "0"})
    assert tuned.statement_cache_size == 0


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"DATABASE_POOLER": "pgpool"}, "DATABASE_POOLER"),
        ({"DATABASE_READ_URL": "postgresql://u@replica/db"}, "DATABASE_READ_URL"),
        ({"DATABASE_DIRECT_URL": "postgresql://u@primary/db"}, "DATABASE_DIRECT_URL"),
        (
            {
                "DATABASE_URL": "postgresql://u@pgbouncer/db",
                "DATABASE_POOLER": "pgbouncer",
                "DATABASE_STATEMENT_CACHE_SIZE": "100",
            },
            "DATABASE_STATEMENT_CACHE_SIZE",
        ),
        ({"REPLICA_MAX_LAG_SECONDS": "0"}, "REPLICA_MAX_LAG_SECONDS"),
    ],
)
def test_connection_roles_refused(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        Settings.from_env(environ)
    assert named in str(excinfo.value) and "\n" not in str(excinfo.value)

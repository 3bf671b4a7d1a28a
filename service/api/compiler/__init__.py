"""Read queries compiled to one SQL statement per root field (see execute.py).

Two switches, read when the routes are built (environment, like every setting):
- GRAPHQL_COMPILED (default 1): try the compiled path first; 0 serves everything with Strawberry.
- GRAPHQL_PATH_FORCE (default 0): honour the X-Execution-Path-Force request header, so tests
  and benchmarks can run one query on either path of one server.
- GRAPHQL_PATH_SHADOW (default 0): check every compiled answer against the reference path's
  and answer a difference as a PATH_MISMATCH error (tests: any difference fails the test).
"""

from __future__ import annotations

import os

from service.api.compiler.execute import CompiledExecutor

__all__ = ["CompiledExecutor", "compiled_execution", "path_forcing", "path_shadowing"]


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def compiled_execution() -> bool:
    return _flag("GRAPHQL_COMPILED", True)


def path_forcing() -> bool:
    return _flag("GRAPHQL_PATH_FORCE", False)


def path_shadowing() -> bool:
    return _flag("GRAPHQL_PATH_SHADOW", False)

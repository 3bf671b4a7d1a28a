"""Read queries compiled to one SQL statement per root field (see execute.py).

Three settings switch it (``Settings.graphql_compiled``, ``graphql_path_force``,
``graphql_path_shadow`` in service/config.py; environment variables, validated at start-up):
- GRAPHQL_COMPILED (default on): try the compiled path first; off serves everything with
  Strawberry.
- GRAPHQL_PATH_FORCE (default off): honour the X-Execution-Path-Force request header, so tests
  and benchmarks can run one query on either path of one server.
- GRAPHQL_PATH_SHADOW (default off): check every compiled answer against the reference path's
  and answer a difference as a PATH_MISMATCH error (tests: any difference fails the test).
They take effect when the routes are built (``endpoint.graphql_routes``).
"""

from __future__ import annotations

from service.api.compiler.execute import CompiledExecutor

__all__ = ["CompiledExecutor"]

"""How the endpoint hands a GraphQL operation to a path, and what a path hands back.

The endpoint (HTTP) and the paths (Strawberry, the compiler) both depend on this module and
not on each other: ``endpoint.py`` picks an executor, ``compiler/execute.py`` implements one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from strawberry import Schema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


@dataclass(frozen=True)
class PathResult:
    """An executor's answer naming the path that produced it (X-Execution-Path): either a
    result to render here, or `body`, a complete JSON response the executor already wrote
    (the compiled path; always HTTP 200)."""

    path: str
    result: ExecutionResult | None = None
    body: bytes | None = None


class Executor(Protocol):
    """One way of running a GraphQL operation; `name` goes out in X-Execution-Path unless the
    answer is a PathResult naming another path."""

    name: str

    async def execute(
        self, params: GraphQLParams, context: Any, operations: frozenset[OperationType]
    ) -> ExecutionResult | PathResult: ...

    def prepare(self, params: GraphQLParams) -> None:
        """Do the CPU-bound, cached part of ``execute`` ahead (parse, validate): called from a
        worker thread for large new documents, so their validation does not hold the loop."""


class StrawberryExecutor:
    """The reference path: Strawberry parses, validates (with the schema's limits) and executes."""

    name = "strawberry"

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def prepare(self, params: GraphQLParams) -> None:
        caches = getattr(self.schema, "document_caches", None)
        if caches is not None:
            caches.warm(params.query)

    async def execute(
        self, params: GraphQLParams, context: Any, operations: frozenset[OperationType]
    ) -> ExecutionResult:
        return await self.schema.execute(
            params.query,
            variable_values=params.variables,
            context_value=context,
            operation_name=params.operation_name,
            allowed_operation_types=operations,
            operation_extensions=params.extensions,
        )

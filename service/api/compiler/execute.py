"""The compiled path: one SQL statement per root field, the response JSON built by PostgreSQL.

Per request: the validated document and plan (cached), the arguments bound by the reference's
own functions, then one statement per root field whose JSON goes into the response as it is.
Whatever the compiler declines (mutations, introspection, invalid documents, bad arguments,
unmapped fields) is answered by the reference executor, and so is an unexpected failure of
the compiled statement (logged): the compiled path may be faster, never different. A statement
cancelled at statement_timeout, or a database that is down, is answered here as the reference
answers it: TIMEOUT or DATABASE_UNAVAILABLE at the root field.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson
import strawberry
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from service.api.compiler import response
from service.api.compiler.compare import first_difference
from service.api.compiler.compile import Compiler, RootStatement
from service.api.compiler.errors import Decline
from service.api.compiler.session import pinned_context
from service.api.errors import DatabaseUnavailable, QueryTimeout
from service.api.executors import Executor, GraphQLParams, PathResult
from service.api.failures import public_error
from service.config import Settings

if TYPE_CHECKING:
    from service.api.context import Context

log = logging.getLogger(__name__)

NAME = "compiled"


class CompiledExecutor:
    """Tries the compiled path; hands everything it declines to ``fallback``.

    With ``shadow`` (tests), every compiled answer is checked against the fallback's for the
    same request; a difference is logged and answered as a PATH_MISMATCH error, so any test
    whose query the two paths answer differently fails.
    """

    name = NAME

    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        fallback: Executor,
        *,
        shadow: bool = False,
    ) -> None:
        self.compiler = Compiler(schema, settings)
        self.fallback = fallback
        self.shadow = shadow

    async def execute(
        self, params: GraphQLParams, context: Any, operations: frozenset[OperationType]
    ) -> PathResult:
        try:
            body = await self.run(params, context)
        except Decline:
            return await self._fall_back(params, context, operations)
        except Exception:
            log.warning("compiled path failed; answering through %s", self.fallback.name,
                        exc_info=True)  # fmt: skip
            return await self._fall_back(params, context, operations)
        if self.shadow:
            mismatch = await self._check(body, params, context, operations)
            if mismatch is not None:
                return mismatch
        return PathResult(NAME, body=body)

    def prepare(self, params: GraphQLParams) -> None:
        try:
            self.compiler.documents.operation(params.query, params.operation_name)
        except Decline:
            self.fallback.prepare(params)  # the reference path will validate it

    async def run(self, params: GraphQLParams, context: Context) -> bytes:
        plan, variables = self.compiler.prepare(params)
        try:
            async with pinned_context(context) as ctx:
                statements = await self.compiler.render(plan, variables, ctx)
                results = [(s.selection, await _fetch(ctx, s)) for s in statements]
                count = ctx.db.statements
        except DatabaseUnavailable as unavailable:  # no connection: as the reference says so
            results = [(s, unavailable if s.field else b'"Query"') for s in plan.selections]
            count = 0
        names = context.names.report.entries()
        return response.body(results, count if context.count_sql else None, names)

    async def _fall_back(
        self, params: GraphQLParams, context: Any, operations: frozenset[OperationType]
    ) -> PathResult:
        context.names.report.clear()  # what the reference notes, not the declined attempt
        try:
            result = await self.fallback.execute(params, context, operations)
        except CannotGetOperationTypeError as error:  # as the endpoint answers it
            result = PreExecutionError(
                data=None, errors=[GraphQLError(error.as_http_error_reason())]
            )
        if isinstance(result, PathResult):
            return result
        return PathResult(self.fallback.name, result)

    async def _check(
        self,
        body: bytes,
        params: GraphQLParams,
        context: Any,
        operations: frozenset[OperationType],
    ) -> PathResult | None:
        compiled = orjson.loads(body)
        if "errors" in compiled:  # a timeout or an outage: not reproducible, not compared
            return None
        reference = await self.fallback.execute(params, context, operations)
        assert not isinstance(reference, PathResult)
        expected: dict[str, Any] = {"data": reference.data}
        if reference.errors:
            expected["errors"] = [public_error(e, "") for e in reference.errors]
        compiled.pop("extensions", None)
        difference = first_difference(compiled, orjson.loads(orjson.dumps(expected)))
        if difference is None:
            return None
        log.error("compiled and reference paths differ at %s for %r", difference, params.query)
        error = GraphQLError(
            f"The compiled and reference paths differ at {difference}",
            extensions={"code": "PATH_MISMATCH"},
        )
        return PathResult("mismatch", PreExecutionError(data=None, errors=[error]))


async def _fetch(ctx: Context, statement: RootStatement) -> response.Outcome:
    sql = statement.sql
    if not sql:
        return b'"Query"'  # __typename
    if sql == "NULL":
        return b"null"
    try:
        # bytea: the UTF-8 bytes PostgreSQL wrote go into the response as they are
        rows = await ctx.db.fetch(
            f"SELECT convert_to(({sql})::text, 'UTF8')",
            *statement.values,
            generic_plan=statement.generic_plan,
        )
    except (QueryTimeout, DatabaseUnavailable) as error:
        return error
    found = rows[0][0]
    return b"null" if found is None else found

"""Document + variables -> one SQL statement per root field.

``prepare`` needs no database: the validated document and the operation (cached per query
text), the coerced variables, the plan (cached). ``render`` binds the arguments (name look-ups
run here, on the request's connection) and writes the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry
from graphql.execution.values import VariableValues, get_variable_values

from service.api.compiler.bind import Binder
from service.api.compiler.document import Documents
from service.api.compiler.errors import Decline
from service.api.compiler.fields import SPECS, check
from service.api.compiler.plan import Plan, Plans, Selection
from service.api.compiler.render import Render
from service.api.compiler.sql import SqlStatement
from service.config import Settings

if TYPE_CHECKING:
    from service.api.context import Context
    from service.api.executors import GraphQLParams


@dataclass(frozen=True)
class RootStatement:
    """A root field and its SQL ("" for __typename, "NULL" for a known null)."""

    selection: Selection
    sql: str
    values: list[Any]
    generic_plan: bool = False


class Compiler:
    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        self.graphql_schema = schema._schema
        self.documents = Documents(self.graphql_schema, settings)
        self.plans = Plans(self.graphql_schema, check=lambda s: check("Query", s))
        self.binder = Binder(schema)

    def prepare(self, params: GraphQLParams) -> tuple[Plan, VariableValues]:
        op = self.documents.operation(params.query, params.operation_name)
        variables = get_variable_values(
            self.graphql_schema, op.node.variable_definitions or (), params.variables or {}
        )
        if not isinstance(variables, VariableValues):
            raise Decline("variables")
        plan = self.plans.plan(params.query, params.operation_name, op, variables)
        if all(sel.field is None for sel in plan.selections):
            raise Decline("no field reads the database")  # e.g. { __typename }: nothing to gain
        return plan, variables

    async def render(
        self, plan: Plan, variables: VariableValues, ctx: Context
    ) -> list[RootStatement]:
        bound = await self.binder.bind(plan, ctx, variables)
        out = []
        for sel in plan.selections:
            if sel.field is None:
                out.append(RootStatement(sel, "", []))
                continue
            stmt = SqlStatement()
            expr = SPECS["Query"][sel.name].render(Render(stmt, bound), sel, "")
            out.append(RootStatement(sel, *stmt.finish(expr), stmt.generic_plan))
        return out

"""Arguments, per request: coerced by graphql-core, converted by Strawberry, checked and
resolved by the reference's own functions (see fields.py).

Anything they raise (a negative ``first``, a bad cursor or id, an ambiguous name) declines the
request: the reference path then answers with its errors, paths and extensions, which are
therefore the same by construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types.arguments import convert_arguments

from service.api.compiler.errors import Decline
from service.api.compiler.fields import SPECS
from service.api.compiler.plan import Plan, Selection

if TYPE_CHECKING:
    from service.api.context import Context

_DEFINITION = "strawberry-definition"


class Binder:
    def __init__(self, schema: strawberry.Schema) -> None:
        self.scalars = schema.schema_converter.scalar_registry
        self.config = schema.config

    async def bind(self, plan: Plan, ctx: Context, variables: VariableValues) -> dict[int, Any]:
        """Bound arguments by ``id(selection)``, for every field that takes arguments."""
        bound: dict[int, Any] = {}
        # Root fields first: the reference resolves a nested field's names only where a parent
        # row reaches it, so a name note (extensions.names) first made by a nested argument
        # declines the request; one its root field also made is in both answers.
        for type_name, sel in sorted(plan.arguments, key=lambda a: a[0] != "Query"):
            spec = SPECS[type_name][sel.name]
            noted = len(ctx.names.report)
            assert spec.bind is not None, f"{type_name}.{sel.name} takes arguments"
            try:
                args = plan.constants.get(id(sel))
                if args is None:
                    args = self._convert(sel, variables)
                    if id(sel) in plan.literal:
                        plan.constants[id(sel)] = args
                bound[id(sel)] = await spec.bind(ctx, args)
            except Exception as error:  # the reference path reports it, as it would anyway
                raise Decline(f"{type_name}.{sel.name}: {type(error).__name__}") from error
            if type_name != "Query" and len(ctx.names.report) != noted:
                raise Decline(f"{type_name}.{sel.name}: a name note in a nested argument")
        return bound

    def _convert(self, sel: Selection, variables: VariableValues) -> dict[str, Any]:
        """Coerced by graphql-core, then made Python values (enums, inputs) by Strawberry.

        Binders never change what they are given, so literal arguments are converted once per
        plan and shared by the requests that use it.
        """
        assert sel.field is not None
        raw = get_argument_values(sel.field, sel.node, variables)
        definition = sel.field.extensions[_DEFINITION]
        return convert_arguments(raw, definition.arguments, self.scalars, self.config)

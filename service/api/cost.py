"""The query cost limit: how many nodes a query may return, known before it runs.

Like GitHub's node limit: each connection field costs its page size (``first`` or ``last``,
else the default page size, capped at MAX_PAGE_SIZE) times the page sizes of the connections
above it, and the costs of all such paths add up. Plain lists (an event's participants, a
statement's topics) are the data's own size, small per parent: they count nothing, as at
GitHub, and the response size cap (MAX_RESPONSE_BYTES) bounds what they add. A page size
given by a variable counts as MAX_PAGE_SIZE, so that the cost belongs to the document: it is
checked once, by a validation rule both read paths share, whatever the variables say.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)

from service.api.pagination import DEFAULT_PAGE_SIZE

PAGE_ARGUMENTS = ("first", "last")


def _page_size(field: FieldNode, max_page_size: int) -> int:
    sizes = []
    for argument in field.arguments or ():
        if argument.name.value in PAGE_ARGUMENTS:
            value = argument.value
            if isinstance(value, IntValueNode):
                try:
                    sizes.append(max(0, min(int(value.value), max_page_size)))
                except ValueError:
                    sizes.append(max_page_size)
            else:  # a variable (or null): the worst case
                sizes.append(max_page_size)
    return max(sizes) if sizes else min(DEFAULT_PAGE_SIZE, max_page_size)


class CostCounter:
    """Nodes one unit of a selection set costs; cost is linear in the multiplier above it,
    so each fragment is counted once per document however often it is spread."""

    def __init__(self, context: ValidationContext, max_page_size: int) -> None:
        self.schema = context.schema
        self.context = context
        self.max_page_size = max_page_size
        self.fragments: dict[str, int] = {}

    def fragment(self, name: str) -> int:
        if name not in self.fragments:
            self.fragments[name] = 0  # a cycle counts 0: NoFragmentCyclesRule reports it
            node = self.context.get_fragment(name)
            if node is not None:
                parent = self.schema.get_type(node.type_condition.name.value)
                self.fragments[name] = self.selections(node.selection_set, parent)
        return self.fragments[name]

    def selections(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None or not node.selection_set:
            return 0  # unknown (another rule reports it) or a leaf
        inner = get_named_type(definition.type)
        below = self.selections(node.selection_set, inner)
        if not any(name in definition.args for name in PAGE_ARGUMENTS):
            return below
        items = _page_size(node, self.max_page_size)
        return items + items * below


def query_cost(context: ValidationContext, node: OperationDefinitionNode, max_page: int) -> int:
    """The cost of one operation of the document being validated."""
    root = context.schema.get_root_type(node.operation)
    return CostCounter(context, max_page).selections(node.selection_set, root)


def cost_rule(max_cost: int, max_page_size: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = query_cost(self.context, node, max_page_size)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"This query may return {cost} nodes, over the limit of {max_cost} "
                        "(MAX_QUERY_COST): the cost of a query is the product of the page "
                        "sizes (first/last) along each path, summed over its paths; ask for "
                        "smaller pages or fewer nested connections.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost},
                    )
                )

    return CostLimit

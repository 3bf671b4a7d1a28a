"""The document limits, as validation rules shared by both read paths.

Strawberry's own depth and alias limiters assume a valid document: an unknown fragment or an
empty selection set made them raise (HTTP 500) before validation could report the real
problem, and they walk a fragment once per spread, which grows exponentially with nested
spreads. These rules tolerate any parsed document (what they cannot measure, another rule
reports), visit each fragment once, and are used by the Strawberry schema and the compiler
alike, so the two paths refuse exactly the same documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

from service.api.cost import cost_rule
from service.config import Settings

# Longest name (alias, operation, fragment, field, argument) a document may use. Names in
# this schema are short; a long one only makes every error message and response key huge.
MAX_NAME_CHARS = 256


def _fragment_measure(
    context: ValidationContext, measure: Callable[[SelectionSetNode], int]
) -> Callable[[str], int]:
    """Measure a named fragment once per document; unknown or cyclic fragments count 0."""
    memo: dict[str, int] = {}

    def of(name: str) -> int:
        if name not in memo:
            memo[name] = 0  # a cycle back here counts 0; NoFragmentCyclesRule reports it
            fragment = context.get_fragment(name)
            if fragment is not None:
                memo[name] = measure(fragment.selection_set)
        return memo[name]

    return of


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """Nesting of fields below the root, introspection fields excepted (as Strawberry's)."""

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragment_depth = _fragment_measure(context, self.depth)

        def depth(self, selection_set: SelectionSetNode | None) -> int:
            deepest = 0
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    if selection.name.value.startswith("__") or not selection.selection_set:
                        continue
                    deepest = max(deepest, 1 + self.depth(selection.selection_set))
                elif isinstance(selection, InlineFragmentNode):
                    deepest = max(deepest, self.depth(selection.selection_set))
                elif isinstance(selection, FragmentSpreadNode):
                    deepest = max(deepest, self.fragment_depth(selection.name.value))
            return deepest

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if self.depth(node.selection_set) > max_depth:
                name = node.name.value if node.name else "anonymous"
                self.report_error(
                    GraphQLError(f"'{name}' exceeds maximum operation depth of {max_depth}", node)
                )

    return DepthLimit


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Aliases in the document's operations, fragments counted per spread (as Strawberry's)."""

    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragment_aliases = _fragment_measure(context, self.aliases)
            self.total = 0

        def aliases(self, selection_set: SelectionSetNode | None) -> int:
            count = 0
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    count += (selection.alias is not None) + self.aliases(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    count += self.aliases(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    count += self.fragment_aliases(selection.name.value)
                if count > max_aliases:  # stop early: spreads can multiply without bound
                    break
            return min(count, max_aliases + 1)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            self.total += self.aliases(node.selection_set)

        def leave_document(self, *_: Any) -> None:
            if self.total > max_aliases:
                self.report_error(
                    GraphQLError(f"More than {max_aliases} aliases found. Allowed: {max_aliases}")
                )

    return AliasLimit


class NonEmptySelectionSets(ValidationRule):
    """`{ }` selects nothing: the GraphQL grammar requires at least one selection, though
    graphql-core 3.3 parses an empty set by default."""

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        if not node.selections:
            self.report_error(GraphQLError("A selection set must select at least one field.", node))


class NameLength(ValidationRule):
    """Names (aliases above all) of at most MAX_NAME_CHARS characters."""

    def enter_name(self, node: NameNode, *_: Any) -> None:
        if len(node.value) > MAX_NAME_CHARS:
            self.report_error(
                GraphQLError(
                    f"Name '{node.value[:20]}…' is {len(node.value)} characters long; "
                    f"the limit is {MAX_NAME_CHARS}.",
                    node,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            )


def validation_rules(settings: Settings) -> tuple[type[ValidationRule], ...]:
    """The service's rules beside graphql-core's specified ones (made once per schema:
    validation caches are keyed by the rule classes)."""
    return (
        NonEmptySelectionSets,
        NameLength,
        depth_rule(settings.max_query_depth),
        alias_rule(settings.max_aliases),
        cost_rule(settings.max_query_cost, settings.max_page_size),
    )

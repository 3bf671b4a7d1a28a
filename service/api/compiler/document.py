"""Parse and validate exactly as the reference path does, once per distinct query text.

The compiler must never accept a document Strawberry would refuse, so it applies the same
limits: MAX_QUERY_TOKENS in the lexer, graphql-core's rules plus Strawberry's own (Maybe, OneOf),
and the service's (service.api.rules: depth, aliases, name length, cost).
A document that fails any of them is declined and the reference
path reports the errors. Introspection is declined later (no field mapping), so the
INTROSPECTION setting needs no rule here.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    specified_rules,
    validate,
)
from graphql.language import DirectiveNode, Node, VariableNode, visit
from graphql.language.visitor import Visitor
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from service.api.caches import ByteLRU, query_weight
from service.api.compiler.errors import Decline
from service.api.rules import validation_rules
from service.config import Settings


@dataclass(frozen=True)
class Operation:
    """A valid query operation and what its plan depends on besides the document."""

    node: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    # variables that @skip/@include read: their values select the plan
    directive_variables: tuple[str, ...]


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                name = argument.value.name.value
                if name not in self.names:
                    self.names.append(name)


def _directive_variables(nodes: list[Node]) -> tuple[str, ...]:
    visitor = _DirectiveVariables()
    for node in nodes:
        visit(node, visitor)
    return tuple(visitor.names)


class Documents:
    """LRU of query text -> validated document (or a Decline), bounded by bytes."""

    def __init__(
        self, schema: GraphQLSchema, settings: Settings, max_bytes: int = 64 * 1024 * 1024
    ) -> None:
        self.schema = schema
        self.max_tokens = settings.max_tokens
        self.rules = (
            *specified_rules,
            *validation_rules(settings),
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        )
        self._cache: ByteLRU[str, DocumentNode | Decline] = ByteLRU(max_bytes)
        self._operations: ByteLRU[tuple[str, str | None], Operation | Decline] = ByteLRU(
            max_bytes // 4
        )

    def operation(self, query: str, name: str | None) -> Operation:
        """The query operation ``name`` of ``query`` (cached, as declines are)."""
        key = (query, name)
        found = self._operations.get(key)
        if found is None:
            try:
                found = operation(self.document(query), name)
            except Decline as declined:
                found = declined
            self._operations.put(key, found, query_weight(query))
        if isinstance(found, Decline):
            raise Decline(*found.args)
        return found

    def document(self, query: str) -> DocumentNode:
        found = self._cache.get(query)
        if found is None:
            found = self._load(query) or Decline("invalid document")
            self._cache.put(query, found, query_weight(query))
        if isinstance(found, Decline):
            raise Decline(*found.args)
        return found

    def _load(self, query: str) -> DocumentNode | None:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError:
            return None
        if validate(self.schema, document, self.rules):
            return None
        return document


def operation(document: DocumentNode, name: str | None) -> Operation:
    """The query operation to run; anything else (mutation, ambiguity) is declined."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise Decline("operation name needed")
        chosen = operations[0]
    else:
        matching = [op for op in operations if op.name and op.name.value == name]
        if len(matching) != 1:
            raise Decline("unknown operation")
        chosen = matching[0]
    if chosen.operation != OperationType.QUERY:
        raise Decline("not a query")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return Operation(chosen, fragments, _directive_variables([chosen, *fragments.values()]))

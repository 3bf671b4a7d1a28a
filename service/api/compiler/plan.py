"""The selection tree of an operation, as the GraphQL spec's CollectFields defines it.

Fields are grouped by response key in order of first appearance, across fragments and inline
fragments whose type condition applies, after @skip/@include; a field requested twice under
one key is merged (its sub-selections concatenated). That order is the key order of the
response, which json_build_object then keeps. Plans are cached per query text, operation name
and the values of the variables @skip/@include read, since only those change the tree.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_directive_values
from graphql.language import Visitor, visit

from service.api.caches import ByteLRU, query_weight
from service.api.compiler.document import Operation
from service.api.compiler.errors import Decline


@dataclass(frozen=True)
class Selection:
    """One response key of an object: the field, its first node (arguments, location) and,
    for object-valued fields, what is selected below it."""

    key: str
    name: str
    node: FieldNode
    field: GraphQLField | None  # None for __typename
    children: tuple[Selection, ...] = ()
    # for a field of abstract type (Query.node): the selection per possible object type
    by_type: Mapping[str, tuple[Selection, ...]] | None = None


@dataclass(eq=False)
class Plan:
    """The selection tree of one operation, and what binding its arguments needs."""

    selections: tuple[Selection, ...]
    # (parent type name, selection) of every field that takes arguments, in document order
    arguments: list[tuple[str, Selection]] = field(default_factory=list)
    # ids of those whose arguments are literals only: converted once, then reused
    literal: set[int] = field(default_factory=set)
    constants: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._collect("Query", self.selections)

    def _collect(self, type_name: str, selections: tuple[Selection, ...]) -> None:
        for sel in selections:
            if sel.field is None:
                continue
            if sel.field.args:
                self.arguments.append((type_name, sel))
                if not _has_variables(sel.node):
                    self.literal.add(id(sel))
            if sel.by_type is not None:
                for runtime, children in sel.by_type.items():
                    self._collect(runtime, children)
            elif sel.children:
                self._collect(get_named_type(sel.field.type).name, sel.children)


class _HasVariable(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, *_: object) -> None:
        self.found = True


def _has_variables(node: FieldNode) -> bool:
    visitor = _HasVariable()
    for argument in node.arguments or ():
        visit(argument, visitor)
    return visitor.found


class _Collector:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip["if"] is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return include is None or include["if"] is True

    def _applies(self, condition: Any, runtime: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        condition_type = self.schema.get_type(condition.name.value)
        if condition_type is runtime:
            return True
        if isinstance(condition_type, GraphQLAbstractType):
            return self.schema.is_sub_type(condition_type, runtime)
        return False

    def collect(
        self,
        runtime: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
    ) -> OrderedDict[str, list[FieldNode]]:
        fields: OrderedDict[str, list[FieldNode]] = OrderedDict()
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(runtime, selection_set, fields, visited)
        return fields

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: OrderedDict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives and not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, runtime):
                    self._collect(runtime, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments[name]
                if self._applies(fragment.type_condition, runtime):
                    self._collect(runtime, fragment.selection_set, fields, visited)

    def selections(
        self, runtime: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> tuple[Selection, ...]:
        out = []
        for key, nodes in self.collect(runtime, selection_sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                out.append(Selection(key, name, nodes[0], None))
                continue
            field = runtime.fields.get(name)
            if field is None:  # __schema, __type: introspection is the reference's job
                raise Decline(f"field {runtime.name}.{name}")
            sub_sets = [n.selection_set for n in nodes if n.selection_set is not None]
            named: GraphQLNamedType = get_named_type(field.type)
            if isinstance(named, GraphQLObjectType):
                out.append(Selection(key, name, nodes[0], field, self.selections(named, sub_sets)))
            elif isinstance(named, GraphQLAbstractType):
                by_type = {
                    t.name: self.selections(t, sub_sets)
                    for t in self.schema.get_possible_types(named)
                }
                out.append(Selection(key, name, nodes[0], field, by_type=by_type))
            else:
                out.append(Selection(key, name, nodes[0], field))
        return tuple(out)


class Plans:
    """LRU of (query, operation, @skip/@include values) -> root selections, bounded by bytes."""

    def __init__(
        self,
        schema: GraphQLSchema,
        check: Callable[[tuple[Selection, ...]], None],
        max_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.schema = schema
        self.check = check
        self._cache: ByteLRU[tuple[Any, ...], Plan | Decline] = ByteLRU(max_bytes)

    def plan(
        self, query: str, name: str | None, operation: Operation, variables: VariableValues
    ) -> Plan:
        switches = tuple(variables.coerced.get(v) for v in operation.directive_variables)
        key = (query, name, switches)
        found = self._cache.get(key)
        if found is None:
            found = self._build(operation, variables)
            self._cache.put(key, found, query_weight(query))
        if isinstance(found, Decline):
            raise Decline(*found.args)
        return found

    def _build(self, operation: Operation, variables: VariableValues) -> Plan | Decline:
        root = self.schema.query_type
        assert root is not None
        collector = _Collector(self.schema, operation.fragments, variables)
        try:
            selections = collector.selections(root, [operation.node.selection_set])
            self.check(selections)
        except Decline as declined:
            return declined
        return Plan(selections)

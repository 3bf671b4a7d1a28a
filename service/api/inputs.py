"""Limits on every string argument, checked before either read path runs anything.

One table says how long each kind of text may be: names (speaker, person, organisation, topic,
participant, alias, unit) MAX_NAME_CHARS, search text (``search(query:)``, ``text`` filters)
MAX_SEARCH_CHARS, ids and cursors MAX_ID_CHARS, anything else MAX_OTHER_CHARS; no text may
hold a NUL character (PostgreSQL cannot store one). The transcript given to ``ingestDocument``
is exempt: ingestion refuses it with its own reason codes (TOO_LARGE, BINARY_DOCUMENT).

The walk over a document's arguments is done once per document (``argument_sites``); per
request only the values are checked, literal or from variables. A value over a limit is a
BAD_USER_INPUT request error naming the argument and the limit, so an over-long name never
reaches the fuzzy (pg_trgm) look-up or any SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from service.config import Settings

MAX_ID_CHARS = 100
MAX_OTHER_CHARS = 2000

NAME_FIELDS = frozenset(
    {
        "StatementFilter.speaker",
        "StatementFilter.topic",
        "StatementFilter.organisation",
        "EventFilter.organisation",
        "EventFilter.participant",
        "FigureFilter.speaker",
        "FigureFilter.topic",
        "FigureFilter.unit",
        "PersonFilter.name",
        "OrganisationFilter.name",
        "Query.person(name:)",
        "Query.organisation(name:)",
        "Mutation.addPersonAlias(alias:)",
    }
)
SEARCH_FIELDS = frozenset({"Query.search(query:)", "StatementFilter.text", "EventFilter.text"})
CURSOR_ARGUMENTS = frozenset({"after", "before"})
UNCHECKED = frozenset({"IngestDocumentInput.text"})


class InputTooLarge(GraphQLError):
    """A text argument over its limit, or with a NUL character."""

    def __init__(self, message: str, argument: str, **extensions: Any) -> None:
        super().__init__(
            message, extensions={"code": "BAD_USER_INPUT", "argument": argument, **extensions}
        )


@dataclass(frozen=True)
class Limits:
    """Characters allowed per kind of text, from the settings."""

    names: int
    search: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.max_name_chars, settings.max_search_chars)

    def of(self, coordinate: str, type_name: str) -> tuple[int, str] | None:
        """(maximum, the setting or constant that sets it); None: not checked here."""
        if coordinate in UNCHECKED:
            return None
        if coordinate in NAME_FIELDS:
            return self.names, "MAX_NAME_CHARS"
        if coordinate in SEARCH_FIELDS:
            return self.search, "MAX_SEARCH_CHARS"
        if type_name == "ID" or coordinate.rpartition("(")[2].rstrip(":)") in CURSOR_ARGUMENTS:
            return MAX_ID_CHARS, "MAX_ID_CHARS"
        return MAX_OTHER_CHARS, "MAX_OTHER_CHARS"


@dataclass(frozen=True)
class Site:
    """One argument of one field in the document: its value node and input type."""

    label: str  # as the client wrote it: "statements(filter)"
    coordinate: str  # schema coordinate: "Query.statements(filter:)"
    value: ValueNode
    type: GraphQLInputType


def argument_sites(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> tuple[Site, ...]:
    """Every argument the operation passes, fragments included (each visited once per type)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sites: list[Site] = []
    seen: set[tuple[str, str]] = set()

    def walk(selection_set: SelectionSetNode | None, parent: Any) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(
                    selection.selection_set,
                    schema.get_type(condition.name.value) if condition else parent,
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                key = (selection.name.value, getattr(parent, "name", ""))
                if fragment is not None and key not in seen:
                    seen.add(key)
                    walk(
                        fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
                    )

    def field(node: FieldNode, parent: Any) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return
        for argument in node.arguments or ():
            arg = definition.args.get(argument.name.value)
            if arg is not None:
                sites.append(
                    Site(
                        f"{node.name.value}({argument.name.value})",
                        f"{parent.name}.{node.name.value}({argument.name.value}:)",
                        argument.value,
                        arg.type,
                    )
                )
        walk(node.selection_set, get_named_type(definition.type))

    walk(operation.selection_set, schema.get_root_type(operation.operation))
    return tuple(sites)


def check_arguments(
    sites: tuple[Site, ...],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> None:
    """Raise InputTooLarge for the first text value over its limit."""
    defaults = {
        d.variable.name.value: d.default_value
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    variables = variables or {}
    for site in sites:
        for path, coordinate, type_name, text in _texts(
            site.value, site.type, site.label, site.coordinate, variables, defaults
        ):
            _check(text, path, coordinate, type_name, limits)


def _check(text: str, path: str, coordinate: str, type_name: str, limits: Limits) -> None:
    limit = limits.of(coordinate, type_name)
    if limit is None:
        return
    maximum, setting = limit
    if len(text) > maximum:
        raise InputTooLarge(
            f"{path}: {len(text)} characters, over the limit of {maximum} ({setting}).",
            path,
            limit=maximum,
        )
    if "\x00" in text:
        raise InputTooLarge(f"{path}: text may not contain a NUL character.", path)


def _texts(
    node: Any,
    type_: Any,
    path: str,
    coordinate: str,
    variables: Mapping[str, Any],
    defaults: Mapping[str, ValueNode],
) -> Iterator[tuple[str, str, str, str]]:
    """(path, coordinate, scalar type name, text) of every string in a value node."""
    nullable = get_nullable_type(type_)
    if isinstance(node, VariableNode):
        name = node.name.value
        if name in variables:
            yield from _raw_texts(variables[name], nullable, path, coordinate)
        elif name in defaults:
            yield from _texts(defaults[name], nullable, path, coordinate, variables, defaults)
    elif isinstance(node, StringValueNode):
        yield path, coordinate, get_named_type(nullable).name, node.value
    elif isinstance(node, ListValueNode):
        inner = nullable.of_type if isinstance(nullable, GraphQLList) else nullable
        for item in node.values:
            yield from _texts(item, inner, path, coordinate, variables, defaults)
    elif isinstance(node, ObjectValueNode) and isinstance(nullable, GraphQLInputObjectType):
        for item in node.fields:
            field = nullable.fields.get(item.name.value)
            if field is not None:
                yield from _texts(
                    item.value,
                    field.type,
                    f"{path}.{item.name.value}",
                    f"{nullable.name}.{item.name.value}",
                    variables,
                    defaults,
                )


def _raw_texts(
    value: Any, type_: Any, path: str, coordinate: str
) -> Iterator[tuple[str, str, str, str]]:
    """The same over a variable's JSON value (before coercion, which reports wrong types)."""
    nullable = get_nullable_type(type_)
    if isinstance(value, str):
        yield path, coordinate, get_named_type(nullable).name, value
    elif isinstance(value, list):
        inner = nullable.of_type if isinstance(nullable, GraphQLList) else nullable
        for item in value:
            yield from _raw_texts(item, inner, path, coordinate)
    elif isinstance(value, dict) and isinstance(nullable, GraphQLInputObjectType):
        for key, item in value.items():
            field = nullable.fields.get(key)
            if field is not None:
                yield from _raw_texts(item, field.type, f"{path}.{key}", f"{nullable.name}.{key}")

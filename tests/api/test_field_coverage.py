"""Every field of the served schema is either compiled or declared Strawberry-only, with why.

A field the compiler does not know is declined at plan time and its whole query quietly runs on
the slower path; this test makes that a decision someone wrote down instead of an accident.
"""

from __future__ import annotations

from graphql import GraphQLObjectType, get_named_type

from service.api.compiler.fields import INLINE_TYPES, SPECS
from service.api.schema import schema

# type -> reason, or (type, field) -> reason: answered by Strawberry only, on purpose.
STRAWBERRY_ONLY: dict[str | tuple[str, str], str] = {
    "Mutation": "writes: the compiled path answers read queries only",
    "Subscription": "a stream of events, not one response: the compiled path answers queries",
    "IngestDocumentPayload": "returned by a mutation only",
    "PersonPayload": "returned by a mutation only",
    "UserError": "returned by a mutation only",
    "StatementPayload": "returned by a mutation only",
    "DeleteDocumentPayload": "returned by a mutation only",
    ("Query", "curationLog"): "the curators' audit trail, read rarely; its before/after are"
    " JSON documents, which the compiler has no rendering for",
    "CurationRecord": "only reached through Query.curationLog",
}


def _object_types() -> list[GraphQLObjectType]:
    types = schema._schema.type_map.values()
    return [t for t in types if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")]


def _connection_part(type_name: str) -> bool:
    """Connections and edges are rendered by render.connection from the node's mapping."""
    return type_name.endswith(("Connection", "Edge"))


def test_every_field_is_compiled_or_declared_strawberry_only() -> None:
    missing = []
    for gql_type in _object_types():
        name = gql_type.name
        if name in STRAWBERRY_ONLY or name in INLINE_TYPES or _connection_part(name):
            continue
        for field_name in gql_type.fields:
            if field_name in SPECS.get(name, {}) or (name, field_name) in STRAWBERRY_ONLY:
                continue
            missing.append(f"{name}.{field_name}")
    assert not missing, (
        f"neither compiled nor declared Strawberry-only: {missing}; declare the field with"
        " service.api.declared (or add it to compiler/fields.py), or list it in STRAWBERRY_ONLY"
        " with the reason"
    )


def test_connection_nodes_and_inline_types_are_compiled_types() -> None:
    """A connection is compiled through its node type, so that type must be in the mapping."""
    for gql_type in _object_types():
        if not gql_type.name.endswith("Connection"):
            continue
        node = get_named_type(gql_type.fields["nodes"].type).name
        if node in STRAWBERRY_ONLY:
            continue
        assert node in SPECS, f"{gql_type.name} lists {node}, which the compiler cannot render"


def test_strawberry_only_entries_name_real_fields_and_give_a_reason() -> None:
    """A stale entry (a field renamed or since compiled) would hide nothing but mislead."""
    types = {t.name: t for t in _object_types()}
    for entry, reason in STRAWBERRY_ONLY.items():
        assert len(reason) > 10, f"{entry}: say why"
        type_name, field_name = entry if isinstance(entry, tuple) else (entry, None)
        assert type_name in types, f"{entry}: no such type"
        if field_name is not None:
            assert field_name in types[type_name].fields, f"{entry}: no such field"
            assert field_name not in SPECS.get(type_name, {}), f"{entry}: it is compiled now"
        else:
            assert type_name not in SPECS, f"{entry}: it is compiled now"

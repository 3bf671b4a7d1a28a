"""The served schema honours the public contract, and schema/schema.graphql is up to date."""

from __future__ import annotations

from pathlib import Path

from data_paths import CONTRACT
from graphql import (
    DangerousChangeType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
)
from strawberry.printer import print_schema

from service.api.schema import schema
from service.config import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def contract() -> GraphQLSchema:
    return build_schema(CONTRACT.read_text(encoding="utf-8"))


def test_no_breaking_changes_from_the_contract() -> None:
    assert find_breaking_changes(contract(), schema._schema) == []


# Additions the contract allows ("you may add"): a client that does not send them sees no change.
ADDITIVE = {DangerousChangeType.OPTIONAL_ARG_ADDED, DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED}


def test_no_dangerous_changes_either() -> None:
    """Defaults and enum values as in the contract: clients see no change in behaviour."""
    changes = find_dangerous_changes(contract(), schema._schema)
    assert [c for c in changes if c.type not in ADDITIVE] == []


def test_every_contract_description_is_served() -> None:
    served = schema._schema
    missing = []
    for name, ctype in contract().type_map.items():
        if name.startswith("__"):
            continue
        stype = served.type_map[name]
        if ctype.description and ctype.description != stype.description:
            missing.append(name)
        if is_object_type(ctype) or is_interface_type(ctype) or is_input_object_type(ctype):
            for field_name, field in ctype.fields.items():
                served_field = stype.fields[field_name]
                if field.description and field.description != served_field.description:
                    missing.append(f"{name}.{field_name}")
        if is_enum_type(ctype):
            assert set(ctype.values) <= set(stype.values), name
    assert missing == []


def test_committed_sdl_is_the_served_schema() -> None:
    """Regenerate with `python -m service export-schema` when this fails."""
    assert COMMITTED.read_text(encoding="utf-8") == print_schema(schema) + "\n"


def test_schema_builds_with_introspection_off() -> None:
    from service.api.schema import build_schema as build

    locked = build(Settings(introspection=False))
    result = locked.execute_sync("{ __schema { types { name } } }")
    assert result.errors and "introspection" in result.errors[0].message.lower()

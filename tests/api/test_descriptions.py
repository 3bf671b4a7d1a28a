"""Every part of the served schema carries a description for the API's users.

Walks the schema as served and lists each of our types, fields, arguments, input fields and
enum values that has no description (introspection types and the built-in scalars excepted).
"""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from service.api.schema import schema

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def _blank(description: str | None) -> bool:
    return description is None or not description.strip()


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    """Each of our schema coordinates without a description: Type, Type.field,
    Type.field(arg:), Input.field, Enum.VALUE (a scalar is checked as a type)."""
    missing: list[str] = []
    for name, graphql_type in sorted(graphql_schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if _blank(graphql_type.description):
            missing.append(name)
        if isinstance(graphql_type, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in graphql_type.fields.items():
                if _blank(field.description):
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if _blank(arg.description):
                        missing.append(f"{name}.{field_name}({arg_name}:)")
        elif isinstance(graphql_type, GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if _blank(field.description):
                    missing.append(f"{name}.{field_name}")
        elif isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                if _blank(value.description):
                    missing.append(f"{name}.{value_name}")
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed(schema._schema)
    assert not missing, f"{len(missing)} schema elements without a description:\n" + "\n".join(
        missing
    )

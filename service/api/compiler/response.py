"""The response bytes: PostgreSQL's JSON per root field, joined in selection order.

A root field whose statement failed in a way the client should hear about (TIMEOUT,
DATABASE_UNAVAILABLE) gets the error the reference path gives a failing field: at its path,
and null, which for a non-null root field nulls ``data``.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import GraphQLError, GraphQLNonNull

from service.api.compiler.plan import Selection

Outcome = bytes | GraphQLError  # the field's JSON, or why it has none


def body(
    results: list[tuple[Selection, Outcome]],
    statements: int | None = None,
    names: list[dict[str, Any]] | None = None,
) -> bytes:
    """``statements``: the count for extensions.sqlStatements, when the client asked;
    ``names``: extensions.names (service.api.names.NameReport), as the reference path adds."""
    errors: list[dict[str, Any]] = []
    data: list[bytes] | None = []
    for sel, outcome in results:
        if isinstance(outcome, GraphQLError):
            errors.append(_located(outcome, sel))
            assert sel.field is not None
            if isinstance(sel.field.type, GraphQLNonNull):
                data = None
            outcome = b"null"
        if data is not None:
            data.append(orjson.dumps(sel.key) + b":" + outcome)
    out = b'{"data":' + (b"{" + b",".join(data) + b"}" if data is not None else b"null")
    if errors:
        out += b',"errors":' + orjson.dumps(errors)
    extensions: dict[str, Any] = {}
    if statements is not None:
        extensions["sqlStatements"] = statements
    if names:
        extensions["names"] = names
    if extensions:
        out += b',"extensions":' + orjson.dumps(extensions)
    return out + b"}"


def _located(error: GraphQLError, sel: Selection) -> dict[str, Any]:
    """As graphql-core formats a resolver's error: message, locations, path, extensions."""
    located = GraphQLError(
        error.message, nodes=[sel.node], path=[sel.key], extensions=error.extensions
    )
    return dict(located.formatted)

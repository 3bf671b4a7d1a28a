"""What a failure is: the client's (public), a database we cannot use now, a timeout, or a fault
of ours (masked as INTERNAL_SERVER_ERROR with a request id). One answer for every caller: the
endpoint, the schema's masking, the reader and the compiled path."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import asyncpg
from graphql import GraphQLError

logger = logging.getLogger("service.api.endpoint")  # where operators have always found them

DATABASE_DOWN_MESSAGE = "The database is unavailable; try again shortly."
TIMEOUT_MESSAGE = "The query took too long and was cancelled; narrow it down."

_DATABASE_DOWN: tuple[type[BaseException], ...] = (
    OSError,  # connection refused, reset, unreachable; TimeoutError: no pool connection in time
    asyncpg.InterfaceError,  # pool closed, connection lost mid-query
)
# SQLSTATE prefixes meaning "the server cannot serve us now": connection exceptions, operator
# intervention (shutdown, database dropped), insufficient resources, database missing.
_DATABASE_DOWN_STATES = ("08", "57P", "53", "3D000")


def database_down(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be used right now (retrying later may work)."""
    if isinstance(error, _DATABASE_DOWN):
        return True
    if not isinstance(error, asyncpg.PostgresError):
        return False
    state = error.sqlstate or ""
    # 55000 is broad; at connect time it says the database is not accepting connections.
    return state.startswith(_DATABASE_DOWN_STATES) or (
        state == "55000" and "accepting connections" in str(error)
    )


def is_unexpected(error: GraphQLError) -> bool:
    """Caused by an exception that is not a GraphQL error, while resolving a field.

    GraphQLErrors raised on purpose (by resolvers, validation rules, scalars) are public. So is a
    non-GraphQL exception tied to a document location but not a field path: graphql-core's
    variable coercion wraps a scalar's ValueError that way, and its message is for the client.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not error.nodes


def _causes(error: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify_failure(error: BaseException) -> tuple[str, str] | None:
    """(code, public message) for failures we can name without leaking internals."""
    for cause in _causes(error):
        if isinstance(cause, asyncpg.QueryCanceledError):
            return "TIMEOUT", TIMEOUT_MESSAGE
        if isinstance(cause, asyncpg.ReadOnlySQLTransactionError):  # a standby as the primary
            return "READ_ONLY", "The database is read-only right now; nothing was changed."
        if database_down(cause):
            return "DATABASE_UNAVAILABLE", DATABASE_DOWN_MESSAGE
    return None


def public_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as the client may see it; internal failures are logged and masked."""
    formatted = dict(error.formatted)
    if not is_unexpected(error):
        return formatted
    original = error.original_error
    assert original is not None
    known = classify_failure(original)
    if known:
        code, message = known
        logger.warning("request %s: %s: %r", request_id, code, original)
    else:
        code, message = "INTERNAL_SERVER_ERROR", "Internal server error"
        logger.error(
            "request %s: unexpected error in GraphQL execution",
            request_id,
            exc_info=(type(original), original, original.__traceback__),
        )
    formatted["message"] = message
    formatted["extensions"] = {"code": code, "requestId": request_id}
    return formatted

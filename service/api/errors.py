"""GraphQL errors the API raises on purpose.

Each carries a machine-readable ``extensions.code`` and keeps its message when errors are
masked; anything else escaping a resolver is an unexpected failure and is masked (see
``service.api.masking``).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class ApiError(GraphQLError):
    """Base of the deliberate errors; ``code`` ends up in ``extensions.code``."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(ApiError):
    """An argument the client can fix: a negative page size, a malformed cursor or id."""

    code = "BAD_USER_INPUT"


class AmbiguousName(ApiError):
    """A name argument that fits several entities; the client must choose among them."""

    code = "AMBIGUOUS_NAME"


class QueryTimeout(ApiError):
    """PostgreSQL cancelled a query at statement_timeout: the request asked for too much."""

    code = "TIMEOUT"


class DatabaseUnavailable(ApiError):
    """PostgreSQL cannot be reached right now; retrying later may work."""

    code = "DATABASE_UNAVAILABLE"


class ReadOnly(ApiError):
    """A write reached a read-only server (a hot standby, or default_transaction_read_only):
    nothing was changed; retrying once the primary is writable again works."""

    code = "READ_ONLY"

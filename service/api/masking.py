"""Unexpected failures become "Internal server error" with a request id; nothing else leaks.

Errors raised on purpose (``GraphQLError`` subclasses such as AMBIGUOUS_NAME, TIMEOUT) and
request errors (syntax, validation, variable coercion) keep their message. Anything else that
escaped a resolver is logged with its traceback under the request id and masked, so clients
never see a stack trace, SQL or internal names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from service.api.failures import is_unexpected
from service.api.request_ids import request_id_in

log = logging.getLogger("service.api")

INTERNAL_MESSAGE = "Internal server error"


class MaskInternalErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {
            "code": "INTERNAL_SERVER_ERROR",
            "requestId": request_id_in(self.execution_context),
        }
        return masked


class SqlStatementCount(SchemaExtension):
    """extensions.sqlStatements = statements this request ran, when the context asks for it."""

    def on_operation(self) -> Iterator[None]:
        yield

    def get_results(self) -> dict[str, int]:
        context = self.execution_context.context
        if getattr(context, "count_sql", False):
            return {"sqlStatements": context.db.statements}
        return {}


def log_errors(errors: list[GraphQLError], execution_context: object) -> None:
    """Log unexpected failures with traceback and request id; deliberate errors are not faults."""
    for error in errors:
        if is_unexpected(error):
            original = error.original_error
            assert original is not None
            log.error(
                "request %s: unexpected error at %s",
                request_id_in(execution_context),
                ".".join(str(p) for p in error.path or []),
                exc_info=(type(original), original, original.__traceback__),
            )

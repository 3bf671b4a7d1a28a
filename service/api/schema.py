"""The GraphQL schema: Query and Mutation, with the safety limits from Settings.

``build_schema(settings)`` is what the HTTP endpoint serves; ``schema`` (default settings) is
what ``python -m service export-schema`` prints to schema/schema.graphql.

Per request, in order: the lexer stops at MAX_QUERY_TOKENS; parsing and validation are cached
(service.api.document_cache: by query text, bounded by bytes); validation (service.api.rules,
shared with the compiler) limits depth (MAX_QUERY_DEPTH, introspection fields excepted),
aliases (MAX_ALIASES), name length and cost (MAX_QUERY_COST) and, with INTROSPECTION=false,
refuses introspection; unexpected errors are masked with a request id.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
)

from service.api.document_cache import DocumentCaches
from service.api.masking import MaskInternalErrors, SqlStatementCount, log_errors
from service.api.names import NameReportExtension
from service.api.resolvers.curation import CurationMutation, CurationQuery
from service.api.resolvers.mutation import Mutation
from service.api.resolvers.query import Query
from service.api.rules import validation_rules
from service.api.subscriptions import Subscription
from service.api.types.entities import NODE_TYPES
from service.config import Settings


class ServiceSchema(strawberry.Schema):
    document_caches: DocumentCaches | None = None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: Any | None = None
    ) -> None:
        """Log only what is a fault of ours; a client's bad query is not worth an ERROR line."""
        log_errors(errors, execution_context)


QUERY_DESCRIPTION = (
    "Reading the transcripts: events, statements (speaker turns), persons, organisations,"
    " topics, quoted figures and source documents, with filters, full-text search and counts."
    " Lists are paged (first/after, last/before)."
)
MUTATION_DESCRIPTION = (
    "Adding and correcting data. Every mutation needs an API token with write access"
    " (Authorization: Bearer <token>); refusals come back in the payload's `errors`."
)


def _root(name: str, parts: tuple[type, ...], description: str) -> type:
    """A root type made of the fields of ``parts`` (as ``strawberry.tools.merge_types``),
    with a description."""
    return strawberry.type(type(name, parts, {}), description=description)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Rule classes are made once: the validation cache is keyed by them, and every request gets
    # its own extension instances (extensions hold per-request state).
    rules = list(validation_rules(settings))
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    caches = DocumentCaches()
    parsing, validation = caches.extensions()
    built = ServiceSchema(
        query=_root("Query", (Query, CurationQuery), QUERY_DESCRIPTION),
        mutation=_root("Mutation", (Mutation, CurationMutation), MUTATION_DESCRIPTION),
        subscription=Subscription,
        types=list(NODE_TYPES),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            parsing,
            lambda: AddValidationRules(rules),
            validation,
            MaskInternalErrors,
            SqlStatementCount,
            NameReportExtension,  # extensions.names, after sqlStatements
        ],
    )
    built.document_caches = caches  # the endpoint warms them off the event loop
    return built


schema = build_schema(Settings())

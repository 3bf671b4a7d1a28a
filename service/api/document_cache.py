"""Parsing and validation for the Strawberry path, cached by query text, bounded by bytes.

Replaces Strawberry's ParserCache and ValidationCache (functools.lru_cache, bounded by count
only: 512 texts of megabytes each would stay pinned) with the API's byte-bounded LRU
(service.api.caches). The hooks are synchronous: Strawberry's execute_sync (export-schema,
tools) cannot run asynchronous ones; the endpoint fills the caches from a worker thread instead
(``DocumentCaches.warm``) when a document is large and new.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from service.api.caches import ByteLRU, query_weight

CACHE_BYTES = 64 * 1024 * 1024


class DocumentCaches:
    """The Strawberry path's parse and validation caches, and a way to fill them off the loop.

    ``warm`` computes exactly what the hooks would, with the parse options and rules the hooks
    last saw (a schema's are the same for every request), so the endpoint can validate a large
    new document in a worker thread and the request then finds it cached.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.parsed: ByteLRU[str, DocumentNode | GraphQLError] = ByteLRU(max_bytes)
        self.validated: ByteLRU[str, list[GraphQLError]] = ByteLRU(max_bytes // 2)
        self.parse_options: dict[str, Any] | None = None
        self.rules: tuple[type[ASTValidationRule], ...] | None = None
        self.schema: GraphQLSchema | None = None

    def parse(self, query: str, options: dict[str, Any]) -> DocumentNode | GraphQLError:
        found = self.parsed.get(query)
        if found is None:
            try:
                found = parse(query, **options)
            except GraphQLError as error:
                found = error
            self.parsed.put(query, found, query_weight(query))
        return found

    def validate(
        self,
        query: str,
        document: DocumentNode,
        schema: GraphQLSchema,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        errors = self.validated.get(query)
        if errors is None:
            errors = validate_document(schema, document, rules)
            self.validated.put(query, errors, query_weight(query))
        return errors

    def warm(self, query: str) -> None:
        """Parse and validate ``query`` into the caches; a no-op until a request has run."""
        options, rules, schema = self.parse_options, self.rules, self.schema
        if options is None or rules is None or schema is None:
            return
        found = self.parse(query, options)
        if not isinstance(found, GraphQLError):
            self.validate(query, found, schema, rules)

    def extensions(self) -> list[type[SchemaExtension]]:
        caches = self

        class CachedParsing(SchemaExtension):
            def on_parse(self) -> Iterator[None]:
                context = self.execution_context
                query = context.query
                if query:
                    caches.parse_options = dict(context.parse_options)
                    found = caches.parse(query, context.parse_options)
                    if isinstance(found, GraphQLError):
                        raise found
                    context.graphql_document = found
                yield

        class CachedValidation(SchemaExtension):
            def on_validate(self) -> Iterator[None]:
                context = self.execution_context
                query, document = context.query, context.graphql_document
                if query and document is not None:
                    schema, rules = context.schema._schema, tuple(context.validation_rules)
                    caches.schema, caches.rules = schema, rules
                    errors = caches.validate(query, document, schema, rules)
                    context.pre_execution_errors = list(errors)
                yield

        return [CachedParsing, CachedValidation]

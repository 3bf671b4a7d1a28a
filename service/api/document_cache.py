"""Parsing and validation for the Strawberry path, cached by query text, bounded by bytes.

Replaces Strawberry's ParserCache and ValidationCache (functools.lru_cache, bounded by count
only: 512 texts of megabytes each would stay pinned) with the API's byte-bounded LRU
(service.api.caches). The hooks are synchronous: Strawberry's execute_sync (export-schema,
tools) cannot run asynchronous ones.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from service.api.caches import ByteLRU, query_weight

CACHE_BYTES = 64 * 1024 * 1024


def cached_parsing(cache: ByteLRU[str, DocumentNode | GraphQLError]) -> type[SchemaExtension]:
    class CachedParsing(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            query = context.query
            if query:
                found = cache.get(query)
                if found is None:
                    try:
                        found = parse(query, **context.parse_options)
                    except GraphQLError as error:
                        found = error
                    cache.put(query, found, query_weight(query))
                if isinstance(found, GraphQLError):
                    raise found
                context.graphql_document = found
            yield

    return CachedParsing


def cached_validation(cache: ByteLRU[str, list[GraphQLError]]) -> type[SchemaExtension]:
    class CachedValidation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            query, document = context.query, context.graphql_document
            if query and document is not None:
                errors = cache.get(query)
                if errors is None:
                    schema, rules = context.schema._schema, tuple(context.validation_rules)
                    errors = validate_document(schema, document, rules)
                    cache.put(query, errors, query_weight(query))
                context.pre_execution_errors = list(errors)
            yield

    return CachedValidation


def document_caches() -> list[type[SchemaExtension]]:
    """The two extensions, with caches of their own (one pair per schema)."""
    return [
        cached_parsing(ByteLRU(CACHE_BYTES)),
        cached_validation(ByteLRU(CACHE_BYTES // 2)),
    ]

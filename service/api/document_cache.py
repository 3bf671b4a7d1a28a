"""Parsing and validation for the Strawberry path, cached by query text and kept off the loop.

Replaces Strawberry's ParserCache and ValidationCache (functools.lru_cache, bounded by count
only: 512 texts of megabytes each would stay pinned) with the API's byte-bounded LRU
(service.api.caches). A new document longer than OFF_LOOP_CHARS is parsed and validated in
a worker thread, so a client sending large distinct documents does not hold the event loop
that every other request needs; a cached one costs a dictionary look-up.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from service.api.caches import ByteLRU, query_weight

OFF_LOOP_CHARS = 2000
CACHE_BYTES = 64 * 1024 * 1024


async def _run(query: str, work: Callable[[], Any]) -> Any:
    if len(query) > OFF_LOOP_CHARS:
        return await asyncio.to_thread(work)
    return work()


def cached_parsing(cache: ByteLRU[str, DocumentNode | GraphQLError]) -> type[SchemaExtension]:
    class CachedParsing(SchemaExtension):
        async def on_parse(self) -> AsyncIterator[None]:
            context = self.execution_context
            query = context.query
            if query:
                found = cache.get(query)
                if found is None:
                    options = dict(context.parse_options)

                    def work() -> DocumentNode | GraphQLError:
                        try:
                            return parse(query, **options)
                        except GraphQLError as error:
                            return error

                    found = await _run(query, work)
                    cache.put(query, found, query_weight(query))
                if isinstance(found, GraphQLError):
                    raise found
                context.graphql_document = found
            yield

    return CachedParsing


def cached_validation(cache: ByteLRU[str, list[GraphQLError]]) -> type[SchemaExtension]:
    class CachedValidation(SchemaExtension):
        async def on_validate(self) -> AsyncIterator[None]:
            context = self.execution_context
            query, document = context.query, context.graphql_document
            if query and document is not None:
                errors = cache.get(query)
                if errors is None:
                    schema, rules = context.schema._schema, tuple(context.validation_rules)
                    errors = await _run(query, lambda: validate_document(schema, document, rules))
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

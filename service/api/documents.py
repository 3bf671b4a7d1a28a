"""Parsed documents for the endpoint's pre-execution checks, one cache per process.

Keyed by query text and bounded by an estimate of the memory an entry takes (ByteLRU), not
only by count: a query text can be megabytes long (a string literal is one token), and 512
such entries must not pin gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, parse

from service.api.caches import ByteLRU, query_weight
from service.api.inputs import Site, argument_sites

CACHE_BYTES = 64 * 1024 * 1024

OperationSites = tuple[OperationDefinitionNode, tuple[Site, ...]] | None


@dataclass
class Parsed:
    """A document (None: it does not parse) and, per operation name, its argument sites."""

    document: DocumentNode | None
    operations: dict[str | None, OperationSites] = field(default_factory=dict)


class ParsedDocuments:
    def __init__(self, schema: GraphQLSchema, max_tokens: int) -> None:
        self.schema = schema
        self.max_tokens = max_tokens
        self.cache: ByteLRU[str, Parsed] = ByteLRU(CACHE_BYTES)

    def parsed(self, query: str) -> Parsed:
        found = self.cache.get(query)
        if found is None:
            try:
                document: DocumentNode | None = parse(query, max_tokens=self.max_tokens)
            except GraphQLError:
                document = None  # the executor reports the syntax error
            found = Parsed(document)
            self.cache.put(query, found, query_weight(query))
        return found

    def operation_sites(self, query: str, operation_name: str | None) -> OperationSites:
        """The operation to run and its argument sites; None when the executor will refuse."""
        parsed = self.parsed(query)
        if operation_name in parsed.operations:
            return parsed.operations[operation_name]
        found: OperationSites = None
        if parsed.document is not None:
            operations = [
                d for d in parsed.document.definitions if isinstance(d, OperationDefinitionNode)
            ]
            if operation_name is not None:
                operations = [o for o in operations if o.name and o.name.value == operation_name]
            if len(operations) == 1:
                sites = argument_sites(self.schema, parsed.document, operations[0])
                found = (operations[0], sites)
        if len(parsed.operations) < 64:  # operation names are the client's: bounded too
            parsed.operations[operation_name] = found
        return found

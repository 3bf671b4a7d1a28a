"""Automatic persisted queries (Apollo's protocol): a client sends a query's sha256 instead of
its text, and the text only when the server has not seen it yet.

Mobile and browser clients use it to keep requests small and GET-cacheable. The protocol:
``extensions.persistedQuery = {version: 1, sha256Hash}``. A known hash runs the stored text;
an unknown one is answered ``PersistedQueryNotFound`` (HTTP 200, as Apollo Server does, so the
client's link retries with the text); a text sent with its hash is checked against it and kept.
The store is per process and bounded by bytes (a replica that never saw a query simply asks
for it once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any, Protocol

from cachetools import LRUCache

MAX_STORE_BYTES = 16 * 1024 * 1024


class HasQuery(Protocol):
    query: str
    extensions: dict[str, Any] | None


@dataclass(frozen=True)
class PersistedQueryError(Exception):
    """The answer to give instead of executing (status, message, code)."""

    status: int
    message: str
    code: str


def requested(extensions: Any) -> bool:
    """Whether a request names a persisted query (so a missing text is not yet an error)."""
    return isinstance(extensions, dict) and isinstance(extensions.get("persistedQuery"), dict)


class PersistedQueries:
    def __init__(self, max_bytes: int = MAX_STORE_BYTES) -> None:
        self._store: LRUCache[str, str] = LRUCache(maxsize=max_bytes, getsizeof=len)

    def resolve(self, params: HasQuery) -> Any:
        """``params`` with its query text filled in from (or recorded in) the store."""
        if not requested(params.extensions):
            return params
        assert params.extensions is not None
        persisted = params.extensions["persistedQuery"]
        if persisted.get("version") != 1:
            raise PersistedQueryError(
                400, "Unsupported persisted query version; use 1.", "PERSISTED_QUERY_VERSION"
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError(
                400, "persistedQuery.sha256Hash must be 64 hex digits.", "BAD_REQUEST"
            )
        digest = digest.lower()
        if not params.query:
            known = self._store.get(digest)
            if known is None:
                raise PersistedQueryError(
                    200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
                )
            return replace(params, query=known)  # type: ignore[type-var]
        if hashlib.sha256(params.query.encode("utf-8")).hexdigest() != digest:
            raise PersistedQueryError(
                400, "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
            )
        if len(params.query) <= self._store.maxsize:
            self._store[digest] = params.query
        return params

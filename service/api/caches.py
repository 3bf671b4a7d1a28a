"""The one LRU behind the API's caches of documents and plans: cachetools', bounded by bytes.

Entries keyed by a query text can be large (a string literal is one token, and a body may
hold megabytes), so these caches are bounded by an estimate of each entry's bytes, key
included, rather than by their count; an entry that alone outweighs the cache is not kept.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K")
V = TypeVar("V")

# What an entry keyed by a query text costs per character of it, roughly: the text itself
# (the key) and what was built from it (an AST, a validation result, a plan).
BYTES_PER_QUERY_CHAR = 24


def query_weight(query: str) -> int:
    return BYTES_PER_QUERY_CHAR * len(query) + 1024


class ByteLRU(Generic[K, V]):
    """Least recently used entries go first once their weights add up to ``max_bytes``.

    Thread-safe (a lock around each call): validation may run in a worker thread.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._cache: LRUCache[K, tuple[V, int]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda entry: entry[1]
        )
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        with self._lock:
            found = self._cache.get(key)
        return default if found is None else found[0]

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._cache

    def put(self, key: K, value: V, weight: int) -> None:
        with self._lock:
            try:
                self._cache[key] = (value, weight)
            except ValueError:  # heavier than the whole cache: not kept
                self._cache.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    @property
    def weight(self) -> int:
        return int(self._cache.currsize)

    def __len__(self) -> int:
        return len(self._cache)

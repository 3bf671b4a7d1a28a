"""The one LRU used by every in-process cache of the API: cachetools', bounded by size.

``ByteLRU`` bounds a cache by what its entries weigh (an estimate of their bytes, given by
``weigh``) rather than by their count, for caches whose entries can be large; an entry that
alone weighs more than the whole cache is simply not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K")
V = TypeVar("V")


class ByteLRU(Generic[K, V]):
    """Least recently used entries go first once the weights add up to ``max_weight``.

    Thread-safe (a lock around each call), as validation may run in a worker thread.
    """

    def __init__(self, max_weight: int, weigh: Callable[[V], int]) -> None:
        self.max_weight = max_weight
        self._cache: LRUCache[K, V] = LRUCache(maxsize=max_weight, getsizeof=weigh)
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            try:
                self._cache[key] = value
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

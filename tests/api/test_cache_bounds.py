"""Every in-process cache is bounded, in entries and in bytes.

200 distinct 1 MB names used to add 177 MiB for good (an unbounded functools.cache behind
fold_name); query-text caches were bounded by count only, each entry as large as a body.
"""

from __future__ import annotations

from service.api.caches import ByteLRU, query_weight
from service.ingestion import names


def test_fold_name_keeps_a_bounded_number_of_short_names() -> None:
    for i in range(names.FOLD_CACHE_SIZE + 500):
        names.fold_name(f"Person Number {i}")
    assert len(names._folded) == names.FOLD_CACHE_SIZE
    assert names.fold_name("NAZARBAYEV") == names.fold_name("Nazarbaev")


def test_fold_name_does_not_keep_long_names() -> None:
    long_name = "Nazarbayev " * 10_000
    before = sum(len(k) for k in names._folded)
    assert names.fold_name(long_name).startswith("nazarba")
    assert long_name not in names._folded
    assert sum(len(k) for k in names._folded) <= before + 200


def test_query_text_caches_are_bounded_by_bytes() -> None:
    cache: ByteLRU[str, int] = ByteLRU(max_bytes=1_000_000)
    for i in range(100):
        cache.put(f"{i}" + "x" * 10_000, i, query_weight("x" * 10_000))
    assert cache.weight <= 1_000_000 and len(cache) < 100
    assert cache.get("99" + "x" * 10_000) == 99  # the most recent stay
    cache.put("huge", -1, 2_000_000)  # heavier than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) > 0

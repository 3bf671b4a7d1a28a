"""The synthetic benchmark corpus keeps the shape bench/README.md promises (no database).

Guards the calibration against the real corpus (`python -m bench termstats`): a generator
change that makes one theme match a tenth of all statements again, as "energy security" once
did, makes the search benchmark measure the wrong thing.
"""

from __future__ import annotations

import collections
import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not installed
from bench.synthetic import Generator
from bench.termstats import poisson_interval

STATEMENTS = 20_000


@pytest.fixture(scope="module")
def corpus() -> dict[str, object]:
    gen = Generator(20061204)
    gen.entities()
    statements: list[tuple] = []
    topics: collections.Counter[int] = collections.Counter()
    pairs: set[tuple[int, int]] = set()
    figures = organisations = 0
    for batch in gen.batches(STATEMENTS):
        statements += batch.rows["statement"]
        for row in batch.rows["statement_topic"]:
            topics[row[1]] += 1
            pairs.add((row[0], row[1]))
        figures += len(batch.rows["figure"])
        organisations += len(batch.rows["organisation_mention"])
    return {
        "gen": gen,
        "statements": statements,
        "topics": topics,
        "pairs": pairs,
        "figures": figures,
        "organisations": organisations,
    }


def test_deterministic() -> None:
    def first(seed: int) -> list[tuple]:
        gen = Generator(seed)
        gen.entities()
        return next(gen.batches(500)).rows["statement"][:50]

    assert first(7) == first(7)
    assert first(7) != first(8)


def test_per_statement_shape(corpus: dict) -> None:
    n = len(corpus["statements"])
    assert n == STATEMENTS
    chars = sum(len(row[7]) for row in corpus["statements"]) / n
    assert 450 <= chars <= 650
    assert 1.6 <= sum(corpus["topics"].values()) / n <= 2.0
    assert 0.4 <= corpus["figures"] / n <= 0.65
    assert 0.45 <= corpus["organisations"] / n <= 0.7


def test_theme_frequencies_are_realistic(corpus: dict) -> None:
    """Zipf-like: the commonest theme in < 8% of statements, "energy security" near 0.4%."""
    n = len(corpus["statements"])
    world = corpus["gen"].world
    share = {t.name: corpus["topics"][t.id] / n for t in world.topics}
    themes = sorted((share[t.name] for t in world.themes), reverse=True)
    assert themes[0] < 0.08
    assert themes[0] > 5 * themes[len(themes) // 2]  # a head and a long tail, not flat
    assert 0.001 < share["energy security"] < 0.01  # the real corpus: 0.3% (0.06-0.86%)


def test_mission_query_still_selective_but_not_trivial(corpus: dict) -> None:
    """Nazarbayev on Afghanistan: ~1,000-3,000 of 200,000 statements."""
    world = corpus["gen"].world
    naz = next(p for p in world.persons if p.surname == "Nazarbayev")
    afghanistan = world.topic_by_name["Afghanistan"].id
    by_naz = {row[0] for row in corpus["statements"] if row[5] == naz.id}
    matches = sum((sid, afghanistan) in corpus["pairs"] for sid in by_naz)
    scaled = matches * 200_000 / STATEMENTS
    assert 1_000 <= scaled <= 3_000


@pytest.mark.parametrize(
    ("k", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (3, 0.619, 8.767), (10, 4.795, 18.39)],
)
def test_poisson_interval(k: int, low: float, high: float) -> None:
    got = poisson_interval(k)
    assert got == pytest.approx((low, high), abs=0.01)


def test_poisson_interval_is_monotonic() -> None:
    bounds = [poisson_interval(k) for k in range(0, 60)]
    for (a_low, a_high), (b_low, b_high) in itertools.pairwise(bounds):
        assert a_low <= b_low and a_high < b_high

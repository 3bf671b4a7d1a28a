"""Figures: what a count counts, read from the noun after the number (past adjectives), from a
partitive ("two of our citizens") or from the subject of the sentence ("job gains averaged
116,000")."""

from __future__ import annotations

import pytest

from service.ingestion.figures import find_figures
from service.ingestion.model import Figure, FigureKind, Span


def figures(sentence: str) -> list[Figure]:
    found = find_figures(sentence, Span(0, len(sentence)))
    for f in found:
        assert sentence[f.span.start : f.span.end] == f.text
    return found


def figure(sentence: str, text: str) -> Figure:
    matching = [f for f in figures(sentence) if f.text == text]
    assert matching, f"{text!r} not found in {[f.text for f in figures(sentence)]}"
    return matching[0]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "counted"),
    [
        # kremlin-news-54023: a nationality ending in -is is a plural
        (
            "In addition, we accepted about 300,000 Iraqis.",
            "about 300,000 Iraqis",
            300_000,
            "Iraqis",
        ),
        # fomc-2024-09-18
        (
            "All 19 of the participants wrote down multiple cuts this year.",
            "19 of the participants",
            19,
            "participants",
        ),
        # whitehouse-2021-04-28
        (
            "A recent study shows that 55 of the nation’s biggest corporations paid zero.",
            "55 of the nation’s biggest corporations",
            55,
            "biggest corporations",
        ),
        ("They detained two of our citizens at the border.", "two of our citizens", 2, "citizens"),
        ("We deployed 3,000 troops to Poland.", "3,000 troops", 3_000, "troops"),
        (
            "We sent 3,000 highly trained American troops.",
            "3,000 highly trained American troops",
            3_000,
            "highly trained American troops",
        ),
        # fomc-2024-09-18, the subject says what is counted
        (
            "Payroll job gains averaged 116,000 per month over the past three months.",
            "116,000",
            116_000,
            "Payroll job gains",
        ),
    ],
)
def test_what_a_count_counts(sentence: str, text: str, value: float, counted: str) -> None:
    found = figure(sentence, text)
    assert (found.kind, found.value, found.counted) == (FigureKind.COUNT, value, counted)


def test_small_numbers_of_things_not_owned_stay_no_figures() -> None:
    # fomc-2024-09-18 and whitehouse-2024-07-05
    assert figures("Four of the five longest, or three of the four longest expansions.") == []
    assert figures("I wanted to follow on two of the things.") == []

"""Figures in their dimension's base unit (base_units.py, ``bases:`` in units.yaml): what
ordering by value compares, so "2 t" sorts above "500 kg". Sentences from the corpus."""

from __future__ import annotations

import pytest
from data_paths import CORPUS

from service.ingestion.base_units import base_figure, base_of, bases, to_base
from service.ingestion.datafiles import load
from service.ingestion.figures import find_figures
from service.ingestion.model import Figure, FigureKind, FigureQualifier, Span


def _figure(source: str, sentence: str, text: str) -> Figure:
    """The figure ``text`` of a sentence that the corpus file ``source`` holds."""
    assert " ".join(sentence.split()) in " ".join((CORPUS / source).read_text().split())
    found = [f for f in find_figures(sentence, Span(0, len(sentence))) if f.text == text]
    assert found, f"{text!r} not found"
    return found[0]


@pytest.mark.parametrize(
    ("source", "sentence", "text", "base_value", "base_high", "base_unit"),
    [
        (
            "kremlin-2005-06-23-csto-press-conference-and-plenary.txt",
            "Over the last five years, Tajikistan has confiscated over 45 tons of drugs.",
            "over 45 tons",
            45_000,
            None,
            "kg",
        ),
        (
            "kremlin-2005-06-23-csto-press-conference-and-plenary.txt",
            "Here the example of last year was given, when as a result of the international"
            " operation Canal-2004, over 5,000 kilograms of drugs were confiscated.",
            "over 5,000 kilograms",
            5_000,
            None,
            "kg",
        ),
        (
            "kremlin-news-57201.txt",
            "There is no other country that can be compared to us – we have over 900 km of"
            " common border with Syria.",
            "over 900 km",
            900_000,
            None,
            "m",
        ),
        (
            "whitehouse-2021-04-28-remarks-as-prepared-for-delivery-by-president-biden-address.txt",
            "Today, 90% of Americans now live within 5 miles of a vaccination site.",
            "5 miles",
            8_046.72,
            None,
            "m",
        ),
        (
            "kremlin-2005-06-23-csto-press-conference-and-plenary.txt",
            "Over the last five years, Tajikistan has confiscated over 45 tons of drugs.",
            "five years",
            1_826.25,
            None,
            "day",
        ),
        (
            "au-2001-09-12-howard-press-conference-washington.txt",
            "I am told there were something like 15,000 inquiries logged by DFAT in the space of"
            " about 12 or 18 hours, which gives you an idea of the magnitude of concern that"
            " people feel, and also the enormous number of Australians now who work and live in"
            " the United States.",
            "about 12 or 18 hours",
            0.5,
            0.75,
            "day",
        ),
        (
            "au-2001-09-12-howard-press-conference-washington.txt",
            "He has been on a working holiday in England for six months and it was very nice of"
            " him to come over and see his mum and dad.",
            "six months",
            182.625,
            None,
            "day",
        ),
        # Money keeps its currency (no exchange rates); percentages and counts are their own.
        (
            "au-1983-11-22-hawke-press-conference-bangkok.txt",
            "That has been lifted from an amount of zero some four years ago to an amount of"
            " over $4 million now.",
            "over $4 million",
            4_000_000,
            None,
            "USD",
        ),
        (
            "whitehouse-2021-04-28-remarks-as-prepared-for-delivery-by-president-biden-address.txt",
            "Today, 90% of Americans now live within 5 miles of a vaccination site.",
            "90%",
            90,
            None,
            "percent",
        ),
    ],
)
def test_figures_carry_their_value_in_the_base_unit(
    source: str,
    sentence: str,
    text: str,
    base_value: float,
    base_high: float | None,
    base_unit: str,
) -> None:
    found = _figure(source, sentence, text)
    assert found.base_unit == base_unit
    assert found.base_value == pytest.approx(base_value)
    assert found.base_high == (None if base_high is None else pytest.approx(base_high))


def test_base_values_order_mixed_units_of_one_dimension() -> None:
    """The point of it: 45 tons outweigh 5,000 kilograms, 400 kilometres outrun 5 miles."""
    tons = _figure(
        "kremlin-2005-06-23-csto-press-conference-and-plenary.txt",
        "Over the last five years, Tajikistan has confiscated over 45 tons of drugs.",
        "over 45 tons",
    )
    kilograms = _figure(
        "kremlin-2005-06-23-csto-press-conference-and-plenary.txt",
        "Here the example of last year was given, when as a result of the international"
        " operation Canal-2004, over 5,000 kilograms of drugs were confiscated.",
        "over 5,000 kilograms",
    )
    assert tons.value < kilograms.value
    assert tons.base_value is not None and kilograms.base_value is not None
    assert tons.base_value > kilograms.base_value


def test_conversion_keeps_twelve_significant_digits() -> None:
    assert to_base(0.3, "km") == (300.0, "m")
    assert to_base(1, "bcm") == (1e12, "l")
    assert to_base(6, "hour") == (0.25, "day")


def test_units_without_a_base_are_their_own() -> None:
    assert to_base(28_000_000, "USD") == (28_000_000, "USD")
    assert to_base(3, "times") == (3, "times")
    assert base_of("count").factor == 1


def test_every_mass_length_and_duration_unit_has_a_base() -> None:
    """A unit added to units.yaml under one of these dimensions cannot be left out of the
    comparison by forgetting its factor."""
    units = load("units")
    known = set(units["measures"]) | set(units["durations"])
    table = bases()
    assert {u for u, e in units["measures"].items() if e["kind"] == "MASS"} <= set(table)
    assert set(units["durations"]) <= set(table)
    lengths = {"km", "m", "mi", "ft", "inch", "yd", "nmi"}
    assert {table[u].unit for u in lengths} == {"m"}
    # Every unit given a factor is one a figure can carry (a typo would be silently unused).
    assert set(table) - {b.unit for b in table.values()} <= known


def test_a_figure_built_without_base_values_gets_them_computed() -> None:
    built = Figure(
        text="2 tonnes",
        value=2,
        unit="t",
        kind=FigureKind.MASS,
        qualifier=FigureQualifier.EXACT,
        span=Span(0, 8),
        context="2 tonnes.",
        high=3,
    )
    base = base_figure(built)
    assert (base.value, base.high, base.unit) == (2000, 3000, "kg")

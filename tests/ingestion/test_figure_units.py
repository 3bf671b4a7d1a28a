"""Figures: units that are easy to misread. Slang and minor currency units are money, "pounds"
is money or weight by its sentence, lengths and volumes are measures (OTHER with their own
unit: the schema has no LENGTH or VOLUME kind), and "$" names the document's dollar."""

from __future__ import annotations

import pytest

from service.ingestion.figures import find_figures
from service.ingestion.model import Figure, FigureKind, Span


def figure(sentence: str, text: str, **options: str) -> Figure:
    found = find_figures(sentence, Span(0, len(sentence)), **options)
    for f in found:
        assert sentence[f.span.start : f.span.end] == f.text
    matching = [f for f in found if f.text == text]
    assert matching, f"{text!r} not found in {[f.text for f in found]}"
    return matching[0]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        # whitehouse-2025-03-13
        ("No other president got 10 cents from China.", "10 cents", 0.1, "USD"),
        ("It cost them 20 bucks a month.", "20 bucks", 20, "USD"),
        ("He paid 5 grand for the car.", "5 grand", 5000, "USD"),
        ("The ticket is 50 pence and the bread 30 kopecks.", "50 pence", 0.5, "GBP"),
        ("The ticket is 50 pence and the bread 30 kopecks.", "30 kopecks", 0.3, "RUB"),
    ],
)
def test_slang_and_minor_currency_units_are_money(
    sentence: str, text: str, value: float, unit: str
) -> None:
    found = figure(sentence, text)
    assert (found.kind, found.unit) == (FigureKind.MONEY, unit)
    assert found.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("sentence", "text", "unit", "kind"),
    [
        ("Agents seized 300 pounds of cocaine at the border.", "300 pounds", "lb", FigureKind.MASS),
        ("The fish weighed 40 pounds.", "40 pounds", "lb", FigureKind.MASS),
        ("The plane carries a 2,000 lb bomb.", "2,000 lb", "lb", FigureKind.MASS),
        (
            "The UK will spend 2 billion pounds on defence.",
            "2 billion pounds",
            "GBP",
            FigureKind.MONEY,
        ),
        ("It costs 5,000 pounds sterling.", "5,000 pounds sterling", "GBP", FigureKind.MONEY),
        ("Families will be paid 300 pounds a month.", "300 pounds", "GBP", FigureKind.MONEY),
        ("We gave £300 to each family.", "£300", "GBP", FigureKind.MONEY),
    ],
)
def test_pounds_are_weight_or_money_by_their_sentence(
    sentence: str, text: str, unit: str, kind: FigureKind
) -> None:
    found = figure(sentence, text)
    assert (found.unit, found.kind) == (unit, kind)


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        # kremlin-news-60396
        ("We have a daily output of 11.5 million barrels.", "11.5 million barrels", 11.5e6, "bbl"),
        # whitehouse-2021-04-28
        (
            "Today, 90% of Americans now live within 5 miles of a vaccination site.",
            "5 miles",
            5,
            "mi",
        ),
        ("We have over 900 km of common border with Syria.", "over 900 km", 900, "km"),
        ("The wall is 30 feet high.", "30 feet", 30, "ft"),
        ("They delivered 2 million litres of water.", "2 million litres", 2e6, "l"),
        ("Tankers brought 30,000 gallons of fuel.", "30,000 gallons", 30_000, "gal"),
        ("Gas supplies reached 40 billion cubic metres.", "40 billion cubic metres", 40e9, "m3"),
    ],
)
def test_lengths_and_volumes_are_measures_not_counts(
    sentence: str, text: str, value: float, unit: str
) -> None:
    found = figure(sentence, text)
    assert (found.kind, found.unit, found.value) == (FigureKind.OTHER, unit, value)


# ---------------------------------------------------------------- which dollar


def test_a_bare_dollar_is_the_documents_dollar() -> None:
    # au-2013-08-17 (Prime Minister Rudd on Australian car industry support)
    sentence = "$1.2 billion over the course of the next 7 years from Australian car industry."
    assert figure(sentence, "$1.2 billion").unit == "USD"
    assert figure(sentence, "$1.2 billion", default_dollar="AUD").unit == "AUD"
    assert figure("It costs 20 dollars.", "20 dollars", default_dollar="CAD").unit == "CAD"


@pytest.mark.parametrize(
    ("sentence", "text", "unit"),
    [
        ("Canada will spend C$5 billion on defence.", "C$5 billion", "CAD"),
        ("Australia will spend A$3 billion on defence.", "A$3 billion", "AUD"),
        ("That is 4 billion Australian dollars.", "4 billion Australian dollars", "AUD"),
        ("That is 4 billion Canadian dollars.", "4 billion Canadian dollars", "CAD"),
        ("Exports reached US$527.3 billion.", "US$527.3 billion", "USD"),
        ("Aid came to 140 million U.S. dollars.", "140 million U.S. dollars", "USD"),
    ],
)
def test_an_explicit_dollar_keeps_its_currency(sentence: str, text: str, unit: str) -> None:
    assert figure(sentence, text, default_dollar="AUD").unit == unit


def test_a_range_of_bare_and_explicit_dollars() -> None:
    found = figure("It is about $20 to 30 US dollars.", "about $20 to 30 US dollars")
    assert (found.value, found.high, found.unit) == (20, 30, "USD")


def test_basis_points_are_a_percentage_unit() -> None:
    # fomc-2024-09-18
    sentence = (
        "The market is pricing in, basically by the end of next year, 200 basis points of cuts."
    )
    found = figure(sentence, "200 basis points")
    assert (found.value, found.unit, found.kind) == (200, "basis_points", FigureKind.PERCENTAGE)

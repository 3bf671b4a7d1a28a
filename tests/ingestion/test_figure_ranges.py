"""Figures: every range form, and the qualifiers of data/qualifiers.yaml, read from corpus
sentences and the shapes analysts quote ("about $20- to $24 billion", "50-plus")."""

from __future__ import annotations

import pytest

from service.ingestion.figures import find_figures
from service.ingestion.model import Figure, FigureQualifier, Span


def figure(sentence: str, text: str) -> Figure:
    found = find_figures(sentence, Span(0, len(sentence)))
    for f in found:
        assert sentence[f.span.start : f.span.end] == f.text
    matching = [f for f in found if f.text == text]
    assert matching, f"{text!r} not found in {[f.text for f in found]}"
    return matching[0]


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "unit", "qualifier"),
    [
        (
            "It will cost about $20- to $24 billion over ten years.",
            "about $20- to $24 billion",
            20e9,
            24e9,
            "USD",
            FigureQualifier.APPROXIMATE,
        ),
        (
            "Tickets sold for $30- or $40,000 each.",
            "$30- or $40,000",
            30_000,
            40_000,
            "USD",
            FigureQualifier.EXACT,
        ),
        (
            "There were 50 - 51,000 people in the square.",
            "50 - 51,000 people",
            50_000,
            51_000,
            "count",
            FigureQualifier.EXACT,
        ),
        (
            "Between 2 and 3,000 people attended.",
            "Between 2 and 3,000 people",
            2_000,
            3_000,
            "count",
            FigureQualifier.EXACT,
        ),
        (
            "Growth will be between 3 and 4 percent.",
            "between 3 and 4 percent",
            3,
            4,
            "percent",
            FigureQualifier.EXACT,
        ),
        (
            "Growth will be 3 to 4 per cent.",
            "3 to 4 per cent",
            3,
            4,
            "percent",
            FigureQualifier.EXACT,
        ),
        (
            "Estimates are from 10 to 15 million people.",
            "from 10 to 15 million people",
            10e6,
            15e6,
            "count",
            FigureQualifier.EXACT,
        ),
        ("We need 5 – 6 tonnes.", "5 – 6 tonnes", 5, 6, "t", FigureQualifier.EXACT),
    ],
)
def test_range_forms(
    sentence: str, text: str, low: float, high: float, unit: str, qualifier: FigureQualifier
) -> None:
    found = figure(sentence, text)
    assert (found.value, found.high, found.unit, found.qualifier) == (low, high, unit, qualifier)


def test_a_small_number_before_thousands_stays_small_unless_of_one_size() -> None:
    found = figure("Prices ranged from 5 to 20,000 rubles.", "from 5 to 20,000 rubles")
    assert (found.value, found.high) == (5, 20_000)


@pytest.mark.parametrize(
    ("sentence", "text", "qualifier"),
    [
        # whitehouse-2024-07-05
        (
            "And the reality is that some Allies are spending well upwards of\n2 percent of GDP "
            "on defense; some are spending as much as 3, 4 percent, or even higher.",
            "well upwards of\n2 percent",
            FigureQualifier.MORE_THAN,
        ),
        # au-2016-10-30
        (
            "There is money that we have spent on, well over $20 million the medical centre and "
            "the hospital on Nauru.",
            "well over $20 million",
            FigureQualifier.MORE_THAN,
        ),
        (
            "We have trained upwards of 50,000 soldiers.",
            "upwards of 50,000 soldiers",
            FigureQualifier.MORE_THAN,
        ),
        (
            "There are 50-plus countries in the coalition.",
            "50-plus countries",
            FigureQualifier.AT_LEAST,
        ),
        ("We sent 1,000 plus troops.", "1,000 plus troops", FigureQualifier.AT_LEAST),
        (
            "We surged at least an additional 20,000 troops.",
            "at least an additional 20,000 troops",
            FigureQualifier.AT_LEAST,
        ),
        ("It is nearly 40 percent.", "nearly 40 percent", FigureQualifier.ALMOST),
        ("It costs roughly $3 million.", "roughly $3 million", FigureQualifier.APPROXIMATE),
        ("It took some 4,000 workers.", "some 4,000 workers", FigureQualifier.APPROXIMATE),
        ("It can reach up to 30 percent.", "up to 30 percent", FigureQualifier.AT_MOST),
        (
            "We sent no fewer than 500 soldiers.",
            "no fewer than 500 soldiers",
            FigureQualifier.AT_LEAST,
        ),
        ("The deal is north of $10 billion.", "north of $10 billion", FigureQualifier.MORE_THAN),
        ("It is in excess of $10 billion.", "in excess of $10 billion", FigureQualifier.MORE_THAN),
        ("Inflation is under 5 percent.", "under 5 percent", FigureQualifier.LESS_THAN),
        ("It is just shy of 10 percent.", "just shy of 10 percent", FigureQualifier.ALMOST),
        ("We met 50-odd delegations.", "50-odd delegations", FigureQualifier.APPROXIMATE),
        ("It cost $5 billion plus.", "$5 billion plus", FigureQualifier.AT_LEAST),
    ],
)
def test_qualifiers_from_the_list(sentence: str, text: str, qualifier: FigureQualifier) -> None:
    assert figure(sentence, text).qualifier == qualifier


def test_plus_between_numbers_is_arithmetic() -> None:
    sentence = "It is 5 plus 3 people, in the 26-plus-1 format."
    assert [f.text for f in find_figures(sentence, Span(0, len(sentence)))] == []


def test_a_plus_count_says_what_it_counts() -> None:
    assert figure("There are 50-plus countries here.", "50-plus countries").counted == "countries"


def test_plus_and_over_before_more_words_are_no_qualifiers() -> None:
    # kremlin-news-17173: "plus assets" adds another item
    sentence = (
        "Ms Nabiullina will correct me ‒ about 9 trillion rubles plus assets, we can see that "
        "Russia’s banking system is alive and kicking."
    )
    found = figure(sentence, "about 9 trillion rubles")
    assert found.qualifier == FigureQualifier.APPROXIMATE
    # whitehouse-2021-04-28
    sentence = "nearly 40,000 pharmacies and over 700 community health centers."
    assert figure(sentence, "nearly 40,000 pharmacies").qualifier == FigureQualifier.ALMOST
    assert figure(sentence, "over 700 community health centers").qualifier == (
        FigureQualifier.MORE_THAN
    )

"""Figures: every required figure of the acceptance seeds, and each form a figure takes, read
from real sentences of the development corpus (quoted), plus what must never be a figure."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml
from data_paths import CORPUS, KREMLIN_SEED, NATO_SEED
from data_paths import SEEDS as SEEDS_FILE

from service.ingestion.figures import find_figures
from service.ingestion.model import Figure, FigureKind, FigureQualifier, Span

SEEDS = yaml.safe_load(SEEDS_FILE.read_text(encoding="utf-8"))
KREMLIN = KREMLIN_SEED
NATO = NATO_SEED


def line_figures(path: Path) -> list[Figure]:
    """find_figures over each non-empty line of a file (its paragraphs), absolute offsets."""
    text = path.read_text(encoding="utf-8")
    found = []
    for line in re.finditer(r"[^\n]+", text):
        for figure in find_figures(text, Span(line.start(), line.end())):
            assert text[figure.span.start : figure.span.end] == figure.text
            found.append(figure)
    return found


def figures(sentence: str) -> list[Figure]:
    found = find_figures(sentence, Span(0, len(sentence)))
    for figure in found:
        assert sentence[figure.span.start : figure.span.end] == figure.text
    return found


def figure(sentence: str, text: str) -> Figure:
    matching = [f for f in figures(sentence) if f.text == text]
    assert matching, f"{text!r} not found in {[f.text for f in figures(sentence)]}"
    return matching[0]


def texts(sentence: str) -> list[str]:
    return [f.text for f in figures(sentence)]


# ---------------------------------------------------------------- the acceptance seeds


@pytest.fixture(scope="module")
def kremlin_figures() -> list[Figure]:
    return line_figures(KREMLIN)


@pytest.mark.parametrize("expected", SEEDS["figures"]["required"], ids=lambda e: e["text"])
def test_required_seed_figure(kremlin_figures: list[Figure], expected: dict) -> None:
    matching = [f for f in kremlin_figures if f.text == expected["text"]]
    assert matching, f"{expected['text']!r} not found"
    for found in matching:
        assert found.value == pytest.approx(expected["value"])
        assert found.high == (pytest.approx(expected["high"]) if "high" in expected else None)
        assert found.unit == expected["unit"]
        assert found.qualifier == FigureQualifier(expected["qualifier"])
        if "counted" in expected:
            assert found.counted == expected["counted"]


@pytest.mark.parametrize("path", [KREMLIN, NATO], ids=lambda p: p.name)
def test_no_seed_not_figure_is_reported(path: Path) -> None:
    found = line_figures(path)
    for entry in SEEDS["figures"]["not_figures"]:
        assert not [f.text for f in found if entry["text"] in f.text], entry


def test_seed_figures_carry_their_sentence(kremlin_figures: list[Figure]) -> None:
    by_text = {f.text: f for f in kremlin_figures}
    assert by_text["60.3%"].context.startswith("This year we may reach 60.3%, and Kazakhstan")
    assert by_text["Over five tons"].context == "Over five tons in one operation!"
    assert by_text["half a billion"].kind is FigureKind.MONEY


def test_offsets_are_absolute() -> None:
    text = "Preamble line.\nAnd the level of trade turnover is so far only about $9 billion."
    start = text.index("And")
    (found,) = find_figures(text, Span(start, len(text)))
    assert found.span == Span(text.index("about"), len(text) - 1)
    assert found.text == "about $9 billion"
    assert found.counted == "level of trade turnover"


# ---------------------------------------------------------------- money


def test_money_with_symbol_and_scale() -> None:
    # kremlin-news-17173
    found = figure(
        "The AAP Consortium received $28 billion and it was an offshore operation.", "$28 billion"
    )
    assert (found.value, found.unit, found.kind) == (28e9, "USD", FigureKind.MONEY)


def test_scaled_decimals_keep_the_written_digits() -> None:
    # kremlin-news-17173 quotes budget figures like these; 33.3 * 1e12 is 33299999999999.996
    found = figure("Revenues came to 33.3 trillion rubles last year.", "33.3 trillion rubles")
    assert (found.value, found.unit) == (33_300_000_000_000, "RUB")
    found = figure("Exports reached $527.3 billion.", "$527.3 billion")
    assert found.value == 527_300_000_000


def test_money_in_words_after_the_number() -> None:
    # kremlin-news-51551
    sentence = (
        "Another Finnish company, Fortum, plans to make new investments worth 4 billion "
        "Euro or US dollars in the Russian economy."
    )
    found = figure(sentence, "4 billion Euro")
    assert (found.value, found.unit, found.counted) == (4e9, "EUR", "investments")


def test_money_with_a_word_between_scale_and_currency() -> None:
    # whitehouse-2022-06-29, hard-wrapped
    sentence = (
        "New figures shows that they have added 350 billion extra U.S. dollars\n"
        "for defense since we made the pledge back in 2014."
    )
    assert texts(sentence) == ["350 billion extra U.S. dollars"]
    assert figures(sentence)[0].value == 350e9


def test_money_ranges_and_translator_brackets() -> None:
    # kremlin-news-17173
    sentence = (
        "And now in 2012 the Fishery Agency has introduced new rules: fines for ordinary "
        "fishermen reach 10,000 to 15,000 rubles [$300 to 500]at a time."
    )
    roubles, dollars = figures(sentence)
    assert (roubles.value, roubles.high, roubles.unit) == (10_000, 15_000, "RUB")
    assert (dollars.text, dollars.value, dollars.high, dollars.unit) == (
        "$300 to 500",
        300,
        500,
        "USD",
    )


def test_bracketed_unit() -> None:
    # kremlin-news-17173
    found = figure(
        "The Government decided on 40 billion [rubles], although Russian Railways wanted more.",
        "40 billion [rubles]",
    )
    assert (found.value, found.unit) == (40e9, "RUB")


def test_euro_symbol_and_roubles() -> None:
    assert figure("The fund holds €5 billion.", "€5 billion").unit == "EUR"
    found = figure("We lost, I believe, 200 million roubles.", "200 million roubles")
    assert (found.value, found.unit) == (200e6, "RUB")


def test_scaled_amount_borrows_the_currency_of_the_sentence() -> None:
    # the seed: "... nominal capital of one and a half billion dollars, of which half a billion
    # will be invested by the Kazakh side"
    sentence = (
        "We could create a financial instrument with a nominal capital of one and a half "
        "billion dollars, of which half a billion will be invested by the Kazakh side."
    )
    total, share = figures(sentence)
    assert (total.value, total.unit, total.counted) == (1.5e9, "USD", "nominal capital")
    assert (share.text, share.value, share.unit) == ("half a billion", 5e8, "USD")


# ---------------------------------------------------------------- percentages


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        # kremlin-news-53077
        (
            "The inflation rate is coming down now and was 6.4 percent a year at the start of "
            "October.",
            "6.4 percent",
            6.4,
        ),
        # kremlin-news-17173
        (
            "Incidentally, the tariff protection level in the euro zone is 2.8 per cent.",
            "2.8 per cent",
            2.8,
        ),
        # kremlin-news-47126
        (
            "Although it was small (half a percent), our trade nevertheless grew this year.",
            "half a percent",
            0.5,
        ),
        # kremlin-news-60396
        ("” Twenty-five percent.", "Twenty-five percent", 25),
        # kremlin-news-53077, hyphenated
        ("We succeeded in balancing the 2017 budget with a 3-percent deficit.", "3-percent", 3),
    ],
)
def test_percentages(sentence: str, text: str, value: float) -> None:
    found = figure(sentence, text)
    assert (found.value, found.unit, found.kind) == (value, "percent", FigureKind.PERCENTAGE)


def test_hyphenated_percentage_counts_its_noun() -> None:
    found = figure(
        "We succeeded in balancing the 2017 budget with a 3-percent deficit.", "3-percent"
    )
    assert found.counted == "deficit"
    assert "2017" not in texts(
        "We succeeded in balancing the 2017 budget with a 3-percent deficit."
    )


def test_percentage_points() -> None:
    found = figure("Unemployment fell by 1.5 percentage points.", "1.5 percentage points")
    assert (found.unit, found.kind) == ("percentage_points", FigureKind.PERCENTAGE)


def test_list_shares_its_unit() -> None:
    # kremlin-news-17173
    sentence = (
        "In some regions of the Caucasus, the unemployment rate is 15, 20 and even 25%, "
        "and it is even higher in some places."
    )
    assert [(f.text, f.unit) for f in figures(sentence)] == [
        ("15", "percent"),
        ("20", "percent"),
        ("25%", "percent"),
    ]


# ---------------------------------------------------------------- masses and measures


def test_mass_and_a_bare_scaled_number_after_it() -> None:
    # kremlin-news-17173
    sentence = (
        "Last year the grain harvest was 90 million tonnes, and this year it was just "
        "over 74 million."
    )
    harvest, now = figures(sentence)
    assert (harvest.value, harvest.unit, harvest.kind) == (90e6, "t", FigureKind.MASS)
    assert (now.text, now.value, now.unit, now.qualifier) == (
        "just over 74 million",
        74e6,
        "t",
        FigureQualifier.MORE_THAN,
    )


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "counted"),
    [
        # kremlin-news-17173
        (
            "Nord Stream is in the Baltic Sea, and we are already delivering 55 billion cubic "
            "metres of gas through it.",
            "55 billion cubic metres",
            55e9,
            "m3",
            "gas",
        ),
        # kremlin-news-54023
        (
            "Akkuyu will consist of four power units with an aggregate capacity of 4,800 MW.",
            "4,800 MW",
            4800,
            "MW",
            "aggregate capacity",
        ),
        # kremlin-news-54023
        (
            "An area equalling some 2,200 square kilometres in Syria was totally cleared.",
            "some 2,200 square kilometres",
            2200,
            "km2",
            None,
        ),
        # kremlin-news-60396
        (
            "The United States currently extracts more, but we have a daily output of 11.5 million "
            "barrels.",
            "11.5 million barrels",
            11.5e6,
            "bbl",
            "daily output",
        ),
        # kremlin-news-17173
        (
            "We even decided to move this pipeline 400 kilometres away from the shores of Lake "
            "Baikal.",
            "400 kilometres",
            400,
            "km",
            None,
        ),
    ],
)
def test_measures(sentence: str, text: str, value: float, unit: str, counted: str | None) -> None:
    found = figure(sentence, text)
    assert (found.value, found.unit, found.counted) == (value, unit, counted)


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("sentence", "text", "value", "counted"),
    [
        # whitehouse-2022-06-29
        (
            "Earlier this year, we surged 20,000 additional U.S. forces to Europe to strengthen "
            "our Alliance.",
            "20,000 additional U.S. forces",
            20_000,
            "U.S. forces",
        ),
        # whitehouse-2021-06-14
        (
            "We are still averaging, in the last seven days, loss of 370 deaths per\nday.",
            "370 deaths",
            370,
            "deaths",
        ),
        # whitehouse-2024-07-05, a name before the noun
        (
            "Today, a record 23\nNATO Allies are at or above the minimum level of 2 percent.",
            "23\nNATO Allies",
            23,
            "NATO Allies",
        ),
        # kremlin-news-57201
        (
            "Turkey hosts over 3.5 million Syrian refugees.",
            "over 3.5 million Syrian refugees",
            3.5e6,
            "Syrian refugees",
        ),
        # kremlin-news-24023-style spelled count
        ("That year two hundred students came to study.", "two hundred students", 200, "students"),
    ],
)
def test_counts(sentence: str, text: str, value: float, counted: str) -> None:
    found = figure(sentence, text)
    assert (found.value, found.unit, found.kind, found.counted) == (
        value,
        "count",
        FigureKind.COUNT,
        counted,
    )


def test_count_noun_stops_before_a_verb() -> None:
    # kremlin-news-54023
    found = figure(
        "Around three million Syrians found themselves in Turkey.", "Around three million Syrians"
    )
    assert found.counted == "Syrians"


def test_elliptical_count_borrows_the_noun() -> None:
    # kremlin-news-17173
    sentence = (
        "Over 1,000 Russian and 200 foreign journalists were accredited to cover the "
        "news conference."
    )
    russian, foreign = figures(sentence)
    assert (russian.value, russian.counted, russian.qualifier) == (
        1000,
        "Russian journalists",
        FigureQualifier.MORE_THAN,
    )
    assert (foreign.value, foreign.counted) == (200, "foreign journalists")


def test_small_spelled_numbers_are_no_counts() -> None:
    # nato-2006-12-04, and the seed's optional "four countries"
    assert texts("We have more specifically discussed, to give you one example, Kazakhstan.") == []
    assert (
        texts(
            "It is good that parallel to the creation of the Common economic space of "
            "four countries, work is underway."
        )
        == []
    )


# ---------------------------------------------------------------- multipliers


def test_multipliers() -> None:
    # kremlin-news-17173
    found = figure(
        "We have raised veterans’ pensions by 1.6 times, and allocated 48,000 or "
        "45,000 flats to servicemen only this year.",
        "1.6 times",
    )
    assert (found.value, found.unit, found.kind) == (1.6, "times", FigureKind.MULTIPLIER)
    # kremlin-news-53077
    fold = figure(
        "Net inflow into Russia’s non-financial sector increased 3.6-fold over the "
        "first three quarters of this year.",
        "3.6-fold",
    )
    assert fold.value == 3.6
    # whitehouse-2024-07-05
    sentence = (
        "That is more than twice as many as in 2021 and nearly eight\ntimes higher than "
        "when Allies first set the 2 percent benchmark."
    )
    twice, eight, _ = figures(sentence)
    assert (twice.text, twice.value, twice.qualifier) == (
        "more than twice",
        2,
        FigureQualifier.MORE_THAN,
    )
    assert (eight.value, eight.qualifier) == (8, FigureQualifier.ALMOST)
    assert figure("Output grew three-fold.", "three-fold").value == 3


def test_occasions_are_no_multipliers() -> None:
    assert texts("I have said this three times already.") == []
    # kremlin 2005 seed: vague
    assert (
        texts("But we know what we need to do to increase this trade turnover by several times.")
        == []
    )


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "unit"),
    [
        # kremlin-news-51551
        (
            "There are about 500–600 Finnish companies operating in the Russian market.",
            "about 500–600 Finnish companies",
            500,
            600,
            "count",
        ),
        # whitehouse-2022-06-29
        (
            "We will increase the number of destroyers stationed at Rota, Spain, from four to six "
            "destroyers.",
            "from four to six destroyers",
            4,
            6,
            "count",
        ),
        # kremlin-news-53077
        (
            "The BRICS countries need from around $800 billion to $1.2 trillion.",
            "from around $800 billion to $1.2 trillion",
            800e9,
            1.2e12,
            "USD",
        ),
        # kremlin-news-17173
        (
            "Now one police officer is responsible for 15,000–18,000 people.",
            "15,000–18,000 people",
            15_000,
            18_000,
            "count",
        ),
        (
            "The new fields will yield from 30 to 45 million tonnes.",
            "from 30 to 45 million tonnes",
            30e6,
            45e6,
            "t",
        ),
        ("Between 500 and 600 people attended.", "Between 500 and 600 people", 500, 600, "count"),
        # kremlin-news-17173
        (
            "The Kuril programme got 8 or 9 billion rubles.",
            "8 or 9 billion rubles",
            8e9,
            9e9,
            "RUB",
        ),
    ],
)
def test_ranges(sentence: str, text: str, low: float, high: float, unit: str) -> None:
    found = figure(sentence, text)
    assert (found.value, found.high, found.unit) == (low, high, unit)


def test_from_to_after_a_verb_of_change_is_two_figures() -> None:
    # whitehouse-2024-07-05
    sentence = "We want to increase the spending threshold from 2 percent to 3 percent GDP."
    assert texts(sentence) == ["2 percent", "3 percent"]
    # kremlin-news-17173
    sentence = (
        "Our international reserves have grown from $498.6 billion last year to $527.3 billion."
    )
    assert texts(sentence) == ["$498.6 billion", "$527.3 billion"]


# ---------------------------------------------------------------- numbers in words


def test_spelled_numbers() -> None:
    # the seed
    found = figure(
        "Indeed, over the last four years trade turnover between our countries has "
        "grown by two and a half times.",
        "two and a half times",
    )
    assert (found.value, found.counted) == (2.5, "trade turnover")
    assert (
        figure("It costs twenty-five million dollars.", "twenty-five million dollars").value == 25e6
    )


def test_european_decimal_comma() -> None:
    # kremlin-news-53077
    found = figure(
        "We have not yet reached the pre-crisis production level, which was 4,2 million.",
        "4,2 million",
    )
    assert found.value == pytest.approx(4.2e6)
    assert figure("Inflation was 7,5% last year.", "7,5%").value == 7.5


# ---------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    ("sentence", "text", "qualifier"),
    [
        # kremlin-news-47126
        (
            "Direct revenues to Bulgaria’s budget alone would have been no less than 400 million "
            "euro a year.",
            "no less than 400 million euro",
            FigureQualifier.AT_LEAST,
        ),
        # kremlin-news-54023
        (
            "We will set up an investment fund with a capital of up to $1 billion.",
            "up to $1 billion",
            FigureQualifier.AT_MOST,
        ),
        # kremlin-news-53077
        (
            "Inflation is expected to come down to below 6 percent.",
            "below 6 percent",
            FigureQualifier.LESS_THAN,
        ),
        # kremlin-news-47126
        (
            "In Iraq nearly 40% of the territory has already been captured.",
            "nearly 40%",
            FigureQualifier.ALMOST,
        ),
        # kremlin-news-53077
        (
            "Latin American countries, which account for some 28 percent, tend to increase.",
            "some 28 percent",
            FigureQualifier.APPROXIMATE,
        ),
        # kremlin-news-55017
        (
            "Growth exceeded 3 percent in May: it was 3.1 percent.",
            "exceeded 3 percent",
            FigureQualifier.MORE_THAN,
        ),
        # kremlin-news-53077: "up to" after "were" is a rise, not a ceiling
        (
            "At the start of this year, they came to $368 billion and were up to $397.7 billion on "
            "September 30.",
            "$397.7 billion",
            FigureQualifier.EXACT,
        ),
        ("Some 5,000 people or more came.", "Some 5,000 people or more", FigureQualifier.AT_LEAST),
    ],
)
def test_qualifiers(sentence: str, text: str, qualifier: FigureQualifier) -> None:
    assert figure(sentence, text).qualifier == qualifier


# ---------------------------------------------------------------- durations


def test_durations() -> None:
    # nato-2006-12-04
    found = figure(
        "For the last ten years Kazakhstan has been actively cooperating with NATO.", "ten years"
    )
    assert (found.value, found.unit, found.kind) == (10, "year", FigureKind.DURATION)


@pytest.mark.parametrize(
    ("sentence", "text", "value", "counted"),
    [
        # au-1975-05-09
        (
            "But in Indo-China for nearly 30 years the war has continued.",
            "nearly 30 years",
            30,
            None,
        ),
        # au-1996-11-20
        (
            "The United States has just adopted a new five-year farm bill which",
            "five-year",
            5,
            "farm bill",
        ),
        ("We adopted a 10-year programme of road building.", "10-year", 10, "programme"),
        ("He has been in power for 20 years now.", "20 years", 20, None),
    ],
)
def test_a_duration_that_is_the_point_stays(
    sentence: str, text: str, value: float, counted: str | None
) -> None:
    found = figure(sentence, text)
    assert (found.value, found.unit, found.kind) == (value, "year", FigureKind.DURATION)
    assert found.counted == counted


@pytest.mark.parametrize(
    "sentence",
    [
        # fomc-2023-03-22
        "Chair Powell, in your testimony two weeks ago, you had indicated you thought the "
        "terminal rate would be higher.",
        "We’ll know a whole lot more in three weeks, and we’ll know more than that in six weeks.",
        # fomc-2024-09-18
        "It’ll—the comments will come back 60 days later, and we’ll dive into them.",
        "The median age of a first-time homebuyer is now 40 years old.",
        # kremlin-news-17173
        "Ms Malyshkina is 83 years old, but she still has a “fashionable” job.",
        "I have a five-year-old daughter who asked me to say hello to President Putin.",
        "Detention conditions for 18-year-old Alexandra Dukhanina, who was arrested.",
        "If we had begun half a year earlier, it does not mean we wouldn’t have this problem.",
        "We already had a situation two or three years ago when rates skyrocketed.",
        # the shapes the issue names
        "A 45-year-old man, aged 45 years, was arrested two days after the meeting.",
        "We will decide in about two weeks.",
    ],
)
def test_dates_and_ages_written_as_durations_are_not_figures(sentence: str) -> None:
    assert [f for f in figures(sentence) if f.kind is FigureKind.DURATION] == []


def test_the_time_a_figure_took_stays_a_duration() -> None:
    # whitehouse-2021-04-28: "in 100 days" after a figure is the time taken, not a date
    sentence = "After I promised 100 million COVID-19 vaccine shots in 100 days – we did it."
    found = figure(sentence, "100 days")
    assert (found.value, found.unit, found.kind) == (100, "day", FigureKind.DURATION)


# ---------------------------------------------------------------- never figures


@pytest.mark.parametrize(
    "sentence",
    [
        # years, ranges of years, decades
        "In 2014, Russia assumed the chairmanship.",
        "These priorities included the organisation’s work in 2004–2005.",
        "You know that the anarchy of the 1990s served to discredit both.",
        # dates
        "We maintain diplomatic relations since December 31, 2015, and we keep a dialogue.",
        "It will be increased on January 1, 2013 as planned.",
        "Consultations took place in New York on May 10 this year.",
        "The draft laws will be ready by 1 July.",
        "The exercises took place in August 2004.",
        # clock times
        "9:28 P.M. CEST",
        "Folks, I know it’s after 9:30, Brussels time — 9:30 p.m., and I’m still here.",
        "They are coming in tomorrow morning at 9 o’clock to meet me.",
        "The helicopter crash took place today at 11.30 in Istanbul.",
        # ordinals
        "Washington hosts a historic summit to mark the 75th anniversary of NATO’s founding.",
        "It slowed down the pace of economic growth in the 3rd and 4th quarter.",
        # names and references
        "We're going to send two additional F-35 squadrons to the UK.",
        "He spoke about our ongoing fight against COVID-19 at home.",
        "Russia assumed the chairmanship of the G20 this year.",
        "We reaffirm our ironclad support for Article 5 and for collective defence.",
        "Kazakhstan works with NATO in the format of 26-plus-1 and we have offices here.",
        "The Canal-2004 operation and the “Rubezh-2004” exercises were important.",
        "Channel One, Rossiya-1 and Rossiya-24 TV channels broadcast the event.",
        "But that was Trump 45. But when you look at Trump 47, it is different.",
        "Question: Margarita Sytnik, 1+1 channel, Ukraine.",
        "Audio file MP3/5770kb",
        "They asked to suspend government order No. 354 on utility services.",
        # vague quantities
        "Thousands of NATO planes have flown through the territory of Kazakhstan.",
        "We seized several hundred firearms and explosive devices.",
    ],
)
def test_not_figures(sentence: str) -> None:
    assert texts(sentence) == []


# ---------------------------------------------------------------- the whole corpus


def test_whole_corpus_invariants() -> None:
    """Every paragraph of every development transcript: exact spans inside the paragraph, no
    overlaps, ranges ordered, and a sentence for context."""
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for line in re.finditer(r"[^\n]+", text):
            found = find_figures(text, Span(line.start(), line.end()))
            for f, after in itertools.pairwise(found):
                assert f.span.end <= after.span.start, (path.name, f.text, after.text)
            for f in found:
                assert line.start() <= f.span.start < f.span.end <= line.end()
                assert text[f.span.start : f.span.end] == f.text
                assert f.high is None or f.high >= f.value, f
                assert f.context and f.unit


@pytest.mark.parametrize(
    "fragment",
    [
        "",
        "$",
        "%",
        "5",
        "1.",
        "a",
        "half",
        "one and",
        "over",
        "$5m",
        "5 -",
        "2,",
        "from 5 to",
        "between 5 and",
        "£",
        "twice",
        "5–",
        "—46C",
        "10:",
        "x 5 x",
        "five-",
        "4,2",
    ],
)
def test_fragments_do_not_break(fragment: str) -> None:
    text = f"{fragment}"
    for f in find_figures(text, Span(0, len(text))):
        assert text[f.span.start : f.span.end] == f.text

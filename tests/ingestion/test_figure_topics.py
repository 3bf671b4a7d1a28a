"""A figure's topics come from its own sentence, or the sentence before it when its own names
none; never from the rest of its statement (figure_topics.py). Figures of the Kremlin seed."""

from __future__ import annotations

from functools import cache

import pytest
from data_paths import KREMLIN_SEED

from service.ingestion.figure_topics import figure_topics
from service.ingestion.model import Figure, ParsedDocument, Turn
from service.ingestion.pipeline import parse_document


@cache
def _kremlin() -> ParsedDocument:
    return parse_document(KREMLIN_SEED.read_text(encoding="utf-8"), filename=KREMLIN_SEED.name)


def _figure(text: str, context_start: str) -> tuple[Figure, Turn]:
    """The seed's figure ``text`` in the sentence that starts with ``context_start``."""
    found = [
        (f, turn)
        for event in _kremlin().events
        for turn in event.turns
        for f in turn.figures
        if f.text == text and f.context.startswith(context_start)
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "context_start", "topics"),
    [
        # own sentence: "integration and trade between our countries has reached $28 million"
        ("$28 million", "I can cite several figures", ["integration", "trade"]),
        ("35–40%", "Our trade with Russia", ["trade", "russia"]),
        ("over 22 million people", "In other words, we saved", ["drug-trafficking"]),
        # none in its own sentence: the one before ("... has reached $28 million today.")
        ("40%", "And it has been increasing", ["integration", "trade"]),
        # "Of them, more than 23 tons were heroine." after "... Tajikistan has confiscated ..."
        ("more than 23 tons", "Of them", ["tajikistan"]),
        # none in its own sentence nor in the one before: none, whatever the statement is about
        ("Over five tons", "Over five tons in one operation", []),
    ],
)
def test_a_figure_is_about_its_own_sentence(
    text: str, context_start: str, topics: list[str]
) -> None:
    figure, _ = _figure(text, context_start)
    assert figure.topics == topics


def test_the_rest_of_the_statement_does_not_count() -> None:
    """Tajikistan's statement is about Afghanistan and terrorism too; the drug-addiction figure
    is not, and the figure of a statement about a dozen topics can be about none."""
    saved, statement = _figure("over 22 million people", "In other words, we saved")
    about = {m.ref for m in statement.topics}
    assert {"afghanistan", "terrorism"} <= about
    assert not {"afghanistan", "terrorism"} & set(saved.topics)
    tons, statement = _figure("Over five tons", "Over five tons in one operation")
    assert len({m.ref for m in statement.topics}) > 5 and tons.topics == []


def test_every_figure_topic_is_a_topic_of_the_document() -> None:
    """Storage links figure topics to the document's topic rows, which must hold them."""
    parsed = _kremlin()
    slugs = {ref.slug for ref in parsed.topics}
    figures = [f for event in parsed.events for turn in event.turns for f in turn.figures]
    assert any(f.topics for f in figures)
    assert {slug for f in figures for slug in f.topics} <= slugs


def test_the_fallback_is_one_sentence_back_within_the_statement() -> None:
    text = (
        "We discussed the grain harvest. It came to 120 million tonnes.\n"
        "The weather was fine. We met 40 people."
    )
    contexts = ["It came to 120 million tonnes.", "We met 40 people."]
    assert figure_topics(text, contexts) == [["agriculture"], []]
    # the first sentence of a statement has none before it
    assert figure_topics("It came to 40 people.", ["It came to 40 people."]) == [[]]


def test_a_context_not_among_the_sentences_is_read_alone() -> None:
    assert figure_topics("Something else entirely.", ["Trade grew by 5%."]) == [["trade"]]

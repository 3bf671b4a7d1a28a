"""Topics and organisations decided by the words around them: negative contexts of themes
("political environment"), an outlet's name is not the theme media, British and American
spellings, place-name variants, and "Congress" inside a longer name. Sentences from the
development corpus unless marked otherwise."""

from __future__ import annotations

import pytest

from service.ingestion import vocabulary
from service.ingestion.mentions import find_mentions
from service.ingestion.model import Span


def refs(text: str) -> set[str]:
    organisations, topics = find_mentions(text, Span(0, len(text)))
    for mention in organisations + topics:
        assert text[mention.span.start : mention.span.end] == mention.text
    return {m.ref for m in organisations + topics}


@pytest.mark.parametrize(
    "sentence",
    [
        # kremlin-news-17173
        "It will create a competitive political environment in Russia.",
        # whitehouse-2022-06-29
        "We will respond to the changed security environment, as well as strengthening defence.",
        # fomc-2025-12-10
        "Why aren’t we hearing more about maybe more cuts in this environment?",
        "The business environment in Russia is improving.",
    ],
)
def test_environment_as_a_setting_is_not_the_theme(sentence: str) -> None:
    assert "environment" not in refs(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We must protect the environment and fight pollution.",
        # kremlin-news-17173, shortened
        "We moved the pipeline away from the lake because of environmental concerns.",
    ],
)
def test_the_environment_itself_is_the_theme(sentence: str) -> None:
    assert "environment" in refs(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # kremlin-news-17173: journalists naming their outlets
        "I am the editor of the Krasnoye Znamya Severa newspaper, whose readership consists "
        "mainly of veterans.",
        "Question: Yes, I'm from Vsevolozhsk, Leningrad Region, the newspaper Golos Chitatelya.",
        "Dmitry Peskov: NTV television channel.",
        "Amur Pravda newspaper, Yelena Pavlova, Amur Region.",
        # Kremlin page furniture (kremlin-news-51551 and others): answering questions
        "Press statements and answers to journalists’ questions following Russian-Finnish talks.",
        "Dmitry Peskov: One question per journalist.",
    ],
)
def test_an_outlet_named_or_questions_answered_are_not_the_theme_media(sentence: str) -> None:
    assert "media" not in refs(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # kremlin-news-55017 and kremlin-news-17173
        "There had even been unfriendly statements from US media in the run-up to the summit.",
        "The issue of protecting journalists has become very relevant.",
    ],
)
def test_media_as_a_subject_is_the_theme(sentence: str) -> None:
    assert "media" in refs(sentence)


@pytest.mark.parametrize(
    ("sentence", "ref"),
    [
        ("Allies increased defense spending again.", "defence-spending"),
        ("Allies increased defence spending again.", "defence-spending"),
        ("They stopped the nuclear programme.", "nuclear-weapons"),
        ("They stopped the nuclear program.", "nuclear-weapons"),
        ("We discussed labor migration.", "migration"),
        ("We discussed labour migration.", "migration"),
    ],
)
def test_british_and_american_spellings_find_the_same_theme(sentence: str, ref: str) -> None:
    assert ref in refs(sentence)


@pytest.mark.parametrize(
    ("variant", "name"),
    [
        ("Kyiv", "Kiev"),
        ("Kyrgyzstan", "Kirghizia"),
        ("Belarus", "Byelorussia"),
        ("Turkey", "Türkiye"),
        ("Kazakhstan", "Kazakstan"),
        ("Turkmenistan", "Turkmenia"),
    ],
)
def test_place_name_variants_are_one_place(variant: str, name: str) -> None:
    one, other = vocabulary.topic_by_name(variant), vocabulary.topic_by_name(name)
    assert one is not None and one == other
    assert refs(f"Talks were held with {name} yesterday.") == {one.slug}


@pytest.mark.parametrize(
    "sentence",
    [
        # kremlin-news-59829 and kremlin-news-54023
        "We agreed to launch the process at the Syrian National Dialogue Congress here in Sochi.",
        "The summit supported the holding of the National Dialogue Congress between Syrians.",
        "The Congress Party of India won the vote.",
        "I would also like to invite him to the World Petroleum Congress in Istanbul.",
    ],
)
def test_congress_inside_a_longer_name_is_not_the_us_congress(sentence: str) -> None:
    assert "us-congress" not in refs(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Congress has passed the budget.",
        "The Congress will vote tomorrow.",
        "The US Congress agreed.",
        "We are asking Congress to act.",
    ],
)
def test_congress_alone_is_the_us_congress(sentence: str) -> None:
    assert "us-congress" in refs(sentence)

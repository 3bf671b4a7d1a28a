"""Questioners: who asks and for which outlet (issue 13).

Journalists' self-introductions in every order ("X from Y", "X, Y", "Y, X", "X with Y"), a
place or a sentence fragment never taken for an outlet, outlets typed MEDIA only when they are
news organisations, follow-up questions kept with their questioner, and audience remarks never
counted as questions. Sentences are from tests/data/corpus where it has them; the small
documents are in the shape of real transcripts.
"""

from __future__ import annotations

from functools import cache

import pytest
from data_paths import CORPUS

from service.ingestion import analysis, journalists
from service.ingestion.model import ParsedDocument, PersonRef, Turn
from service.ingestion.pipeline import parse_document


@pytest.mark.parametrize(
    ("text", "name", "outlet"),
    [
        # shapes the product owners listed
        (
            "Hi, I'm Jane Doe from the Financial Times. What about rates?",
            "Jane Doe",
            "Financial Times",
        ),
        ("Financial Times, Jane Doe. What about rates?", "Jane Doe", "Financial Times"),
        ("Jane Doe, Reuters. What about rates?", "Jane Doe", "Reuters"),
        ("Jane Doe with Bloomberg News. What about rates?", "Jane Doe", "Bloomberg News"),
        # fomc-2025-12-10: a comma before "with"
        (
            "Thank you. Howard Schneider, with Reuters. Just first turning to",
            "Howard Schneider",
            "Reuters",
        ),
        (
            "Thanks, Mr. Chairman. Edward Lawrence, with Fox Business. I wanted",
            "Edward Lawrence",
            "Fox Business",
        ),
        ("Chairman, Mark Hamrick, with Bankrate. Even while many", "Mark Hamrick", "Bankrate"),
        # kremlin-news-17173: a city or region beside the outlet
        (
            "Sergei Brilyov, Moscow, Rossiya TV channel.\nMr President,",
            "Sergei Brilyov",
            "Rossiya TV channel",
        ),
        (
            "Vladimir Semenchik, Sakhalin, the Gubernskiye Vedomosti publishing house.\nMy",
            "Vladimir Semenchik",
            "Gubernskiye Vedomosti publishing house",
        ),
        (
            "Sergei Fadeyev, Kaluga, the Kaluga Evening daily.\nI have a question",
            "Sergei Fadeyev",
            "Kaluga Evening daily",
        ),
        (
            "Hello, Mr President,\nAmur Pravda newspaper, Yelena Pavlova, Amur Region.\nJust",
            "Yelena Pavlova",
            "Amur Pravda newspaper",
        ),
        (
            "Hello,\nAlexei Ivanov, the Novaya Zhizn newspaper, Kirillovsky district.",
            "Alexei Ivanov",
            "Novaya Zhizn newspaper",
        ),
        (
            "The newspaper Krasny Sever, Natalya Rybyakova, Yamalo-Nenets Autonomous Area.\nThe",
            "Natalya Rybyakova",
            "newspaper Krasny Sever",
        ),
        # a role between the name and the outlet
        (
            "Good afternoon, Mr President. Oksana Panarina, columnist for the Kuzbass newspaper.",
            "Oksana Panarina",
            "Kuzbass newspaper",
        ),
        (
            "Fine, thank you very much. Oleg Kashtanov, from the newspaper Izvestiya Mordovia.",
            "Oleg Kashtanov",
            "newspaper Izvestiya Mordovia",
        ),
        (
            "Thank you, Mr President. Andrei Tumanov, a freelance correspondent with 6 Sotok.",
            "Andrei Tumanov",
            "6 Sotok",
        ),
        (
            "Mr President, I am David Akhvlediani, channel TV9, Tbilisi, Georgia.",
            "David Akhvlediani",
            "channel TV9",
        ),
        (
            "Margarita Sytnik, 1+1 channel, Ukraine, special correspondent in Moscow.",
            "Margarita Sytnik",
            "1+1 channel",
        ),
        (
            "Good afternoon. Yelena Milenchich, Russia Today.\nRussia assumed",
            "Yelena Milenchich",
            "Russia Today",
        ),
        (
            "Alexander Gamov. Radio, television and the newspaper Komsomolskaya Pravda.",
            "Alexander Gamov",
            "Komsomolskaya Pravda",
        ),
    ],
)
def test_a_self_introduction_gives_the_person_and_the_outlet(
    text: str, name: str, outlet: str
) -> None:
    found = journalists.self_introduction(text)
    assert found is not None
    assert (" ".join(found.name), found.outlet) == (name, outlet)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # kremlin-news-17173
        (
            "Hello, Mr President, my name is Rolanda Kazachakova, I’m from the Republic of Tuva.",
            "Rolanda Kazachakova",
        ),
        (
            "Hello, Mr President! My name is Vitaly Ageyev, I have asked you multiple questions",
            "Vitaly Ageyev",
        ),
        (
            "My name is Dina Gazaliyeva, I represent my republic’s satellite television.",
            "Dina Gazaliyeva",
        ),
        (
            "Good afternoon, Mr President. Syktyvkar, Komi Republic, Darya Shuchalina.\nI am",
            "Darya Shuchalina",
        ),
        ("Jane Doe, Washington. What about rates?", "Jane Doe"),
        ("Jane Doe from Moscow. What about rates?", "Jane Doe"),
        ("Jane Doe, Thank you. What about rates?", "Jane Doe"),
        # kremlin-news-53077: an investor's job is no outlet
        (
            "Mr President, I’m Claire Husson-Citanna, I’m a fixed income portfolio manager.",
            "Claire Husson-Citanna",
        ),
    ],
)
def test_a_place_or_a_sentence_fragment_is_never_an_outlet(text: str, name: str) -> None:
    found = journalists.self_introduction(text)
    assert found is not None and " ".join(found.name) == name
    assert found.outlet is None


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        (
            "I represent the TVN television company in Poland.\nThere is an issue",
            "TVN television company",
        ),
        ("Youth TV Channel O2TV.\nMr President, there are many", "Youth TV Channel O2TV"),
        ("I am from the Novaya Gazeta. My question", "Novaya Gazeta"),
    ],
)
def test_an_outlet_named_without_a_person(text: str, outlet: str) -> None:
    assert journalists.self_introduction(text) is None
    assert journalists.outlet_only(text) == outlet


@pytest.mark.parametrize(
    "text", ["Moscow. My question is", "I'm from Moscow.", "Thank you very much."]
)
def test_no_outlet_alone_from_a_place_or_a_courtesy(text: str) -> None:
    assert journalists.outlet_only(text) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Goldman Sachs", "OTHER"),
        ("BlackRock", "OTHER"),
        ("XYZ Capital", "OTHER"),
        ("Aberdeen Asset Management", "OTHER"),
        ("PGGM Investments", "OTHER"),
        ("Blackfriars Fund", "OTHER"),
        ("Northern Courier", "MEDIA"),  # named as an outlet by a journalist: a news organisation
        ("Kaluga Evening daily", "MEDIA"),
        ("Reuters", "MEDIA"),
    ],
)
def test_an_outlet_is_media_only_when_it_is_a_news_organisation(name: str, kind: str) -> None:
    assert analysis.media_outlet(name).kind == kind


def _people(doc: ParsedDocument) -> dict[str, PersonRef]:
    return {p.key: p for p in doc.persons}


def _asker(doc: ParsedDocument, turn: Turn) -> str | None:
    person = _people(doc).get(turn.person_key or "")
    return person.name if person else None


def test_an_investor_asking_is_no_journalist_of_a_media_outlet() -> None:
    doc = parse_document(
        "Andrei Kostin: Colleagues, please put your questions to the panel.\n\n"
        "Question: Thank you, Mr President. Brett Diment, Aberdeen Asset Management. "
        "Will rates fall?\n\n"
        "Vladimir Putin: They might.\n"
    )
    question = doc.events[0].turns[1]
    assert question.kind == "QUESTION" and _asker(doc, question) == "Brett Diment"
    brett = _people(doc)[question.person_key or ""]
    firm = next(o for o in doc.organisations if o.slug == brett.affiliation)
    assert firm.name == "Aberdeen Asset Management" and firm.kind == "OTHER"
    assert not any(o.kind == "MEDIA" for o in doc.organisations)
    roles = {p.role for p in doc.events[0].participants if p.person_key == brett.key}
    assert roles == {"SPEAKER"}


FOLLOW_UPS = (
    "THE PRESIDENT: I'll take a few questions. Jane Doe, Reuters.\n\n"
    "Q: Thank you, Mr. President. Will you sign the bill?\n\n"
    "THE PRESIDENT: Yes.\n\n"
    "Q: Follow-up? When?\n\n"
    "THE PRESIDENT: Next week.\n\n"
    "Q: And the veto threat?\n\n"
    "THE PRESIDENT: There is none. Go ahead, Tom.\n\n"
    "Q: What about the budget?\n\n"
    "THE PRESIDENT: Ask Congress.\n\n"
    "Q: Hi, Mr. President. Mark Lee, Daily Herald. On trade?\n\n"
    "THE PRESIDENT: Later.\n\n"
    "Q: Just a follow-up, sir?\n"
)


def test_a_follow_up_keeps_its_questioner_until_the_floor_moves() -> None:
    doc = parse_document(FOLLOW_UPS)
    questions = [t for t in doc.events[0].turns if t.kind == "QUESTION"]
    askers = [_asker(doc, t) for t in questions]
    # Jane Doe asks three times; "Go ahead, Tom." hands the floor to someone else, unnamed
    assert askers == ["Jane Doe", "Jane Doe", "Jane Doe", None, "Mark Lee", "Mark Lee"]


def test_a_follow_up_after_an_unnamed_question_stays_unnamed() -> None:
    doc = parse_document(
        "Mary Brown: Questions, please.\n\n"
        "Q: Will taxes rise?\n\n"
        "Mary Brown: No.\n\n"
        "Q: And next year?\n"
    )
    assert [t.person_key for t in doc.events[0].turns if t.kind == "QUESTION"] == [None, None]


@pytest.mark.parametrize(
    "label",
    ["REMARK", "REPLY", "Remark", "Reply", "Remark from the audience", "Reply from the floor"],
)
def test_audience_remarks_and_replies_are_no_questions(label: str) -> None:
    doc = parse_document(
        "Vladimir Putin: Let us take questions.\n\n"
        "Question: Jane Doe, Reuters. Will rates fall?\n\n"
        "Vladimir Putin: They might.\n\n"
        f"{label}: We hope so.\n\n"
        "Vladimir Putin: So do I.\n"
    )
    turns = doc.events[0].turns
    assert [t.kind for t in turns] == ["REMARKS", "QUESTION", "ANSWER", "REMARKS", "REMARKS"]
    assert turns[3].person_key is None


def test_a_congress_inside_a_longer_name_is_not_the_us_congress() -> None:
    doc = parse_document(
        "Vladimir Putin: We agreed to hold the Syrian National Dialogue Congress in Sochi. The "
        "Indian National Congress sent a delegation.\n\n"
        "Question: And the US Congress?\n\n"
        "Vladimir Putin: Congress has its own views.\n"
    )
    found = [m.text for t in doc.events[0].turns for m in t.organisations if m.ref == "us-congress"]
    assert found == ["US Congress", "Congress"]


# ------------------------------------------------------------------ the corpus, read by hand


@cache
def _corpus(name: str) -> ParsedDocument:
    return parse_document((CORPUS / name).read_text(encoding="utf-8"), filename=name)


def _questions(name: str) -> dict[str, tuple[str | None, str | None]]:
    """Opening words of each question turn -> (questioner, outlet name)."""
    doc = _corpus(name)
    people = _people(doc)
    orgs = {o.slug: o for o in doc.organisations}
    found = {}
    for event in doc.events:
        for turn in event.turns:
            if turn.kind != "QUESTION":
                continue
            person = people.get(turn.person_key or "")
            outlet = orgs.get(person.affiliation or "") if person else None
            found[turn.text[:40]] = (
                person.name if person else None,
                outlet.name if outlet else None,
            )
    return found


# kremlin-news-17173 (the 2012 annual news conference): introductions a reader finds in the
# opening lines of each question, with the outlet as the page prints it (or the vocabulary's
# name for an outlet it knows).
KREMLIN_17173 = {
    "Good afternoon, Mr President. Oksana Pan": ("Oksana Panarina", "Kuzbass newspaper"),
    "Fine, thank you very much. Oleg Kashtano": ("Oleg Kashtanov", "newspaper Izvestiya Mordovia"),
    "Hello, Mr President! My name is Dina Gaz": ("Dina Gazaliyeva", None),
    "Sergei Brilyov, Moscow, Rossiya TV chann": ("Sergei Brilyov", "Rossiya"),
    "You did.\nAt the end of your current term": ("Sergei Brilyov", "Rossiya"),
    "Alexander Gamov. Radio, television and t": ("Alexander Gamov", "Komsomolskaya Pravda"),
    "Hello, Mr President, my name is Rolanda ": ("Rolanda Kazachakova", None),
    "Hello, Mr President,\nAmur Pravda newspap": ("Yelena Pavlova", "Amur Pravda newspaper"),
    "Hello, Mr President,\nAlexei Ivanov, the ": ("Alexei Ivanov", "Novaya Zhizn newspaper"),
    "Vladimir Semenchik, Sakhalin, the Gubern": (
        "Vladimir Semenchik",
        "Gubernskiye Vedomosti publishing house",
    ),
    "Good afternoon, Mr President.\nViktoria P": ("Viktoria Prikhodko", "Moskovsky Komsomolets"),
    "Sergei Fadeyev, Kaluga, the Kaluga Eveni": ("Sergei Fadeyev", "Kaluga Evening daily"),
    "Hello, Mr President! My name is Vitaly A": ("Vitaly Ageyev", None),
    "The newspaper Krasny Sever, Natalya Ryby": ("Natalya Rybyakova", "newspaper Krasny Sever"),
    "Margarita Sytnik, 1+1 channel, Ukraine, ": ("Margarita Sytnik", "1+1"),
    "Good afternoon, Mr President. Syktyvkar,": ("Darya Shuchalina", None),
    "Good afternoon. Yelena Milenchich, Russi": ("Yelena Milenchich", "RT"),
    "Thank you, Mr President. Andrei Tumanov,": ("Andrei Tumanov", "6 Sotok"),
    "Mr President, I am David Akhvlediani, ch": ("David Akhvlediani", "channel TV9"),
    "Inessa Zemler, Ekho Moskvy.\nHello, Mr Pr": ("Inessa Zemler", "Ekho Moskvy"),
    "Do you support the adoption ban or not?": ("Inessa Zemler", "Ekho Moskvy"),
}


def test_kremlin_annual_news_conference_questioners() -> None:
    found = _questions("kremlin-news-17173.txt")
    wrong = {k: (found.get(k), v) for k, v in KREMLIN_17173.items() if found.get(k) != v}
    assert not wrong


def test_no_place_or_fragment_is_an_outlet_anywhere_in_the_corpus() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        doc = _corpus(path.name)
        for org in doc.organisations:
            if org.kind != "MEDIA":
                continue
            first = org.name.split()[0].lower().strip("’'")
            assert first not in {"i", "i’m", "i'm", "we", "my", "thank"}, (path.name, org.name)
            assert not analysis.is_place(org.name) and not journalists.is_place(org.name), (
                path.name,
                org.name,
            )


def test_investment_forum_questioners_are_not_media() -> None:
    """kremlin-news-53077: fund managers ask at an investment forum."""
    found = _questions("kremlin-news-53077.txt")
    assert found["Thank you, Mr President. Brett Diment, A"] == (
        "Brett Diment",
        "Aberdeen Asset Management",
    )
    doc = _corpus("kremlin-news-53077.txt")
    media = {o.name for o in doc.organisations if o.kind == "MEDIA"}
    for firm in ["Aberdeen Asset Management", "PGGM Investments", "Blackfriars Fund"]:
        assert firm not in media


def test_fomc_outlets_after_a_comma_and_with() -> None:
    found = _questions("fomc-2025-12-10-powell-press-conference.txt")
    assert found["Thank you. Howard Schneider, with Reuter"] == ("Howard Schneider", "Reuters")
    assert found["Chairman, Mark Hamrick, with Bankrate. E"] == ("Mark Hamrick", "Bankrate")
    assert found["Thanks, Chair Powell. Matt Egan, with CN"] == ("Matt Egan", "CNN")

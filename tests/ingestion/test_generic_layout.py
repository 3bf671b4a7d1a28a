"""Pages in a layout the corpus does not show: the generic "Speaker: text" transcript and a
single-speaker speech."""

from __future__ import annotations

import datetime as dt

from service.ingestion.pipeline import parse_document

TRANSCRIPT = """Joint press conference of the Ministers of Agriculture
Date: 12 March 2024
Location: Brussels

Anna Lindqvist (Minister of Agriculture of Sweden): Good afternoon. We have agreed on a common
position on fertiliser prices.

Pedro Alvarez: Thank you, Anna. I agree with everything that was said.
There are several stages of cooperation: the first is trade.

MODERATOR: We will take questions now.

Question: John Smith, Farm Weekly. When will prices fall?

Lindqvist: Not before the summer. (Laughter.)

Alvarez (via interpreter): I would add that the harvest matters.

Question: And what about imports?
Lindqvist: They are stable.
"""


def test_generic_transcript() -> None:
    doc = parse_document(TRANSCRIPT, filename="ministers.txt")
    assert doc.format == "generic"
    event = doc.events[0]
    assert event.title == "Joint press conference of the Ministers of Agriculture"
    assert event.kind == "PRESS_CONFERENCE"
    assert event.date == dt.date(2024, 3, 12)
    assert event.location == "Brussels"
    labels = [t.label for t in event.turns]
    assert labels == [
        "Anna Lindqvist (Minister of Agriculture of Sweden)",
        "Pedro Alvarez",
        "MODERATOR",
        "Question",
        "Lindqvist",
        "Alvarez (via interpreter)",
        "Question",
        "Lindqvist",
    ]
    kinds = [t.kind for t in event.turns]
    assert kinds == [
        "REMARKS",
        "REMARKS",
        "MODERATION",
        "QUESTION",
        "ANSWER",
        "ANSWER",
        "QUESTION",
        "ANSWER",
    ]
    assert [t.in_reply_to for t in event.turns][4:6] == [4, 4]
    names = {p.key: p.name for p in doc.persons}
    assert names[event.turns[0].person_key] == "Anna Lindqvist"
    assert event.turns[4].person_key == event.turns[0].person_key  # surname alone
    assert names[event.turns[5].person_key] == "Pedro Alvarez"
    assert names[event.turns[3].person_key] == "John Smith"  # names himself
    # the follow-up after the answers is still his (issue 13)
    assert event.turns[6].person_key == event.turns[3].person_key
    # a sentence ending in a colon continues the turn; "(Laughter.)" stays in the text
    assert "There are several stages of cooperation: the first is trade." in event.turns[1].text
    assert event.turns[4].text == "Not before the summer. (Laughter.)"
    sweden = next(p for p in doc.persons if p.name == "Anna Lindqvist")
    assert "Minister of Agriculture of Sweden" in sweden.titles


def test_single_speaker_speech() -> None:
    text = (
        "Address by Prime Minister Maria Rossi to the National Assembly\n"
        "5 May 2023\n\n"
        "Honourable members, I stand before you today to present the budget for the coming "
        "year.\n\n"
        "It is a budget of responsibility. Thank you.\n"
    )
    doc = parse_document(text)
    event = doc.events[0]
    assert event.kind == "SPEECH"
    assert event.date == dt.date(2023, 5, 5)
    assert len(event.turns) == 1
    turn = event.turns[0]
    assert turn.kind == "REMARKS"
    assert turn.text.startswith("Honourable members")
    assert turn.text.endswith("Thank you.")
    speaker = next(p for p in doc.persons if p.key == turn.person_key)
    assert speaker.name == "Maria Rossi"
    assert "Prime Minister" in speaker.titles


BYLINE_PAGE = """Press conference
by NATO Secretary General Jens Stoltenberg following the meeting of Defence Ministers

Last updated: 14 Feb. 2018 19:20

(As delivered)

Good afternoon.

We have just finished our meeting of defence ministers, and we agreed to adapt the command
structure of the Alliance.

Oana Lungescu (NATO Spokesperson): We'll start with Reuters.

Robin Emmott (Reuters): Thank you. How many personnel will the new commands need?

NATO Secretary General Jens Stoltenberg: We have not decided the exact number.

Oana Lungescu (NATO Spokesperson): Deutsche Welle.

Question (Deutsche Welle): What is your view on Turkey?

NATO Secretary General Jens Stoltenberg: Turkey is a valued ally.

Oana Lungescu (NATO Spokesperson): Thank you very much. That concludes this press conference.
"""


def test_opening_statement_under_a_byline() -> None:
    """Text before the first label belongs to the speaker of the byline; a spokesperson who
    hands the floor to journalists moderates; an outlet in parentheses marks a journalist."""
    doc = parse_document(BYLINE_PAGE)
    event = doc.events[0]
    assert event.title.startswith("Press conference by NATO Secretary General")
    assert event.kind == "PRESS_CONFERENCE"
    assert event.date == dt.date(2018, 2, 14)
    names = {p.key: p.name for p in doc.persons}
    turns = event.turns
    assert [names.get(t.person_key or "") for t in turns] == [
        "Jens Stoltenberg",
        "Oana Lungescu",
        "Robin Emmott",
        "Jens Stoltenberg",
        "Oana Lungescu",
        None,
        "Jens Stoltenberg",
        "Oana Lungescu",
    ]
    assert [t.kind for t in turns] == [
        "REMARKS",
        "MODERATION",
        "QUESTION",
        "ANSWER",
        "MODERATION",
        "QUESTION",
        "ANSWER",
        "MODERATION",
    ]
    assert turns[0].text.startswith("Good afternoon.\nWe have just finished")
    assert "(As delivered)" not in turns[0].text
    roles = {p.label: (p.role, p.affiliation) for p in event.participants}
    assert roles["Robin Emmott (Reuters)"][0] == "JOURNALIST"
    assert roles["Oana Lungescu (NATO Spokesperson)"][0] == "MODERATOR"
    assert roles["Question (Deutsche Welle)"][0] == "JOURNALIST"
    assert roles["Question (Deutsche Welle)"][1] is not None

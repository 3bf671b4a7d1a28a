"""Speaker labels: the many printed styles, sentences that merely contain a colon, and stage
directions that never open or close a turn."""

from __future__ import annotations

import pytest

from service.ingestion import labels
from service.ingestion.pipeline import parse_document


def label_of(line: str) -> labels.Label | None:
    return labels.find(line, 0, len(line))


@pytest.mark.parametrize(
    ("line", "raw", "name", "title", "side"),
    [
        (
            "JAAP DE HOOP SCHEFFER (Secretary General of NATO): Let me",
            "JAAP DE HOOP SCHEFFER (Secretary General of NATO)",
            "JAAP DE HOOP SCHEFFER",
            None,
            None,
        ),
        ("DE HOOP SCHEFFER: Well, as I said", "DE HOOP SCHEFFER", "DE HOOP SCHEFFER", None, None),
        (
            "President of Russia Vladimir Putin: Good afternoon",
            "President of Russia Vladimir Putin",
            "Vladimir Putin",
            "President of Russia",
            None,
        ),
        (
            "Resident of Kazakhstan Nursultan Nazarbayev: Distinguished",
            "Resident of Kazakhstan Nursultan Nazarbayev",
            "Nursultan Nazarbayev",
            None,  # a misspelt office is stripped but not recorded
            None,
        ),
        (
            "President and Chairman of the Board of VTB Bank Andrei Kostin: Thank you",
            "President and Chairman of the Board of VTB Bank Andrei Kostin",
            "Andrei Kostin",
            "President and Chairman of the Board of VTB Bank",
            None,
        ),
        ("Mr Putin: I can only agree", "Mr Putin", "Putin", None, None),
        (
            "SECRETARY GENERAL STOLTENBERG:  Thank you",
            "SECRETARY GENERAL STOLTENBERG",
            "STOLTENBERG",
            "Secretary General",
            None,
        ),
        ("MS. JEAN-PIERRE:  Good morning", "MS. JEAN-PIERRE", "JEAN-PIERRE", None, None),
        ("Q: This is Kazakhstan's Pravda", "Q", None, None, "question"),
        ("Q    Mr. President, thank you.", "Q", None, None, "question"),
        ("Question: Another stage", "Question", None, None, "question"),
        (
            "Question (retranslated): Mr President",
            "Question (retranslated)",
            None,
            None,
            "question",
        ),
        ("Remark: Exactly.", "Remark", None, None, "audience"),
        ("MODERATOR: We'll take a few questions", "MODERATOR", None, None, "moderator"),
        (
            "SENIOR ADMINISTRATION OFFICIAL:  Great.",
            "SENIOR ADMINISTRATION OFFICIAL",
            None,
            None,
            "answer",
        ),
        ("     PRESIDENT TRUMP:  Hello, everybody.", "PRESIDENT TRUMP", "TRUMP", "President", None),
    ],
)
def test_label_styles(
    line: str, raw: str, name: str | None, title: str | None, side: str | None
) -> None:
    label = label_of(line)
    assert label is not None
    assert label.raw == raw
    assert line[label.span.start : label.span.end] == raw
    assert label.side == side
    if name is not None:
        assert label.designation is not None
        assert label.designation.name_text == name
        known = label.designation.title_text if label.designation.title_known else None
        assert known == title


def test_office_after_a_comma() -> None:
    label = label_of("Sergei Lavrov, Foreign Minister: Good afternoon.")
    assert label is not None and label.designation is not None
    assert label.designation.name_text == "Sergei Lavrov"
    assert label.titles == ("Foreign Minister",)
    assert label_of("Mr President, my question is as follows: what") is None


def test_office_before_a_comma() -> None:
    """Press offices print the office first: "Official Spokesperson, Shri Arindam Bagchi:"."""
    label = label_of("Official Spokesperson, Shri Arindam Bagchi: Good afternoon friends.")
    assert label is not None and label.designation is not None
    assert label.designation.name_text == "Arindam Bagchi"
    assert label.titles == ("Official Spokesperson",)


def test_annotations_and_titles_in_parentheses() -> None:
    scheffer = label_of("JAAP DE HOOP SCHEFFER (Secretary General of NATO): Let me")
    assert scheffer is not None and scheffer.titles == ("Secretary General of NATO",)
    finn = label_of("President of Finland Sauli Niinisto (retranslated): Ladies")
    assert finn is not None and finn.annotations == ("retranslated",) and not finn.titles
    interpreted = label_of("Recep Tayyip Erdogan (As interpreted): Thank you")
    assert interpreted is not None and interpreted.annotations == ("As interpreted",)


def test_contextual_label() -> None:
    label = label_of("THE PRESIDENT:  Good evening.")
    assert label is not None and label.designation is not None
    assert label.designation.contextual and label.designation.title_text == "President"


@pytest.mark.parametrize(
    "line",
    [
        "There are several stages of cooperation: first, trade.",
        "And today the issue is, from our view point: that the world will",
        "And what is particularly important in this context: the CSTO is",
        "Second: I did not throw anybody out.",
        "Publication date: June 23, 2005, 20:33",
        "Published in section: Transcripts",
        "20:33",
        "Alexander Gamov. Radio: the newspaper",
        "Mr President, my question is as follows: what",
        "Dear colleagues: welcome",
        "Quarterly results were: good",
    ],
)
def test_not_labels(line: str) -> None:
    assert label_of(line) is None


def test_lone_word_label_needs_the_page() -> None:
    """ "Putin:" alone is a label only when the page names a Putin in full elsewhere."""
    confirmed = parse_document("Vladimir Putin: Good afternoon.\nQuestion: Why?\nPutin: Because.\n")
    assert [t.label for t in confirmed.events[0].turns] == ["Vladimir Putin", "Question", "Putin"]
    keys = {t.person_key for t in confirmed.events[0].turns if t.label != "Question"}
    assert len(keys) == 1
    unconfirmed = parse_document(
        "Mary Brown: The plan has parts.\nFinally: it ends.\nQuestion: Why?\n"
    )
    turns = unconfirmed.events[0].turns
    assert [t.label for t in turns] == ["Mary Brown", "Question"]
    assert "Finally: it ends." in turns[0].text


def _page(speaker: str, line: str) -> str:
    """A page where ``speaker`` speaks three times, and ``line`` opens a paragraph after
    the second time."""
    return (
        "Press conference\nMay 2, 2018\n\n"
        f"{speaker}: Good afternoon, colleagues.\n\n"
        "Question: When will the pipeline be finished?\n\n"
        f"{speaker}: Next year, I think.\n\n"
        f"{line}\n\n"
        "Question: And the gas?\n\n"
        f"{speaker}: Also next year.\n"
    )


@pytest.mark.parametrize(
    ("speaker", "line"),
    [
        ("PRESIDENT PUTIN", "PUTN: Thank you."),  # a letter missing, in capitals
        ("Vladimir Putin", "Putn: Thank you."),  # capitalised, beside a full name
        ("PRESIDENT PUTIN", "PUITN: Thank you."),  # two letters swapped
        ("PRESIDENT PUTIN", "PUTIN: Thank you."),  # the surname itself, beside an office
    ],
)
def test_a_bare_misprinted_surname_is_the_speakers_label(speaker: str, line: str) -> None:
    """A lone word one letter off, inside the word, the surname of the one person the page
    labels in full or with an office is that person's label, not text of the turn before."""
    word = line.split(":")[0]
    turns = parse_document(_page(speaker, line)).events[0].turns
    assert [t.label for t in turns] == [speaker, "Question", speaker, word, "Question", speaker]
    assert turns[3].text == "Thank you."
    assert turns[2].text == "Next year, I think."
    assert turns[3].person_key is not None
    assert turns[3].person_key == turns[0].person_key == turns[2].person_key


@pytest.mark.parametrize(
    ("speaker", "line"),
    [
        ("PRESIDENT PUTIN", "NOTE: The transcript has not been edited."),  # a sentence start
        ("Senator Penny Wong", "WRONG: we never said that."),  # an English word ("Wong")
        ("Senator Penny Wong", "Wrong: we never said that."),
        ("Minister Ahmed Omran", "OMAN: will host the next round."),  # a country ("Omran")
        ("MINISTER SCHOLTZ", "SCHOLZ: Thank you."),  # a known office holder's surname
        ("Senator Penny Wong", "WNG: Thank you."),  # three letters: too short to tell
        ("PRESIDENT PUTIN", "PUTINA: Thank you."),  # a letter added at the end: another name
        ("PRESIDENT PUTIN", "PIUTN: Thank you."),  # two letters off
        ("PRESIDENT ZELENSKY", "PUTN: Thank you."),  # nobody of the page is that close
        ("MR. PUTIN", "PUTN: Thank you."),  # an honorific alone is no office
    ],
)
def test_a_lone_word_near_a_surname_is_not_always_a_label(speaker: str, line: str) -> None:
    """What stays text of the turn before, as it did before misprinted surnames were read."""
    turns = parse_document(_page(speaker, line)).events[0].turns
    assert [t.label for t in turns] == [speaker, "Question", speaker, "Question", speaker]
    assert turns[2].text == f"Next year, I think.\n{line}"


def test_a_misprint_close_to_two_speakers_is_no_label() -> None:
    """ "KOVAS" is one letter off both "Kovacs" and "Kovals": nobody can tell whose it is."""
    text = (
        "Janos Kovacs: Good afternoon.\n\nPeter Kovals: Thank you.\n\n"
        "Janos Kovacs: The talks went well.\n\nKOVAS: Thank you.\n\nQuestion: Why?\n"
    )
    turns = parse_document(text).events[0].turns
    assert [t.label for t in turns] == ["Janos Kovacs", "Peter Kovals", "Janos Kovacs", "Question"]
    assert "KOVAS: Thank you." in turns[2].text


def test_stage_directions_stay_in_the_turn() -> None:
    text = (
        "Vladimir Putin: We agree.\n"
        "(Applause.)\n"
        "<…>\n"
        "Question: Aleksandr Grigor’evich [Lukashenko], how do you assess it?\n"
        "Aleksandr Lukashenko: (SPEAKING IN BELARUSIAN) Well. (Laughter.)\n"
    )
    turns = parse_document(text).events[0].turns
    assert [t.label for t in turns] == ["Vladimir Putin", "Question", "Aleksandr Lukashenko"]
    assert turns[0].text == "We agree.\n(Applause.)\n<…>"
    assert "[Lukashenko]" in turns[1].text
    assert turns[2].text == "(SPEAKING IN BELARUSIAN) Well. (Laughter.)"


def test_labels_in_a_hard_wrapped_page() -> None:
    """Markdown pages wrap paragraphs; a label at a line start opens a turn even without a
    blank line before it; indented labels count; a colon inside wrapped prose does not."""
    body = (
        "PRESIDENT SMITH:  Thank you all for coming here today to talk about the\n"
        "summit and what it means for our alliance and partners around the world.\n"
        "There are several stages of cooperation: trade, energy and defense, and\n"
        "each of them will be discussed in depth by the ministers this afternoon.\n"
        "MR. JONES:  Thank you, Mr. President.  It is an honor to be here with you\n"
        "and with all of our colleagues from across the alliance this afternoon.\n"
        "\n"
        "Q    Mr. President, what do you expect from the meeting with the leaders of\n"
        "the southern partners tomorrow, and will there be a joint declaration?\n"
        "\n"
        "     PRESIDENT SMITH:  We expect a great deal from that meeting, and yes,\n"
        "there will be a declaration at the end of it, which we will publish.\n"
        "\n"
        "END\n"
    )
    doc = parse_document(body)
    turns = doc.events[0].turns
    assert [t.label for t in turns] == ["PRESIDENT SMITH", "MR. JONES", "Q", "PRESIDENT SMITH"]
    assert [t.kind for t in turns] == ["REMARKS", "REMARKS", "QUESTION", "ANSWER"]
    assert "There are several stages of cooperation: trade" in turns[0].text
    assert "\n" not in turns[0].text  # one wrapped paragraph
    assert turns[3].in_reply_to == 3


def test_label_misprinted_with_a_full_stop() -> None:
    """ "PRESIDENT TRUMP.  Yeah." on a page whose other labels read "PRESIDENT TRUMP:"."""
    text = (
        "PRESIDENT SMITH:  It started off well.\n\n"
        "MR. JONES:  Tensions were high.\n\n"
        "PRESIDENT SMITH.  Yeah.  And then it got better.\n\n"
        "MR. JONES:  It did.\n"
    )
    turns = parse_document(text).events[0].turns
    assert [t.label for t in turns] == [
        "PRESIDENT SMITH",
        "MR. JONES",
        "PRESIDENT SMITH",
        "MR. JONES",
    ]
    assert turns[2].text == "Yeah. And then it got better."
    assert turns[0].person_key == turns[2].person_key


GOVERNMENT_PRESS_CONFERENCE = """Government press conference of 12 March 2023

Berlin, 12 March 2023

SPOKESMAN HEBESTREIT: Good morning. The Chancellor will travel to Washington on Friday.

QUESTION (Reuters): Will the Chancellor discuss Ukraine with the President?

SPOKESMAN HEBESTREIT: Of course the war in Ukraine will be a major topic of the talks.

QUESTION (Rheinische Post): What about trade?

SPOKESMAN HEBESTREIT: Trade will also be discussed.

QUESTION (dpa): And energy?

SPOKESMAN HEBESTREIT: Energy too.

QUESTION (Moscow): And sanctions?

SPOKESMAN HEBESTREIT: Sanctions as well.

QUESTION (retranslated): One more?

SPOKESMAN HEBESTREIT: No more.
"""


def test_a_question_labels_parentheses_name_the_askers_outlet() -> None:
    """In the layout of German government press conferences: a known outlet (also in lower
    case, "dpa"), or one the vocabulary does not know, is the asker's outlet; a place or a
    transcription note is not."""
    (event,) = parse_document(GOVERNMENT_PRESS_CONFERENCE).events
    outlets = {p.label: p.affiliation for p in event.participants}
    assert outlets["QUESTION (Reuters)"] == "reuters"
    assert outlets["QUESTION (Rheinische Post)"] == "rheinische-post"
    assert outlets["QUESTION (dpa)"] == "dpa"
    assert outlets["QUESTION (Moscow)"] is None
    assert outlets["QUESTION (retranslated)"] is None

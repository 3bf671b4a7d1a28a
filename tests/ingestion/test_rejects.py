"""Pages refused whole, each with its reason code; odd but readable pages are accepted."""

from __future__ import annotations

import pytest

from service.ingestion.model import RejectedDocument
from service.ingestion.pipeline import parse_document

TRANSCRIPT = "Mary Brown: Good morning.\n\nQuestion: What happened?\n\nMary Brown: Nothing.\n"


def code_of(text: str, **kwargs: object) -> str:
    with pytest.raises(RejectedDocument) as refused:
        parse_document(text, **kwargs)  # type: ignore[arg-type]
    assert refused.value.message
    return refused.value.code


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \u00a0\n", "\r\n\r\n"])
def test_empty(text: str) -> None:
    assert code_of(text) == "EMPTY_DOCUMENT"


def test_too_large() -> None:
    assert code_of(TRANSCRIPT * 10, max_chars=100) == "TOO_LARGE"
    assert parse_document(TRANSCRIPT, max_chars=len(TRANSCRIPT)).events


def test_nul_bytes_are_binary() -> None:
    assert code_of("Mary Brown: hello\x00\x00 world") == "BINARY_DOCUMENT"


def test_control_characters_are_binary() -> None:
    noise = "".join(chr(c) for c in range(1, 9)) * 20
    assert code_of(f"Mary Brown: {noise}\nQuestion: {noise}") == "BINARY_DOCUMENT"


def test_undecodable_bytes_are_binary() -> None:
    assert code_of("\ufffd" * 200 + "Mary Brown: hi") == "BINARY_DOCUMENT"


def test_prose_without_speakers_is_not_a_transcript() -> None:
    article = (
        "Markets rallied on Tuesday.\n\n"
        "Shares in the largest companies rose by two percent, traders said, while bond "
        "yields fell for the third day in a row.\n\n"
        "Analysts expect the trend to continue: the central bank meets next week.\n"
    )
    assert code_of(article) == "NOT_A_TRANSCRIPT"


def test_colon_sentences_alone_are_not_a_transcript() -> None:
    text = (
        "There are several stages of cooperation: first, trade; then, investment.\n"
        "And what is particularly important in this context: the schedule.\n"
    )
    assert code_of(text) == "NOT_A_TRANSCRIPT"


def test_mojibake_and_odd_whitespace_are_tolerated() -> None:
    text = (
        "Meeting in MÃ¼nchen\r\n\r\n"
        "Mary Brown:\u00a0\u00a0Itâ€™s good\u2009to be here.\r\n\r\n"
        "Question:\tWhatâ€™s next?\r\n\r\n"
        "Mary Brown: We continue.\r\n"
    )
    doc = parse_document(text)
    turns = doc.events[0].turns
    assert [t.label for t in turns] == ["Mary Brown", "Question", "Mary Brown"]
    assert turns[0].text == "Itâ€™s good to be here."
    assert doc.text == text


def test_a_titled_page_without_speech_is_not_a_transcript() -> None:
    """A fact sheet names the President, but nobody speaks on it."""
    text = (
        "---\ntitle: 'FACT SHEET: President Okafor Announces New Funding'\n---\n\n"
        "Today, President Okafor is announcing new funding for schools across the country, "
        "building on the work of the last three years.\n\n"
        "The funding will reach every region by the end of next year.\n"
    )
    assert code_of(text) == "NOT_A_TRANSCRIPT"


def test_a_statement_by_a_named_speaker_is_accepted() -> None:
    text = (
        "---\ntitle: Statement from President Okafor on the Flooding\ndate: '2024-03-01'\n---\n\n"
        "Our hearts go out to all the families who have lost their homes in the floods this "
        "week, and we will stand by them.\n\n"
        "We will rebuild together.\n"
    )
    doc = parse_document(text)
    (turn,) = doc.events[0].turns
    assert turn.kind == "REMARKS" and turn.text.endswith("We will rebuild together.")
    assert next(p for p in doc.persons if p.key == turn.person_key).name == "Okafor"

"""Reading what users hand us: encodings, binary files, HTML recognised, parsed end to end."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from data_paths import CORPUS

from service.ingestion.model import RejectedDocument
from service.ingestion.page import is_html, parse_page, read_page

PAGES = Path(__file__).resolve().parent / "html_pages"

# A transcript as a word processor on Windows saves it: curly quotes, an ellipsis, accents.
WINDOWS_TEXT = (
    "Press conference of Minister Dupré in Genève\n\n"
    "Minister Dupré: “Good morning,” and welcome. The café talks went on until noon…\n\n"
    "Journalist: Minister, is the naïve reading of the accord the right one?\n\n"
    "Minister Dupré: No – the accord’s text is precise, and it will be published in full.\n"
)


def test_windows_1252_file_is_decoded() -> None:
    page = read_page(WINDOWS_TEXT.encode("cp1252"), filename="dupre.txt")
    assert page.text == WINDOWS_TEXT
    assert page.encoding == "cp1252"
    assert page.original is None and page.content_type == "text/plain"


def test_windows_1252_file_is_parsed_with_its_speakers() -> None:
    parsed = parse_page(WINDOWS_TEXT.encode("cp1252"), filename="dupre.txt")
    turns = [turn for event in parsed.events for turn in event.turns]
    assert [turn.label for turn in turns] == ["Minister Dupré", "Journalist", "Minister Dupré"]
    assert turns[0].text.startswith("“Good morning,” and welcome. The café talks")


def test_latin_1_declared_page_is_read_as_windows_1252() -> None:
    """Pages that say iso-8859-1 and use curly quotes mean Windows-1252, as browsers read them."""
    html = (
        '<html><head><meta charset="iso-8859-1"><title>Café</title></head><body>'
        "<p>Minister Dupré: “Bonjour.”</p></body></html>"
    )
    page = read_page(html.encode("cp1252"), filename="page.html")
    assert page.encoding == "cp1252"
    assert page.text.splitlines()[-1] == "Minister Dupré: “Bonjour.”"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + WINDOWS_TEXT.encode("utf-8"), "utf-8"),
        (WINDOWS_TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + WINDOWS_TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + WINDOWS_TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_files_with_and_without_bom(data: bytes, encoding: str) -> None:
    page = read_page(data)
    assert page.text == WINDOWS_TEXT  # the byte-order mark is not part of the text
    assert page.encoding == encoding


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00word/document.xml", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "JPEG"),
        (b"\x00\x01\x02\x03 some text \x00\xff\xfe\x00", "NUL"),
    ],
)
def test_binary_files_are_refused_by_name(data: bytes, named: str) -> None:
    with pytest.raises(RejectedDocument) as refused:
        read_page(data, filename="transcript.txt")
    assert refused.value.code == "BINARY_DOCUMENT"
    assert named in refused.value.message


def test_every_plain_corpus_transcript_passes_through_unchanged() -> None:
    """Recognising HTML must not touch plain transcripts, inline <NAME> tags included."""
    files = sorted(CORPUS.glob("*.txt"))
    assert any("<NAME>" in f.read_text(encoding="utf-8") for f in files)
    for path in files:
        page = read_page(path.read_bytes(), filename=path.name)
        assert page.content_type == "text/plain", path.name
        assert page.text == path.read_bytes().decode("utf-8-sig"), path.name


@pytest.mark.parametrize(
    ("text", "filename", "content_type", "expected"),
    [
        ("<!DOCTYPE html><p>Hi</p>", None, None, True),
        ("  <!-- saved page -->\n<html lang='en'><body>x</body></html>", None, None, True),
        ("Q: A question?\nA: An answer.", "page.htm", None, True),
        ("Q: A question?\nA: An answer.", None, "text/html; charset=utf-8", True),
        ("<p>One</p><p>Two</p><p>Three</p><p>Four</p><p>Five</p>", None, None, True),
        ("Q: Is 3 < 4 and 5 > 2?\nA: Yes. <br> once is not a page.", None, None, False),
        ("<NAME>CHAIR POWELL</NAME>. Good afternoon.", "fomc.txt", "text/plain", False),
    ],
)
def test_html_is_recognised(
    text: str, filename: str | None, content_type: str | None, expected: bool
) -> None:
    assert is_html(text, filename=filename, content_type=content_type) is expected


def test_html_page_parsed_end_to_end_keeps_its_original() -> None:
    raw = (PAGES / "generic-ministry-press-page.html").read_bytes()
    parsed = parse_page(raw, filename="ministry.html")
    assert parsed.original == raw.decode("utf-8")
    assert parsed.original_format == "html"
    assert parsed.source_url == (
        "https://mfa.example.org/press/2031/joint-press-conference-lindqvist-moreau"
    )
    turns = [turn for event in parsed.events for turn in event.turns]
    assert [turn.label for turn in turns] == [
        "Minister Lindqvist",
        "Minister Moreau",
        "Journalist",
        "Minister Lindqvist",
        "Minister Moreau",
    ]
    # offsets point into the extracted text, which is the document's text
    first = turns[0].paragraphs[0]
    assert parsed.text[first.start : first.end].startswith("Good morning and welcome")


def test_caller_source_url_wins_over_the_page() -> None:
    raw = (PAGES / "generic-ministry-press-page.html").read_bytes()
    parsed = parse_page(raw, filename="m.html", source_url="https://example.net/given")
    assert parsed.source_url == "https://example.net/given"


def test_html_page_without_article_text_is_refused() -> None:
    with pytest.raises(RejectedDocument) as refused:
        read_page(b"<!DOCTYPE html><html><body><script>x()</script></body></html>")
    assert refused.value.code == "EMPTY_DOCUMENT"

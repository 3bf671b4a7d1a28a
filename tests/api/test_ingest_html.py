"""An HTML page posted to ingestDocument over HTTP: its article text is the document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from http_support import client

PAGE = Path(__file__).resolve().parents[1] / "ingestion" / "html_pages"
MINISTRY = PAGE / "generic-ministry-press-page.html"

INGEST = """
mutation($input: IngestDocumentInput!) {
  ingestDocument(input: $input) {
    created
    document {
      sourceUrl title text
      events { title statements { nodes { speakerLabel kind text sourceSpan { start end } } } }
    }
    errors { code message field }
  }
}
"""


@pytest.fixture
def server(make_live_server: Callable[..., Any]) -> Iterator[Any]:
    server = make_live_server()
    yield server
    server.__exit__()


async def test_html_page_is_ingested_as_its_article_text(server: Any) -> None:
    call = client(server.url)
    html = MINISTRY.read_text(encoding="utf-8")
    body = await call(INGEST, {"input": {"text": html}}, token=server.settings.admin_token)
    payload = body["data"]["ingestDocument"]
    assert payload["errors"] == [] and payload["created"] is True
    document = payload["document"]
    assert document["sourceUrl"] == (
        "https://mfa.example.org/press/2031/joint-press-conference-lindqvist-moreau"
    )
    text = document["text"]
    assert text.startswith("Joint press conference of Foreign Ministers Lindqvist and Moreau\n")
    assert "<p>" not in text and "Latest news" not in text and "cookies" not in text
    statements = document["events"][0]["statements"]["nodes"]
    assert [s["speakerLabel"] for s in statements] == [
        "Minister Lindqvist",
        "Minister Moreau",
        "Journalist",
        "Minister Lindqvist",
        "Minister Moreau",
    ]
    assert statements[2]["kind"] == "QUESTION"
    for statement in statements:  # offsets index the extracted text
        span = statement["sourceSpan"]
        assert statement["text"].split("\n")[0] in text[span["start"] : span["end"]]

    conn = await asyncpg.connect(server.settings.database_url)
    try:
        row = await conn.fetchrow("SELECT text, original, original_format FROM source_document")
    finally:
        await conn.close()
    assert row["text"] == text
    assert row["original"] == html and row["original_format"] == "html"


async def test_plain_text_keeps_no_separate_original(server: Any) -> None:
    call = client(server.url)
    text = "Briefing\n\nMinister Moreau: Good morning.\n\nJournalist: A question?\n"
    body = await call(INGEST, {"input": {"text": text}}, token=server.settings.admin_token)
    assert body["data"]["ingestDocument"]["errors"] == []
    conn = await asyncpg.connect(server.settings.database_url)
    try:
        row = await conn.fetchrow("SELECT text, original, original_format FROM source_document")
    finally:
        await conn.close()
    assert row["text"] == text and row["original"] is None and row["original_format"] is None

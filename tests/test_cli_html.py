"""`python -m service ingest` on an HTML page and a Windows-1252 file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import asyncpg
from test_cli import run

PAGES = Path(__file__).resolve().parent / "ingestion" / "html_pages"
HEARING = PAGES / "br-separated-hearing.html"
WINDOWS_TEXT = (
    "Press conference of Minister Dupré\n\n"
    "Minister Dupré: “Good morning.” The café talks went on until noon…\n\n"
    "Journalist: Is the accord’s text final?\n\n"
    "Minister Dupré: Yes.\n"
)


async def test_ingest_html_and_windows_1252_files(
    public_tmp: Path, make_database: Callable[[], str]
) -> None:
    url = make_database()
    folder = public_tmp / "pages"
    folder.mkdir()
    shutil.copy(HEARING, folder)
    (folder / "dupre.txt").write_bytes(WINDOWS_TEXT.encode("cp1252"))

    result = run(
        "ingest", str(folder / HEARING.name), str(folder / "dupre.txt"), env={"DATABASE_URL": url}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 created, 0 already present, 0 refused" in result.stdout

    conn = await asyncpg.connect(url)
    try:
        rows = {
            r["filename"]: r
            for r in await conn.fetch(
                "SELECT filename, text, original, original_format, format FROM source_document"
            )
        }
        labels = [
            r["speaker_label"]
            for r in await conn.fetch(
                "SELECT s.speaker_label FROM statement s JOIN event e ON e.id = s.event_id"
                " JOIN source_document d ON d.id = e.document_id WHERE d.filename = $1"
                " ORDER BY s.sequence",
                HEARING.name,
            )
        ]
    finally:
        await conn.close()
    page = rows[HEARING.name]
    assert page["original"] == HEARING.read_text(encoding="utf-8")
    assert page["original_format"] == "html"
    assert page["text"].startswith("Hearing of the Committee on Transport\n\n9 June 2031, Room 210")
    assert "Committee home" not in page["text"]
    assert labels == ["CHAIRMAN ROWE", "SENATOR OKAFOR", "MS. DELACROIX", "CHAIRMAN ROWE"]
    plain = rows["dupre.txt"]
    assert plain["text"] == WINDOWS_TEXT and plain["original"] is None

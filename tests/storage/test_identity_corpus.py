"""Person identity on the real corpus (tests/data/corpus), stored through the real write path.

Each test is one real case of issue 12 that has an equivalent in the corpus: one Putin across
every Kremlin page (also when a page prints "VladimirPutin"), "THE PRESIDENT" given to the
holder of the day across a change of holder, office holders with their Wikidata id, country
and dated offices, a bare surname that joins nobody of another page, and no person made from
a role, a place or a title.
"""

from __future__ import annotations

import asyncpg
import pytest
from data_paths import CORPUS

from service.ingestion.identity import is_person_name
from service.ingestion.page import parse_page
from service.storage.documents import store_document


@pytest.fixture
async def corpus(conn: asyncpg.Connection) -> tuple[asyncpg.Connection, dict[str, set[str]]]:
    """The stored corpus, and per page (stored first under that text) who its turns name."""
    speakers: dict[str, set[str]] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".txt", ".html"):
            parsed = parse_page(path.read_bytes(), filename=path.name)
            if (await store_document(conn, parsed)).created:
                keys = {t.person_key for e in parsed.events for t in e.turns}
                speakers[path.name] = {p.name for p in parsed.persons if p.key in keys}
    return conn, speakers


async def _speaker(conn: asyncpg.Connection, name: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, wikidata_id, country FROM person WHERE name = $1 AND merged_into_id IS NULL",
        name,
    )


async def _files(conn: asyncpg.Connection, person_id: int) -> set[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT d.filename FROM statement s JOIN event e ON e.id = s.event_id"
        " JOIN source_document d ON d.id = e.document_id WHERE s.speaker_id = $1",
        person_id,
    )
    return {r["filename"] for r in rows}


async def test_identity_on_the_corpus(
    corpus: tuple[asyncpg.Connection, dict[str, set[str]]],
) -> None:
    conn, page_speakers = corpus
    # one Putin, speaking on every Kremlin page that has him, an office holder of the data
    (putin,) = await _speaker(conn, "Vladimir Putin")
    assert (putin["wikidata_id"], putin["country"]) == ("Q7747", "RU")
    files = await _files(conn, putin["id"])
    assert "kremlin-news-54499.html" in files  # its "VladimirPutin:" labels too
    assert files == {f for f, names in page_speakers.items() if "Vladimir Putin" in names}
    assert await conn.fetchval("SELECT count(*) FROM person WHERE name_key = 'vladimirputin'") == 0
    offices = await conn.fetch(
        "SELECT office, start_date, end_date, source FROM person_office WHERE person_id = $1",
        putin["id"],
    )
    by_source = {(r["office"], r["source"]): r for r in offices}
    president = by_source[("President of Russia", "office_holders")]
    assert str(president["start_date"]) == "1999-12-31" and president["end_date"] is None
    assert ("President of Russia", "transcript") in by_source  # as the pages title him

    # THE PRESIDENT across a change of holder: Biden's pages and Trump's pages
    (biden,) = await _speaker(conn, "Joe Biden")
    (trump,) = await _speaker(conn, "Donald Trump")
    assert biden["wikidata_id"] == "Q6279" and trump["wikidata_id"] == "Q22686"
    biden_files, trump_files = await _files(conn, biden["id"]), await _files(conn, trump["id"])
    assert all("2025" not in f for f in biden_files)
    assert all(f.startswith("whitehouse-2025") for f in trump_files)
    assert len(biden_files) >= 3 and len(trump_files) == 2
    (harris,) = await _speaker(conn, "Kamala Harris")
    assert (harris["wikidata_id"], harris["country"]) == ("Q10853588", "US")
    assert len(await _files(conn, harris["id"])) == 3

    # a bare surname joins nobody on another page: "Cheung" (White House, 2025) is not the
    # reporter Brian Cheung of the 2021 FOMC press conference
    (cheung,) = await _speaker(conn, "Cheung")
    (brian,) = await _speaker(conn, "Brian Cheung")
    assert await _files(conn, cheung["id"]) == {
        "whitehouse-2025-02-19-press-gaggle-by-president-trump-aboard-air-force-one-en-rou.txt"
    }
    assert all(f.startswith("fomc") for f in await _files(conn, brian["id"]))

    # the same reporters across the four FOMC pages are one person each (full names)
    (smialek,) = await _speaker(conn, "Jeanna Smialek")
    assert len(await _files(conn, smialek["id"])) >= 3

    # no person is a role, a place, an outlet or a title
    names = [r["name"] for r in await conn.fetch("SELECT name FROM person")]
    assert names and all(is_person_name(n.split()) for n in names), [
        n for n in names if not is_person_name(n.split())
    ]

"""store_document against a real PostgreSQL: rows, idempotence, atomicity, exact offsets."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util

import asyncpg
import pytest
from data_paths import KREMLIN_SEED, NATO_SEED
from synthetic_documents import TABLES, E, T, counts, make_document, person

from service.ingestion.model import FigureKind, ParsedDocument, StatementKind
from service.storage.documents import InvalidDocument, StoreResult, store_document

SEEDS = (
    NATO_SEED,
    KREMLIN_SEED,
)


def briefing(figure_kind: str = FigureKind.MONEY, words: str = "") -> ParsedDocument:
    """Two events, a question and its answers, topics, organisations, a mention, a figure."""
    return make_document(
        E(
            "Press briefing at NATO HQ",
            [
                T(
                    "MODERATOR",
                    "Ladies and gentlemen, the Secretary General.",
                    None,
                    StatementKind.MODERATION,
                ),
                T(
                    "JAAP DE HOOP SCHEFFER (Secretary General of NATO)",
                    "NATO welcomes President Nazarbayev and Kazakhstan’s help in Afghanistan."
                    + words,
                    "scheffer",
                    topics=[("afghanistan", "Afghanistan")],
                    orgs=[("nato", "NATO")],
                    persons=[("nazarbayev", "President Nazarbayev")],
                ),
                T(
                    "Q (Paul Ames, Associated Press)",
                    "What about energy security in Aktau?",
                    None,
                    StatementKind.QUESTION,
                    topics=[("energy-security", "energy security")],
                ),
                T(
                    "NAZARBAYEV",
                    "Kazakhstan – Grigor’evich’s friend – spent €28 million on energy security.",
                    "nazarbayev",
                    StatementKind.ANSWER,
                    reply_to=3,
                    topics=[("energy-security", "energy security")],
                    figures=[("€28 million", 28e6, "EUR", figure_kind)],
                ),
            ],
            organisations=["nato"],
            titles={"JAAP DE HOOP SCHEFFER (Secretary General of NATO)": "Secretary General"},
        ),
        E(
            "Beginning of the plenary session",
            [
                T(
                    "Nursultan Nazarbayev",
                    "We discussed the CSTO and Afghanistan.",
                    "nazarbayev",
                    orgs=[("csto", "CSTO")],
                    topics=[("afghanistan", "Afghanistan")],
                )
            ],
            date=dt.date(2006, 12, 5),
            organisations=["csto"],
        ),
        persons=[
            person(
                "scheffer",
                "Jaap de Hoop Scheffer",
                "JAAP DE HOOP SCHEFFER (Secretary General of NATO)",
            ),
            person(
                "nazarbayev",
                "Nursultan Nazarbayev",
                "NAZARBAYEV",
                "President Nazarbayev",
                titles=["President of the Republic of Kazakhstan"],
            ),
        ],
    )


async def test_stores_every_row(conn: asyncpg.Connection) -> None:
    result = await store_document(conn, briefing())

    assert result == StoreResult(result.document_id, True, events=2, statements=5, figures=1)
    assert await counts(conn) == {
        "source_document": 1,
        "organisation": 2,
        "organisation_alias": 5,  # NATO: name, acronym, alias; CSTO: name, acronym
        "person": 2,
        "person_alias": 5,
        "person_title": 2,
        "topic": 2,
        "event": 2,
        "event_organisation": 2,
        "participant": 5,
        "statement": 5,
        "statement_topic": 4,
        "topic_mention": 4,
        "organisation_mention": 2,
        "person_mention": 1,
        "figure": 1,
    }
    answer = await conn.fetchrow(
        """SELECT s.*, p.name AS speaker, q.sequence AS question, pa.label AS participant
           FROM statement s JOIN person p ON p.id = s.speaker_id
           JOIN statement q ON q.id = s.in_reply_to_id
           JOIN participant pa ON pa.id = s.participant_id
           WHERE s.kind = 'ANSWER'"""
    )
    assert (answer["speaker"], answer["question"], answer["participant"]) == (
        "Nursultan Nazarbayev",
        3,
        "NAZARBAYEV",
    )
    assert answer["spoken_on"] == dt.date(2006, 12, 4)
    assert await conn.fetchval(
        "SELECT array_agg(spoken_on ORDER BY spoken_on) FROM statement WHERE event_id ="
        " (SELECT id FROM event WHERE position = 2)"
    ) == [dt.date(2006, 12, 5)]
    titles = await conn.fetch("SELECT title, seen_on FROM person_title ORDER BY title")
    assert [tuple(r) for r in titles] == [
        ("President of the Republic of Kazakhstan", dt.date(2006, 12, 5)),
        ("Secretary General", dt.date(2006, 12, 4)),
    ]
    sources = await conn.fetch('SELECT alias, source FROM person_alias ORDER BY alias COLLATE "C"')
    assert [tuple(r) for r in sources] == [
        ("JAAP DE HOOP SCHEFFER (Secretary General of NATO)", "label"),
        ("Jaap de Hoop Scheffer", "name"),
        ("NAZARBAYEV", "label"),
        ("Nursultan Nazarbayev", "name"),
        ("President Nazarbayev", "text"),
    ]
    assert await conn.fetchval(
        "SELECT array_agg(key ORDER BY key) FROM organisation_alias oa"
        " JOIN organisation o ON o.id = oa.organisation_id WHERE o.slug = 'nato'"
    ) == ["nato", "north atlantic alliance", "north atlantic treaty organization"]


async def test_one_label_for_several_journalists(conn: asyncpg.Connection) -> None:
    q = StatementKind.QUESTION
    await store_document(
        conn,
        make_document(
            E(
                "Press conference",
                [
                    T("THE PRESIDENT", "Go ahead.", "biden"),
                    T("Q", "Mr. President, a question from ABC.", "vega", q),
                    T("Q", "And one from CBS.", "cordes", q),
                    T("Q", "And one from nobody known.", None, q),
                    T("Q", "And another from nobody known.", None, q),
                    T("Q", "Cecilia Vega again.", "vega", q),
                ],
            ),
            persons=[
                person("biden", "Joe Biden", "THE PRESIDENT"),
                person("vega", "Cecilia Vega", "Vega"),
                person("cordes", "Nancy Cordes"),
            ],
        ),
    )
    rows = await conn.fetch(
        """SELECT s.sequence, p.name AS speaker, pt.person_id = s.speaker_id AS same,
                  pt.id AS participant
           FROM statement s JOIN participant pt ON pt.id = s.participant_id
           LEFT JOIN person p ON p.id = s.speaker_id ORDER BY s.sequence"""
    )
    assert [r["sequence"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert all(r["same"] for r in rows if r["speaker"] is not None)
    assert rows[1]["participant"] == rows[5]["participant"]  # Cecilia Vega twice: one
    assert rows[3]["participant"] == rows[4]["participant"]  # the unnamed "Q": one
    assert await conn.fetchval("SELECT count(*) FROM participant") == 4
    # a role label is no name form of the person behind it
    assert await conn.fetchval("SELECT count(*) FROM person_alias WHERE alias = 'Q'") == 0


async def test_offsets_index_the_stored_text(conn: asyncpg.Connection) -> None:
    parsed = briefing()
    result = await store_document(conn, parsed)
    text = await conn.fetchval("SELECT text FROM source_document WHERE id = $1", result.document_id)
    assert text == parsed.text

    def sliced(rows: list[asyncpg.Record]) -> list[tuple[str, str]]:
        return [(text[r["start_offset"] : r["end_offset"]], r["text"]) for r in rows]

    for table in ("figure", "topic_mention", "organisation_mention", "person_mention", "statement"):
        rows = await conn.fetch(f"SELECT start_offset, end_offset, text FROM {table}")
        assert rows, table
        assert all(found == stored for found, stored in sliced(rows)), table
    # the database agrees on character (not byte) offsets: the text holds ’, – and €
    assert await conn.fetchval(
        """SELECT bool_and(substr(d.text, f.start_offset + 1, f.end_offset - f.start_offset)
                           = f.text)
           FROM figure f, source_document d"""
    )


async def test_same_text_twice_changes_nothing(conn: asyncpg.Connection) -> None:
    first = await store_document(conn, briefing())
    before = await counts(conn)
    again = await store_document(conn, briefing())
    assert again == StoreResult(first.document_id, False, events=2, statements=5, figures=1)
    assert await counts(conn) == before


async def test_concurrent_duplicates_store_once(db_url: str) -> None:
    parsed = briefing()
    connections = [await asyncpg.connect(db_url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(store_document(c, parsed) for c in connections))
        assert sorted(r.created for r in results) == [False, False, False, True]
        assert len({r.document_id for r in results}) == 1
        assert (await counts(connections[0]))["person"] == 2
    finally:
        for c in connections:
            await c.close()


async def test_failure_midway_leaves_no_rows(conn: asyncpg.Connection) -> None:
    await store_document(
        conn,
        make_document(
            E("Earlier", [T("Vladimir Putin", "Good afternoon.", "putin")]),
            persons=[person("putin", "Vladimir Putin")],
        ),
    )
    before = await counts(conn)
    # persons, organisations, topics, events and statements go in before the figure fails
    with pytest.raises(asyncpg.CheckViolationError):
        await store_document(conn, briefing(figure_kind="BOGUS"))
    assert await counts(conn) == before
    assert set(before) == set(TABLES)
    # and the failed page can be stored once fixed
    assert (await store_document(conn, briefing())).created


async def test_dangling_reference_is_refused_whole(conn: asyncpg.Connection) -> None:
    parsed = briefing()
    parsed.events[0].turns[1].topics[0].ref = "no-such-topic"
    with pytest.raises(InvalidDocument, match="no-such-topic"):
        await store_document(conn, parsed)
    assert set((await counts(conn)).values()) == {0}


async def test_sha256_must_match_the_text(conn: asyncpg.Connection) -> None:
    parsed = briefing()
    parsed.sha256 = "0" * 64
    with pytest.raises(InvalidDocument):
        await store_document(conn, parsed)


async def test_vocabulary_is_shared_between_documents(conn: asyncpg.Connection) -> None:
    await store_document(conn, briefing())
    await store_document(conn, briefing(words=" Another day."))
    rows = await counts(conn)
    assert (rows["source_document"], rows["organisation"], rows["topic"], rows["person"]) == (
        2,
        2,
        2,
        2,
    )
    assert rows["organisation_alias"] == 5


def _parse_document():  # type: ignore[no-untyped-def]
    if importlib.util.find_spec("service.ingestion.pipeline") is None:
        pytest.skip("service.ingestion.pipeline is not there yet")
    from service.ingestion.pipeline import parse_document

    return parse_document


async def test_seed_documents(conn: asyncpg.Connection) -> None:
    parse_document = _parse_document()
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        parsed = parse_document(text, filename=path.name)
        result = await store_document(conn, parsed)
        assert result.created and result.events >= 1 and result.statements >= 10
        assert not (await store_document(conn, parse_document(text, filename=path.name))).created
    stored = await conn.fetch("SELECT id, text FROM source_document")
    assert [r["text"] for r in stored] == [p.read_text(encoding="utf-8") for p in SEEDS]
    texts = {r["id"]: r["text"] for r in stored}
    for table in ("figure", "topic_mention", "organisation_mention", "person_mention"):
        rows = await conn.fetch(
            f"""SELECT e.document_id, m.start_offset, m.end_offset, m.text FROM {table} m
                JOIN statement s ON s.id = m.statement_id JOIN event e ON e.id = s.event_id"""
        )
        for r in rows:
            assert texts[r["document_id"]][r["start_offset"] : r["end_offset"]] == r["text"]
    nazarbayev = await conn.fetch(
        """SELECT DISTINCT p.id FROM statement s JOIN person p ON p.id = s.speaker_id
           WHERE s.speaker_label IN ('NAZARBAYEV', 'Nursultan Nazarbaev', 'Mr Nazarbaev',
                                     'Resident of Kazakhstan Nursultan Nazarbayev')"""
    )
    assert len(nazarbayev) == 1

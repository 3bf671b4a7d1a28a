"""Person identity across documents and spellings, and curation, on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest
from synthetic_documents import E, T, make_document, person, speech

from service.ingestion.model import ParsedDocument, PersonRef, StatementKind
from service.storage.documents import store_document
from service.storage.persons import (
    CurationError,
    add_person_alias,
    merge_persons,
    resolve_merged,
)


async def store(
    conn: asyncpg.Connection,
    *refs_and_labels: tuple[PersonRef, str],
    publisher: str | None = None,
    together: bool = False,
) -> None:
    """Store one document in which each (ref, label) pair speaks once: in events of their own,
    or ``together`` in one event (they are then each other's co-participants)."""
    events = [
        speech(label, ref.key, f"Statement number {i} by {label}.", title=f"Talk {i}")
        for i, (ref, label) in enumerate(refs_and_labels)
    ]
    if together:
        events = [E("Talks", [t for e in events for t in e.turns])]
    document = make_document(*events, persons=[r for r, _ in refs_and_labels])
    document.publisher = publisher
    await store_document(conn, document)


# Colleagues named in full on every page of a story: the co-participant evidence.
TAZHIN = person("t", "Marat Tazhin")
AKHMETOV = person("a", "Daniyal Akhmetov")


async def speakers(conn: asyncpg.Connection) -> dict[str, int]:
    """Speaker label -> person id, over every stored statement."""
    rows = await conn.fetch("SELECT speaker_label, speaker_id FROM statement")
    return {r["speaker_label"]: r["speaker_id"] for r in rows}


async def live_persons(conn: asyncpg.Connection) -> list[str]:
    return [
        r["name"]
        for r in await conn.fetch(
            "SELECT name FROM person WHERE merged_into_id IS NULL ORDER BY id"
        )
    ]


async def aliases(conn: asyncpg.Connection, person_id: int) -> set[str]:
    rows = await conn.fetch("SELECT alias FROM person_alias WHERE person_id = $1", person_id)
    return {r["alias"] for r in rows}


async def test_nazarbayev_is_one_person_across_documents(conn: asyncpg.Connection) -> None:
    nato_label = "NURSULTAN NAZARBAYEV (President of the Republic of Kazakhstan)"
    nursultan = person("n", "Nursultan Nazarbayev", nato_label, "NAZARBAYEV")
    await store(
        conn,
        (nursultan, nato_label),
        (TAZHIN, "Marat Tazhin"),
        (AKHMETOV, "Daniyal Akhmetov"),
        together=True,
        publisher="nato.int",
    )
    # another page of the period, surname only, with the same colleagues: evidence agrees
    await store(
        conn,
        (person("n", "NAZARBAYEV"), "NAZARBAYEV"),
        (TAZHIN, "Marat Tazhin"),
        (AKHMETOV, "Daniyal Akhmetov"),
        together=True,
        publisher="nato.int",
    )
    await store(
        conn,
        (
            person(
                "n",
                "Nursultan Nazarbaev",
                "Mr Nazarbaev",
                "Nursultan Abishevich",
                "Resident of Kazakhstan Nursultan Nazarbayev",
            ),
            "Nursultan Nazarbaev",
        ),
        # ingestion may leave an address form as a ref of its own
        (person("mr", "Mr Nazarbaev"), "Mr Nazarbaev"),
        (
            person("r", "Resident of Kazakhstan Nursultan Nazarbayev"),
            "Resident of Kazakhstan Nursultan Nazarbayev",
        ),
    )
    by_label = await speakers(conn)
    del by_label["Marat Tazhin"], by_label["Daniyal Akhmetov"]
    assert len(set(by_label.values())) == 1, by_label
    assert await live_persons(conn) == ["Nursultan Nazarbayev", "Marat Tazhin", "Daniyal Akhmetov"]
    forms = await aliases(conn, next(iter(by_label.values())))
    assert {"NAZARBAYEV", "Nursultan Nazarbaev", "Mr Nazarbaev", "Nursultan Abishevich"} <= forms


async def test_a_surname_alone_joins_another_page_only_with_evidence(
    conn: asyncpg.Connection,
) -> None:
    """Issue 12: "Sullivan" or "Psaki" alone is no identity. Another page's surname joins a
    stored person only when evidence agrees (here co-participants of the period and the same
    source), and a full name never joins a stored surname-only person."""
    serzh_page = (person("s", "Serzh Sargsyan"), "Serzh Sargsyan")
    await store(
        conn,
        serzh_page,
        (TAZHIN, "Marat Tazhin"),
        (AKHMETOV, "Daniyal Akhmetov"),
        together=True,
        publisher="nato.int",
    )
    await store(conn, (person("x", "SARGSYAN"), "SARGSYAN"))  # nothing agrees: a new person
    await store(
        conn,
        (person("x", "Sargsyan"), "Mr Sargsyan"),
        (TAZHIN, "Marat Tazhin"),
        (AKHMETOV, "Daniyal Akhmetov"),
    )
    by_label = await speakers(conn)
    serzh = by_label["Serzh Sargsyan"]
    assert by_label["SARGSYAN"] != serzh
    assert by_label["Mr Sargsyan"] != serzh  # the same colleagues, but no source in common
    await store(
        conn,
        (person("x", "Sargsyan"), "SARGSYAN (again)"),
        (TAZHIN, "Marat Tazhin"),
        (AKHMETOV, "Daniyal Akhmetov"),
        together=True,
        publisher="nato.int",
    )
    by_label = await speakers(conn)
    assert by_label["SARGSYAN (again)"] == serzh  # met in the period, and the same source
    # the full name on a later page is not given to a surname-only row
    surname_only = by_label["SARGSYAN"]
    await store(conn, (person("s", "Serzh Sargsyan"), "Serzh Sargsyan (3)"))
    assert (await speakers(conn))["Serzh Sargsyan (3)"] == serzh != surname_only


async def test_two_sargsyans_stay_two_and_the_surname_joins_neither(
    conn: asyncpg.Connection,
) -> None:
    await store(conn, (person("s", "Serzh Sargsyan"), "Serzh Sargsyan"))
    await store(conn, (person("t", "Tigran Sargsyan"), "Tigran Sargsyan"))
    await store(conn, (person("x", "Sargsyan"), "Mr Sargsyan"))
    await store(conn, (person("x", "Mr Sargsian"), "Mr Sargsian"))
    by_label = await speakers(conn)
    assert len(set(by_label.values())) == 4, by_label
    serzh, tigran = by_label["Serzh Sargsyan"], by_label["Tigran Sargsyan"]
    assert by_label["Mr Sargsyan"] not in (serzh, tigran)
    assert by_label["Mr Sargsian"] not in (serzh, tigran)


async def test_two_sargsyans_in_one_conversation(conn: asyncpg.Connection) -> None:
    await store(conn, (person("s", "Serzh Sargsyan"), "Serzh Sargsyan"))
    # the surname-only ref comes first in the document, the full names are matched first anyway
    await store(
        conn,
        (person("x", "Sargsyan"), "SARGSYAN"),
        (person("s", "Serzh Sargsyan"), "President Serzh Sargsyan"),
        (person("t", "Tigran Sargsyan"), "Prime Minister Tigran Sargsyan"),
    )
    by_label = await speakers(conn)
    assert by_label["President Serzh Sargsyan"] == by_label["Serzh Sargsyan"]
    assert (
        len({by_label[k] for k in ("SARGSYAN", "Serzh Sargsyan", "Prime Minister Tigran Sargsyan")})
        == 3
    )


async def test_different_first_name_is_a_different_person(conn: asyncpg.Connection) -> None:
    await store(conn, (person("n", "Nazarbaev"), "Nazarbaev"))
    await store(conn, (person("d", "Dariga Nazarbayeva"), "Dariga Nazarbayeva"))
    await store(conn, (person("a", "Nursultan Nazarbayev"), "Nursultan Nazarbayev"))
    await store(conn, (person("b", "Bolat Nazarbayev"), "Bolat Nazarbayev"))
    by_label = await speakers(conn)
    # the surname alone, stored first, is given to none of the three (no evidence)
    assert len(set(by_label.values())) == 4


async def test_middle_names_must_not_contradict(conn: asyncpg.Connection) -> None:
    await store(conn, (person("w", "George W. Bush"), "George W. Bush"))
    await store(conn, (person("hw", "George H. W. Bush"), "George H. W. Bush"))
    await store(conn, (person("walker", "George Walker Bush"), "George Walker Bush"))
    by_label = await speakers(conn)
    assert by_label["George W. Bush"] == by_label["George Walker Bush"]
    assert by_label["George H. W. Bush"] != by_label["George W. Bush"]


async def test_lukashenko_spellings(conn: asyncpg.Connection) -> None:
    await store(
        conn,
        (person("l", "Aleksandr Lukashenko", "Aleksandr Grigor’evich"), "Aleksandr Lukashenko"),
    )
    await store(conn, (person("l", "Alexander Lukashenko"), "ALEXANDER LUKASHENKO"))
    await store(conn, (person("l", "Alexander Grigoryevich Lukashenko"), "A. G. Lukashenko"))
    await store(conn, (person("l", "Aleksandr Grigor’evich"), "Aleksandr Grigor’evich"))
    assert len(set((await speakers(conn)).values())) == 1
    assert await live_persons(conn) == ["Aleksandr Lukashenko"]


async def test_concurrent_ingestions_create_one_person(db_url: str) -> None:
    # the same new person, and the same new organisation (odd pages) and topic (even pages)
    documents = [
        make_document(
            E(
                "Talk",
                [
                    T(
                        "Jens Stoltenberg",
                        f"Statement {i} on NATO and Afghanistan.",
                        "j",
                        orgs=[("nato", "NATO")] if i % 2 else [],
                        topics=[] if i % 2 else [("afghanistan", "Afghanistan")],
                    )
                ],
            ),
            persons=[person("j", "Jens Stoltenberg")],
        )
        for i in range(4)
    ]
    connections = [await asyncpg.connect(db_url) for _ in documents]
    try:
        await asyncio.gather(
            *(store_document(c, d) for c, d in zip(connections, documents, strict=True))
        )
        assert await connections[0].fetchval("SELECT count(*) FROM person") == 1
        assert await connections[0].fetchval("SELECT count(*) FROM organisation") == 1
        assert await connections[0].fetchval("SELECT count(*) FROM statement_topic") == 2
    finally:
        for c in connections:
            await c.close()


async def test_titles_keep_the_latest_date(conn: asyncpg.Connection) -> None:
    for day in (5, 3):
        ref = person("p", "Vladimir Putin", titles=["President of Russia"])
        event = E(
            f"Talk {day}", [T("Vladimir Putin", f"Day {day}.", "p")], date=dt.date(2005, 6, day)
        )
        await store_document(conn, make_document(event, persons=[ref]))
    assert await conn.fetchval("SELECT seen_on FROM person_title") == dt.date(2005, 6, 5)


# ---------------------------------------------------------------- curation


async def test_add_person_alias_is_idempotent(conn: asyncpg.Connection) -> None:
    await store(conn, (person("p", "Vladimir Putin"), "Vladimir Putin"))
    person_id = await conn.fetchval("SELECT id FROM person")
    await add_person_alias(conn, person_id, "  Vladimir Vladimirovich ")
    await add_person_alias(conn, person_id, "Vladimir Vladimirovich")
    await add_person_alias(conn, person_id, "Vladimir Putin")  # already a form: unchanged
    rows = await conn.fetch(
        "SELECT alias, key, source FROM person_alias WHERE person_id = $1 ORDER BY alias",
        person_id,
    )
    assert [tuple(r) for r in rows] == [
        ("Vladimir Putin", "vladimir putin", "name"),
        ("Vladimir Vladimirovich", "vladimir vladimirovich", "curated"),
    ]
    with pytest.raises(CurationError) as missing:
        await add_person_alias(conn, person_id + 1000, "Nobody")
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(CurationError) as blank:
        await add_person_alias(conn, person_id, " – ")
    assert blank.value.code == "INVALID_ALIAS"


async def test_curated_alias_is_used_for_matching(conn: asyncpg.Connection) -> None:
    await store(conn, (person("r", "Emomali Rakhmonov"), "Emomali Rakhmonov"))
    person_id = await conn.fetchval("SELECT id FROM person")
    await add_person_alias(conn, person_id, "Emomali Rahmon")
    await store(conn, (person("r", "Emomali Rahmon"), "Emomali Rahmon"))
    assert set((await speakers(conn)).values()) == {person_id}


async def test_merge_moves_everything_and_the_old_id_resolves(conn: asyncpg.Connection) -> None:
    # an unresolved duplicate: two different spellings the rules cannot join
    kept_ref = person("k", "Emomali Rakhmonov", "Rakhmonov", titles=["President of Tajikistan"])
    await store_document(
        conn,
        make_document(
            E(
                "Plenary",
                [T("Emomali Rakhmonov", "Thanks to Mr Rahmon.", "k", persons=[("d", "Mr Rahmon")])],
            ),
            persons=[kept_ref, person("d", "Rahmon")],
        ),
    )
    await store(conn, (person("d", "Emomali Rahmon", titles=["President"]), "Emomali Rahmon"))
    keep = await conn.fetchval("SELECT id FROM person WHERE name = 'Emomali Rakhmonov'")
    merge = await conn.fetchval("SELECT id FROM person WHERE name = 'Emomali Rahmon'")
    # the surname-only "Rahmon" of the first page is a row of its own (no evidence joins it)
    surname_only = await conn.fetchval("SELECT id FROM person WHERE name = 'Rahmon'")
    assert len({keep, merge, surname_only}) == 3
    await merge_persons(conn, keep, surname_only, evidence={"why": "test"})
    older = await conn.fetchval(
        "INSERT INTO person (name, name_key, merged_into_id) VALUES ('E. Rahmon', 'e rahmon', $1)"
        " RETURNING id",
        merge,
    )

    await merge_persons(conn, keep, merge)

    assert set((await speakers(conn)).values()) == {keep}
    assert (
        await conn.fetchval("SELECT count(*) FROM person_mention WHERE person_id <> $1", keep) == 0
    )
    assert (
        await conn.fetchval(
            "SELECT count(*) FROM participant WHERE person_id IS NOT NULL AND person_id <> $1", keep
        )
        == 0
    )
    assert {"Rahmon", "Emomali Rahmon", "Rakhmonov"} <= await aliases(conn, keep)
    assert await aliases(conn, merge) == set()
    titles = await conn.fetch("SELECT title FROM person_title WHERE person_id = $1", keep)
    assert {r["title"] for r in titles} == {"President of Tajikistan", "President"}
    assert await resolve_merged(conn, merge) == keep
    assert await resolve_merged(conn, older) == keep
    assert await conn.fetchval("SELECT merged_into_id FROM person WHERE id = $1", older) == keep
    assert await resolve_merged(conn, keep) == keep
    assert await resolve_merged(conn, keep + 1000) is None
    assert await live_persons(conn) == ["Emomali Rakhmonov"]
    await merge_persons(conn, keep, merge)  # again: already done, no error
    recorded = await conn.fetch(
        "SELECT merged_id, into_id, evidence, merged_by FROM person_merge ORDER BY id"
    )
    assert [(r["merged_id"], r["into_id"], r["merged_by"]) for r in recorded] == [
        (surname_only, keep, "curation"),
        (merge, keep, "curation"),
    ]
    assert '"why": "test"' in recorded[0]["evidence"]

    # the merged spelling now finds the kept person in later documents
    await store(conn, (person("d", "Emomali Rahmon"), "President Emomali Rahmon"))
    assert set((await speakers(conn)).values()) == {keep}


async def test_merge_joins_participations_under_one_label(conn: asyncpg.Connection) -> None:
    q = StatementKind.QUESTION
    await store_document(
        conn,
        make_document(
            E("Briefing", [T("Q", "First.", "a", q), T("Q", "Second.", "b", q)]),
            persons=[person("a", "Belkiz Dudayeva"), person("b", "Bilkhis Dudayeva")],
        ),
    )
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM person ORDER BY id")]
    assert len(ids) == 2  # different first names: the rules keep them apart
    await merge_persons(conn, ids[0], ids[1])
    assert await conn.fetchval("SELECT count(*) FROM participant") == 1
    assert await conn.fetchval("SELECT count(DISTINCT participant_id) FROM statement") == 1
    assert set((await speakers(conn)).values()) == {ids[0]}


async def test_invalid_merges_are_refused(conn: asyncpg.Connection) -> None:
    await store(
        conn,
        (person("a", "Serzh Sargsyan"), "Serzh Sargsyan"),
        (person("b", "Tigran Sargsyan"), "Tigran Sargsyan"),
        (person("c", "Robert Kocharyan"), "Robert Kocharyan"),
    )
    a, b, c = [r["id"] for r in await conn.fetch("SELECT id FROM person ORDER BY id")]

    async def refused(keep: int, merge: int) -> str:
        with pytest.raises(CurationError) as error:
            await merge_persons(conn, keep, merge)
        return error.value.code

    assert await refused(a, a) == "INVALID_MERGE"
    assert await refused(a, 999_999) == "NOT_FOUND"
    assert await refused(999_999, a) == "NOT_FOUND"
    await merge_persons(conn, a, b)
    assert await refused(b, c) == "INVALID_MERGE"  # into a person merged elsewhere
    assert await refused(c, b) == "INVALID_MERGE"  # b already belongs to a
    assert await resolve_merged(conn, b) == a
    assert await live_persons(conn) == ["Serzh Sargsyan", "Robert Kocharyan"]


async def test_statement_topics_follow_their_statements_speaker(conn: asyncpg.Connection) -> None:
    """statement_topic's copy of the speaker (it serves "statements by X on Y") stays equal to
    the statement's, through ingestion and a merge."""
    await store_document(
        conn,
        make_document(
            E(
                "Talks",
                [
                    T(
                        "Belkiz Dudayeva",
                        "On Afghanistan.",
                        "a",
                        topics=[("afghanistan", "Afghanistan")],
                    ),
                    T(
                        "Bilkhis Dudayeva",
                        "Afghanistan again.",
                        "b",
                        topics=[("afghanistan", "Afghanistan")],
                    ),
                    T("Unknown", "And Afghanistan.", topics=[("afghanistan", "Afghanistan")]),
                ],
            ),
            persons=[person("a", "Belkiz Dudayeva"), person("b", "Bilkhis Dudayeva")],
        ),
    )

    async def drift() -> list[tuple[int | None, int | None]]:
        rows = await conn.fetch(
            "SELECT st.speaker_id AS copied, s.speaker_id AS actual FROM statement_topic st"
            " JOIN statement s ON s.id = st.statement_id"
        )
        assert len(rows) == 3
        return [(r["copied"], r["actual"]) for r in rows if r["copied"] != r["actual"]]

    assert await drift() == []
    keep, merge = [r["id"] for r in await conn.fetch("SELECT id FROM person ORDER BY id")]
    await merge_persons(conn, keep, merge)
    assert await drift() == []
    assert (
        await conn.fetchval("SELECT count(*) FROM statement_topic WHERE speaker_id = $1", keep) == 2
    )


async def test_ingestions_lock_only_the_names_they_bear(db_url: str) -> None:
    """Pages naming different people are written side by side; a page naming the same person
    as a write in progress waits for it, and the two still make one person."""
    holder, other, same = [await asyncpg.connect(db_url) for _ in range(3)]

    def page(name: str, key: str, words: str) -> ParsedDocument:
        turn = T(name, f"{words} NATO.", key, orgs=[("nato", "NATO")])
        return make_document(E("Talk", [turn]), persons=[person(key, name)])

    try:
        # NATO is known already: a brand-new slug would make the second writer wait for the
        # first to commit it (the unique index), as it must
        await store_document(other, page("Ruth Smith", "r", "Earlier words on"))
        tx = holder.transaction()
        await tx.start()
        await store_document(holder, page("Jens Stoltenberg", "j", "First words on"))
        # another person: not held up by the open write (which holds "stoltenberg")
        await asyncio.wait_for(store_document(other, page("Mark Rutte", "m", "Words on")), 10)
        # the same person: waits for the open write to end
        waiting = asyncio.ensure_future(
            store_document(same, page("Jens Stoltenberg", "j", "Second words on"))
        )
        await asyncio.sleep(0.5)
        assert not waiting.done()
        await tx.commit()
        await asyncio.wait_for(waiting, 10)
        rows = await other.fetch("SELECT name FROM person ORDER BY name")
        assert [r["name"] for r in rows] == ["Jens Stoltenberg", "Mark Rutte", "Ruth Smith"]
        assert await other.fetchval("SELECT count(*) FROM organisation") == 1
        assert await other.fetchval("SELECT count(*) FROM statement") == 4
    finally:
        for c in (holder, other, same):
            await c.close()


async def test_a_bare_title_is_no_evidence_but_a_titled_office_is(conn: asyncpg.Connection) -> None:
    """Issue 12's "Imran Khan holds Prime Minister Han's turns" (Khan and Han fold alike) and
    "Lee Ji-yoon holds President Yoon's remarks": a surname with a bare title joins nobody."""
    khan = person("k", "Imran Khan", titles=["Prime Minister"])
    await store(conn, (khan, "Imran Khan"), (person("l", "Lee Ji-yoon"), "Lee Ji-yoon"))
    await store(conn, (person("h", "Han", titles=["Prime Minister"]), "PRIME MINISTER HAN"))
    await store(conn, (person("y", "Yoon", titles=["President"]), "PRESIDENT YOON"))
    by_label = await speakers(conn)
    assert len(set(by_label.values())) == 4, by_label
    # the office named in full, at the same date, is evidence enough
    titled = person("k", "Imran Khan", titles=["Prime Minister of Pakistan"])
    await store(conn, (titled, "Imran Khan (2)"))
    await store(conn, (person("k", "Khan", titles=["Prime Minister of Pakistan"]), "PM KHAN"))
    by_label = await speakers(conn)
    assert by_label["PM KHAN"] == by_label["Imran Khan"] == by_label["Imran Khan (2)"]
    assert by_label["PRIME MINISTER HAN"] != by_label["Imran Khan"]

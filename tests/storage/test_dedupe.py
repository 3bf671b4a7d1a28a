"""`python -m service persons dedupe`: duplicates proposed with evidence, merged on request."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json

import asyncpg
import pytest
from synthetic_documents import E, T, make_document, person

from service.cli import main
from service.storage.documents import store_document
from service.storage.persons import (
    Activity,
    _Row,
    name_tokens,
    propose_surname_merges,
    resolve_merged,
)


async def _page(conn: asyncpg.Connection, name: str, key: str, day: dt.date) -> None:
    doc = make_document(E("Talk", [T(name, f"Words of {name} on {day}.", key)], date=day),
                        persons=[person(key, name)])  # fmt: skip
    await store_document(conn, doc)


async def _ids(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT id, name FROM person WHERE merged_into_id IS NULL")
    return {r["name"]: r["id"] for r in rows}


async def test_dedupe_dry_run_then_apply(
    conn: asyncpg.Connection, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    await _page(conn, "Vladimir Petrenko", "v", dt.date(2010, 5, 1))
    await _page(conn, "Vladimir Petrenko", "v", dt.date(2010, 6, 1))
    await _page(conn, "Vladmir Petrenko", "v", dt.date(2010, 7, 1))  # a misprint, same period
    await _page(conn, "Vladimri Petrenkov", "x", dt.date(2010, 7, 2))  # two letters off: no
    await _page(conn, "Olga Sidorenko", "o", dt.date(1990, 1, 1))
    await _page(conn, "Olga Sidorenka", "o", dt.date(2020, 1, 1))  # one letter, decades apart
    await _page(conn, "George W. Bush", "w", dt.date(2004, 1, 1))
    await _page(conn, "George H. W. Bush", "hw", dt.date(1990, 1, 1))
    before = await _ids(conn)
    assert {"Vladmir Petrenko", "Olga Sidorenka", "George H. W. Bush"} <= before.keys()

    monkeypatch.setenv("DATABASE_URL", db_url)  # the command, in a thread (it runs a loop)
    assert await asyncio.to_thread(main, ["persons", "dedupe", "--dry-run", "--json"]) == 0
    proposed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p["merge_name"], p["keep_name"]) for p in proposed] == [
        ("Vladmir Petrenko", "Vladimir Petrenko")
    ]
    assert proposed[0]["evidence"]["rule"] == "misspelt_name"
    assert await _ids(conn) == before  # a dry run changes nothing

    assert await asyncio.to_thread(main, ["persons", "dedupe"]) == 0
    assert "'Vladmir Petrenko'" in capsys.readouterr().out  # what was merged
    after = await _ids(conn)
    assert after.keys() == before.keys() - {"Vladmir Petrenko"}
    kept, merged = before["Vladimir Petrenko"], before["Vladmir Petrenko"]
    assert await resolve_merged(conn, merged) == kept
    assert await conn.fetchval("SELECT count(*) FROM statement WHERE speaker_id = $1", kept) == 3
    row = await conn.fetchrow("SELECT merged_id, into_id, evidence, merged_by FROM person_merge")
    assert (row["merged_id"], row["into_id"], row["merged_by"]) == (merged, kept, "dedupe")
    assert json.loads(row["evidence"])["names"] == ["Vladimir Petrenko", "Vladmir Petrenko"]
    assert await asyncio.to_thread(main, ["persons", "dedupe", "--dry-run", "--json"]) == 0
    assert capsys.readouterr().out == ""  # nothing left to do


# ---------------------------------------------------------------- surname-only persons (pure)

D = dt.date


def _row(pid: int, name: str, wikidata: str | None = None) -> _Row:
    return _Row(pid, name, name_tokens(name), wikidata, 2, None, None)


def _act(
    sources: dict[str, list[dt.date]] | None = None,
    met: dict[int, list[dt.date]] | None = None,
    offices: list[tuple[str, dt.date | None, dt.date | None]] | None = None,
) -> Activity:
    return Activity(
        {s: set(d) for s, d in (sources or {}).items()},
        {p: set(d) for p, d in (met or {}).items()},
        list(offices or []),
    )


def test_surname_only_joins_the_one_full_name_of_its_source_and_period() -> None:
    rows = [_row(1, "Brown"), _row(2, "Quincy Brown"), _row(3, "Ruth Brown")]
    activity = {
        1: _act({"ministry-a": [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2009, 1, 1), D(2011, 3, 1)]}),
        3: _act({"ministry-b": [D(2010, 1, 1)]}),  # another publisher: no evidence
    }
    proposals, undecided = propose_surname_merges(rows, activity, {})
    assert [(p.merge, p.keep) for p in proposals] == [(1, 2)]
    assert proposals[0].evidence == {
        "rule": "surname_only", "surname": "Brown", "evidence": ["source:ministry-a"]
    }  # fmt: skip
    assert undecided == []


def test_surname_only_with_two_plausible_full_names_is_undecided() -> None:
    rows = [_row(1, "Brown"), _row(2, "Quincy Brown"), _row(3, "Ruth Brown")]
    activity = {
        1: _act({"ministry-a": [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2010, 1, 1)]}),
        3: _act({"ministry-a": [D(1990, 1, 1)]}),  # same source, decades before: a rival
    }
    proposals, undecided = propose_surname_merges(rows, activity, {})
    assert proposals == []
    assert [(u.id, [c[0] for c in u.candidates]) for u in undecided] == [(1, [2, 3])]


def test_surname_only_needs_more_than_a_source_visited_or_a_page_together() -> None:
    rows = [_row(1, "Brown"), _row(2, "Quincy Brown"), _row(4, "Sarah Lee")]
    # the full name speaks mostly elsewhere: one visit to the surname's source decides nothing
    visited = {
        1: _act({"summit": [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2010, 1, 1), D(2010, 2, 1)], "summit": [D(2010, 6, 1)]}),
    }
    assert propose_surname_merges(rows, visited, {}) == ([], [])
    # two persons on one page are two persons, whatever else agrees
    together = {
        1: _act({"ministry-a": [D(2010, 5, 1)]}, met={2: [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2010, 5, 1)]}, met={1: [D(2010, 5, 1)]}),
    }
    assert propose_surname_merges(rows, together, {}) == ([], [])


def test_surname_only_joins_on_persons_met_or_the_office_at_the_date() -> None:
    rows = [_row(1, "Brown"), _row(2, "Quincy Brown"), _row(5, "Ruth Lee"), _row(6, "Ann Kim")]
    met = {
        1: _act({"summit": [D(2010, 5, 1)]}, met={5: [D(2010, 5, 1)], 6: [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2010, 1, 1)]}, met={5: [D(2009, 5, 1)], 6: [D(2011, 1, 1)]}),
    }
    proposals, _ = propose_surname_merges(rows, met, {})
    assert [(p.merge, p.keep, p.evidence["evidence"]) for p in proposals] == [
        (1, 2, ["co-participants:2"])
    ]
    # one person met in common is chance in a busy office
    met[2].met.pop(6)
    assert propose_surname_merges(rows, met, {})[0] == []
    # a title the surname's pages give, held by the full name on that date
    mayor = "Mayor of Springfield"
    office = {
        1: _act({"summit": [D(2010, 5, 1)]}, offices=[(mayor, D(2010, 5, 1), D(2010, 5, 1))]),
        2: _act({"ministry-a": [D(2010, 1, 1)]}, offices=[(mayor, D(2008, 1, 1), None)]),
    }
    proposals, _ = propose_surname_merges(rows, office, {})
    assert [p.evidence["evidence"] for p in proposals] == [[f"office:{mayor}"]]
    # a bare title ("Mayor") is held by many at once: no evidence
    office[1].offices[:] = [("Mayor", D(2010, 5, 1), D(2010, 5, 1))]
    office[2].offices[:] = [("Mayor", D(2008, 1, 1), None)]
    assert propose_surname_merges(rows, office, {}) == ([], [])


def test_a_common_surname_needs_evidence_about_the_person() -> None:
    """With eight or more full-name Ivanovs in the archive, an "Ivanov" at Peter Ivanov's
    source in his period may be an Ivanov never named in full: the source alone decides
    nothing, the persons both met do."""
    given = ["Peter", "Anna", "Pavel", "Viktor", "Ruth", "Laura", "Maria", "Helen"]
    rows = [_row(1, "Ivanov"), *(_row(2 + i, f"{g} Ivanov") for i, g in enumerate(given))]
    activity = {
        1: _act({"whitehouse": [D(2010, 8, 1)]}),
        2: _act({"whitehouse": [D(2010, 5, 1), D(2011, 1, 1)]}),
    }
    assert propose_surname_merges(rows, activity, {}) == ([], [])
    assert propose_surname_merges(rows[:3], activity, {})[0] != []  # two Ivanovs: it does
    activity[1].met.update({20: {D(2010, 8, 1)}, 21: {D(2010, 8, 1)}})
    activity[2].met.update({20: {D(2010, 9, 1)}, 21: {D(2010, 7, 1)}})
    proposals, _ = propose_surname_merges(rows, activity, {})
    assert [(p.merge, p.keep) for p in proposals] == [(1, 2)]


def test_surname_only_goes_to_the_person_its_candidate_was_merged_into() -> None:
    rows = [_row(1, "Brown"), _row(2, "Quincy Brown"), _row(3, "Quincy Brown")]
    activity = {
        1: _act({"ministry-a": [D(2010, 5, 1)]}),
        2: _act({"ministry-a": [D(2010, 1, 1)]}),
        3: _act({"ministry-a": [D(1995, 1, 1)]}),
    }
    # row 2 is merged into row 3 earlier in the run: one candidate, with both rows' activity
    proposals, undecided = propose_surname_merges(rows, activity, {2: 3})
    assert [(p.merge, p.keep) for p in proposals] == [(1, 3)]
    assert undecided == []


def test_a_misprinted_surname_only_joins_the_full_name_one_letter_off() -> None:
    """ "Zorqib", from a page whose only label was "MS. ZORQIB", is Helena Zorquib when the
    evidence points to her, as a correctly spelt surname would be, and when she is the one
    Zorquib: which surname it misprints is already a guess."""
    rows = [_row(1, "Zorqib"), _row(2, "Helena Zorquib")]
    activity = {
        1: _act({"ministry-a": [D(2010, 8, 1)]}),
        2: _act({"ministry-a": [D(2010, 5, 1), D(2011, 1, 1)]}),
        3: _act({"ministry-b": [D(2010, 5, 2)]}),  # another publisher: no evidence
    }
    proposals, undecided = propose_surname_merges(rows, activity, {})
    assert [(p.merge, p.keep) for p in proposals] == [(1, 2)]
    assert proposals[0].evidence == {
        "rule": "surname_only", "surname": "Zorqib", "misprint_of": "Zorquib",
        "evidence": ["source:ministry-a"],
    }  # fmt: skip
    assert undecided == []
    # another Zorquib, even one with no evidence at all: undecided, never merged
    rows.append(_row(3, "Pavel Zorquib"))
    proposals, undecided = propose_surname_merges(rows, activity, {})
    assert proposals == []
    assert [(u.id, [(c[0], c[2]) for c in u.candidates]) for u in undecided] == [
        (1, [(2, ["source:ministry-a"]), (3, [])])
    ]
    # a person it shared a page with is another person
    rows.pop()
    together = {**activity, 1: _act({"ministry-a": [D(2010, 8, 1)]}, met={2: [D(2010, 8, 1)]})}
    assert propose_surname_merges(rows, together, {}) == ([], [])


def test_a_surname_only_is_a_misprint_only_when_nothing_else_reads_it() -> None:
    def proposed(short: str, full: str, *others: str) -> list[tuple[int, int]]:
        rows = [_row(1, short), _row(2, full), *(_row(3 + i, o) for i, o in enumerate(others))]
        activity = {
            1: _act({"ministry-a": [D(2010, 8, 1)]}),
            2: _act({"ministry-a": [D(2010, 5, 1)]}),
        }
        return [(p.merge, p.keep) for p in propose_surname_merges(rows, activity, {})[0]]

    assert proposed("Zorqib", "Helena Zorquib") == [(1, 2)]  # a letter missing inside
    assert proposed("Zoqruib", "Helena Zorquib") == [(1, 2)]  # two letters swapped
    assert proposed("Zorquibe", "Helena Zorquib") == []  # an ending is another name
    assert proposed("Zroqiub", "Helena Zorquib") == []  # two letters off
    assert proposed("Tanka", "Olga Tanaka") == []  # an English word
    assert proposed("Khna", "Imran Khan") == []  # too short to tell
    # a full name of the archive has that very surname: a name of its own, no misprint
    assert proposed("Zorqib", "Helena Zorquib", "Anna Zorqib") == []


async def test_dedupe_merges_a_surname_only_person_and_reports_the_undecided(
    conn: asyncpg.Connection, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    async def page(name: str, key: str, day: dt.date, publisher: str) -> None:
        doc = make_document(E("Talk", [T(name, f"Words of {name} on {day}.", key)], date=day),
                            persons=[person(key, name)])  # fmt: skip
        await store_document(conn, dataclasses.replace(doc, publisher=publisher))

    await page("Helena Zorquib", "h", dt.date(2010, 5, 1), "ministry-a")
    await page("Zorquib", "z", dt.date(2010, 8, 1), "ministry-a")  # "MS. ZORQUIB" alone
    await page("Anna Velmar", "a", dt.date(2011, 1, 1), "ministry-a")
    await page("Ruth Velmar", "r", dt.date(2011, 2, 1), "ministry-a")
    await page("Velmar", "v", dt.date(2011, 3, 1), "ministry-a")  # two Velmars fit
    before = await _ids(conn)
    assert {"Zorquib", "Velmar"} <= before.keys()  # ingestion left both as persons

    monkeypatch.setenv("DATABASE_URL", db_url)
    assert await asyncio.to_thread(main, ["persons", "dedupe", "--dry-run", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    merges = [x for x in lines if "merge" in x]
    assert [(m["merge_name"], m["keep_name"], m["evidence"]) for m in merges] == [
        ("Zorquib", "Helena Zorquib",
         {"rule": "surname_only", "surname": "Zorquib", "evidence": ["source:ministry-a"]})
    ]  # fmt: skip
    [undecided] = [x for x in lines if "undecided" in x]
    assert undecided["name"] == "Velmar"
    assert sorted(c["name"] for c in undecided["candidates"]) == ["Anna Velmar", "Ruth Velmar"]
    assert await _ids(conn) == before

    assert await asyncio.to_thread(main, ["persons", "dedupe"]) == 0
    after = await _ids(conn)
    assert after.keys() == before.keys() - {"Zorquib"}
    assert await resolve_merged(conn, before["Zorquib"]) == before["Helena Zorquib"]
    spoken = "SELECT count(*) FROM statement WHERE speaker_id = $1"
    assert await conn.fetchval(spoken, before["Helena Zorquib"]) == 2
    row = await conn.fetchrow("SELECT evidence, merged_by FROM person_merge")
    assert row["merged_by"] == "dedupe"
    assert json.loads(row["evidence"])["evidence"] == ["source:ministry-a"]


async def test_dedupe_repairs_a_person_made_from_a_misprinted_surname(
    conn: asyncpg.Connection, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A page whose only label was "MS. ZORQIB" made a person "Zorqib"; the archive says
    she is Helena Zorquib (her source, in her period), the archive's one Zorquib."""

    async def page(name: str, key: str, day: dt.date, publisher: str) -> None:
        doc = make_document(E("Talk", [T(name, f"Words of {name} on {day}.", key)], date=day),
                            persons=[person(key, name)])  # fmt: skip
        await store_document(conn, dataclasses.replace(doc, publisher=publisher))

    await page("Helena Zorquib", "h", dt.date(2010, 5, 1), "ministry-a")
    await page("Zorqib", "z", dt.date(2010, 8, 1), "ministry-a")
    await page("Tanka", "t", dt.date(2010, 8, 2), "ministry-a")  # a word: no misprint of ...
    await page("Olga Tanaka", "o", dt.date(2010, 6, 1), "ministry-a")  # ... Olga Tanaka's name
    before = await _ids(conn)
    assert {"Zorqib", "Tanka"} <= before.keys()  # ingestion left both as persons

    monkeypatch.setenv("DATABASE_URL", db_url)
    assert await asyncio.to_thread(main, ["persons", "dedupe", "--dry-run", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["merge_name"], x["keep_name"], x["evidence"]) for x in lines] == [
        ("Zorqib", "Helena Zorquib",
         {"rule": "surname_only", "surname": "Zorqib", "misprint_of": "Zorquib",
          "evidence": ["source:ministry-a"]})
    ]  # fmt: skip

    assert await asyncio.to_thread(main, ["persons", "dedupe"]) == 0
    after = await _ids(conn)
    assert after.keys() == before.keys() - {"Zorqib"}
    assert await resolve_merged(conn, before["Zorqib"]) == before["Helena Zorquib"]

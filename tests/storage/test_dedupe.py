"""`python -m service persons dedupe`: duplicates proposed with evidence, merged on request."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import asyncpg
import pytest
from synthetic_documents import E, T, make_document, person

from service.cli import main
from service.storage.documents import store_document
from service.storage.persons import resolve_merged


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

"""statement_day_count (migration 0010) always equals counting the statements themselves.

Unfiltered counts by month or year read it instead of every statement, so after any write
(insert, delete, an update that moves statements to another day or keeps their day, truncate)
it must agree with the statement table, and appending to it must not make concurrent writers
wait for each other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import asyncpg

from service.storage import queries
from service.storage.queries import Params, StatementCriteria

DAY = dt.date(2021, 3, 30)


async def _event(conn: asyncpg.Connection, name: str, date: dt.date | None) -> int:
    document = await conn.fetchval(
        "INSERT INTO source_document (sha256, format, text) VALUES ($1, 'generic', 'x')"
        " RETURNING id",
        hashlib.sha256(name.encode()).hexdigest(),
    )
    return await conn.fetchval(
        "INSERT INTO event (document_id, position, title, kind, date)"
        " VALUES ($1, 1, $2, 'SPEECH', $3) RETURNING id",
        document,
        name,
        date,
    )


async def _statements(conn: asyncpg.Connection, event: int, date: dt.date | None, n: int) -> None:
    """n statements in ONE insert, as ingestion stores a document's statements."""
    await conn.execute(
        "INSERT INTO statement (event_id, sequence, kind, speaker_label, text, start_offset,"
        " end_offset, spoken_on) SELECT $1, i, 'REMARKS', 'X', 'Words.', 0, 6, $2"
        " FROM generate_series(1, $3) i",
        event,
        date,
        n,
    )


async def _agrees(conn: asyncpg.Connection) -> dict[dt.date, int]:
    kept = await conn.fetch(
        "SELECT day, sum(n) AS n FROM statement_day_count GROUP BY day HAVING sum(n) <> 0"
    )
    counted = await conn.fetch(
        "SELECT spoken_on AS day, count(*) AS n FROM statement WHERE spoken_on IS NOT NULL"
        " GROUP BY spoken_on"
    )
    assert {r["day"]: r["n"] for r in kept} == {r["day"]: r["n"] for r in counted}
    return {r["day"]: r["n"] for r in counted}


async def _by_month(conn: asyncpg.Connection, c: StatementCriteria) -> list[tuple[str, int]]:
    p = Params()
    rows = await conn.fetch(queries.statement_counts_sql(c, "MONTH", p), *p.values)
    return [(r["key"], r["count"]) for r in rows]


async def test_day_counts_follow_every_kind_of_write(conn: asyncpg.Connection) -> None:
    march = await _event(conn, "march", DAY)
    april = await _event(conn, "april", DAY + dt.timedelta(days=2))
    undated = await _event(conn, "undated", None)
    await _statements(conn, march, DAY, 5)
    await _statements(conn, april, DAY + dt.timedelta(days=2), 3)
    await _statements(conn, undated, None, 4)
    assert await _agrees(conn) == {DAY: 5, DAY + dt.timedelta(days=2): 3}

    # the unfiltered counts (from the table) equal the filtered ones (from the statements)
    everything = StatementCriteria(kinds=("REMARKS", "QUESTION", "ANSWER", "MODERATION"))
    assert await _by_month(conn, StatementCriteria()) == [("2021-03", 5), ("2021-04", 3)]
    assert await _by_month(conn, everything) == [("2021-03", 5), ("2021-04", 3)]

    rows = "SELECT count(*) FROM statement_day_count"
    appended = await conn.fetchval(rows)
    await conn.execute("UPDATE statement SET kind = 'ANSWER' WHERE event_id = $1", march)
    assert await conn.fetchval(rows) == appended  # an update that keeps the dates adds nothing
    await conn.execute(  # a date fixed by hand: two statements move to April
        "UPDATE statement SET spoken_on = $2 WHERE event_id = $1 AND sequence <= 2",
        march,
        DAY + dt.timedelta(days=2),
    )
    assert await _agrees(conn) == {DAY: 3, DAY + dt.timedelta(days=2): 5}
    await conn.execute("UPDATE statement SET spoken_on = NULL WHERE event_id = $1", april)
    await conn.execute("DELETE FROM statement WHERE spoken_on = $1", DAY)
    assert await _agrees(conn) == {DAY + dt.timedelta(days=2): 2}
    assert await _by_month(conn, StatementCriteria()) == [("2021-04", 2)]

    await conn.execute("DELETE FROM event WHERE id = $1", march)  # cascades to statements
    assert await _by_month(conn, StatementCriteria()) == []  # no month with a zero count
    await _statements(conn, await _event(conn, "later", DAY), DAY, 2)
    await conn.execute("TRUNCATE statement CASCADE")
    assert await _agrees(conn) == {}


async def test_concurrent_writers_on_one_day_do_not_wait(
    conn: asyncpg.Connection, db_url: str
) -> None:
    first, second = await _event(conn, "first", DAY), await _event(conn, "second", DAY)
    other = await asyncpg.connect(db_url)
    try:
        async with conn.transaction():
            await _statements(conn, first, DAY, 2)  # uncommitted: holds its rows' locks
            await other.execute("SET lock_timeout = '2s'")
            await asyncio.wait_for(_statements(other, second, DAY, 3), timeout=5)
    finally:
        await other.close()
    assert await _agrees(conn) == {DAY: 5}

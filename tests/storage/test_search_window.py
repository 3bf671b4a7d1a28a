"""statement_recent (migration 0014) holds every statement of the search window's days.

A search takes its most recent matches from the window when it holds enough, so after any
write (inserts that move the window's start, a date or text changed, deletes) every statement
spoken on or after `search_window.starts_on` must be in statement_recent with its current
tsvector and order key, and inserts must keep it between its size and 1.25 times it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import asyncpg

DAY = dt.date(2022, 1, 1)


async def _day(conn: asyncpg.Connection, day: int, n: int, text: str = "Words.") -> int:
    """One event on DAY + day with n statements stored in one insert, as ingestion does."""
    date = DAY + dt.timedelta(days=day)
    document = await conn.fetchval(
        "INSERT INTO source_document (sha256, format, text) VALUES ($1, 'generic', 'x')"
        " RETURNING id",
        hashlib.sha256(f"window {day} {n}".encode()).hexdigest(),
    )
    event = await conn.fetchval(
        "INSERT INTO event (document_id, position, title, kind, date)"
        " VALUES ($1, 1, $2, 'SPEECH', $3) RETURNING id",
        document,
        f"day {day}",
        date,
    )
    await conn.execute(
        "INSERT INTO statement (event_id, sequence, kind, speaker_label, text, start_offset,"
        " end_offset, spoken_on) SELECT $1, i, 'REMARKS', 'X', $4, 0, 6, $2"
        " FROM generate_series(1, $3) i",
        event,
        date,
        n,
        text,
    )
    return event


async def _window(conn: asyncpg.Connection, inserted: bool = True) -> tuple[dt.date, int]:
    """The window's start and the statements it holds, after checking it holds exactly what it
    must (and, after inserts, no more than 1.25 x its size: updates do not move its start)."""
    starts_on, size = await conn.fetchrow("SELECT starts_on, size FROM search_window")
    due = await conn.fetch(
        "SELECT id, spoken_on, event_id, sequence, search::text FROM statement"
        " WHERE spoken_on >= $1 ORDER BY id",
        starts_on,
    )
    held = await conn.fetch(
        "SELECT statement_id, spoken_on, event_id, sequence, search::text FROM statement_recent"
        " WHERE spoken_on >= $1 ORDER BY statement_id",
        starts_on,
    )
    assert [tuple(r) for r in held] == [tuple(r) for r in due]
    newest_day = await conn.fetchval("SELECT max(spoken_on) FROM statement")
    # after inserts at most 1.25 x its size, unless one day alone holds more than that
    assert not inserted or len(due) <= size * 5 // 4 or starts_on == newest_day
    return starts_on, len(due)


async def test_the_window_follows_every_kind_of_write(conn: asyncpg.Connection) -> None:
    await conn.execute("UPDATE search_window SET size = 10")
    for day in range(4):  # 12 statements: within 1.25 x 10, the window still starts nowhere
        await _day(conn, day, 3)
    assert await _window(conn) == (dt.date.min, 12)  # asyncpg's -infinity
    for day in range(4, 6):  # 18 statements: the start moves to keep the newest 10 or more
        await _day(conn, day, 3)
    starts_on, held = await _window(conn)
    assert starts_on == DAY + dt.timedelta(days=2) and held == 12
    assert await conn.fetchval("SELECT count(*) FROM statement_recent") == 12  # older deleted

    old = await _day(conn, -30, 5)  # an old page ingested late stays out of the window
    assert await _window(conn) == (starts_on, 12)
    await conn.execute(  # ... until its date is corrected into the window
        "UPDATE statement SET spoken_on = $2 WHERE event_id = $1 AND sequence = 1",
        old,
        DAY + dt.timedelta(days=5),
    )
    assert await _window(conn, inserted=False) == (starts_on, 13)
    await conn.execute(  # a text changed: the window's tsvector follows
        "UPDATE statement SET text = 'Energy security.' WHERE spoken_on = $1",
        DAY + dt.timedelta(days=5),
    )
    assert (
        await conn.fetchval(
            "SELECT count(*) FROM statement_recent WHERE search @@ 'secur'::tsquery"
        )
        == 4
    )
    await _window(conn, inserted=False)
    await conn.execute(  # a date moved out of the window: its row leaves
        "UPDATE statement SET spoken_on = $1 WHERE event_id = $2", DAY, old
    )
    assert await _window(conn) == (starts_on, 12)
    await conn.execute("DELETE FROM event WHERE date = $1", DAY + dt.timedelta(days=5))
    assert await _window(conn) == (starts_on, 9)

    await conn.execute("SELECT search_window_rebuild()")  # what loads bypassing triggers call
    rebuilt_start, held = await _window(conn)
    assert rebuilt_start <= starts_on and held >= 10


async def test_concurrent_writers_in_the_window_do_not_wait(
    conn: asyncpg.Connection, db_url: str
) -> None:
    other = await asyncpg.connect(db_url)
    try:
        async with conn.transaction():
            await _day(conn, 1, 2)  # uncommitted: holds its rows' locks
            await other.execute("SET lock_timeout = '2s'")
            await _day(other, 1, 3)  # same day, other event: no lock on the window's row
    finally:
        await other.close()
    assert (await _window(conn))[1] == 5

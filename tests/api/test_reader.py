"""What a cancelled read leaves behind on its connection."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from service.api.reader import Reader

# A statement that takes a while and, if it runs to its end, leaves a row behind.
SLOW_MARKING_READ = (
    "WITH mark AS (INSERT INTO reader_test_mark VALUES (1) RETURNING 1)"
    " SELECT pg_sleep(0.3) FROM mark"
)
READ_MARKS = "SELECT count(*) AS marks FROM reader_test_mark"


async def _pool(database_url: str) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS reader_test_mark (n int); TRUNCATE reader_test_mark"
    )
    return pool


async def _cancel_a_slow_read(reader: Reader) -> None:
    read = asyncio.create_task(reader.fetch(SLOW_MARKING_READ))
    await asyncio.sleep(0.1)  # the statement is running in PostgreSQL
    read.cancel()
    with pytest.raises(asyncio.CancelledError):
        await read


async def test_a_cancelled_read_finishes_instead_of_cancelling_its_connection(
    database_url: str,
) -> None:
    """graphql-core cancels the siblings of a failed non-null field. Cancelling their statements
    in PostgreSQL would send cancel requests, which name a backend, not a statement: one that
    lands late fails the next statement on that connection, another request's read. So the
    statement runs to its end and the connection goes back to the pool unharmed."""
    pool = await _pool(database_url)
    try:
        reader = Reader(pool, 5000)
        await _cancel_a_slow_read(reader)
        # The pool's only connection: this read waits for the first to finish and sees its row.
        assert (await reader.fetch(READ_MARKS))[0]["marks"] == 1
    finally:
        await pool.close()


async def test_a_reader_over_a_held_connection_cancels_the_statement(database_url: str) -> None:
    """The compiled path's Reader runs on a connection its request holds and then releases, so
    a cancelled read must not outlive it: the statement is cancelled in PostgreSQL."""
    pool = await _pool(database_url)
    try:
        await _cancel_a_slow_read(Reader(pool, 5000, finish_cancelled=False))
        assert (await Reader(pool, 5000).fetch(READ_MARKS))[0]["marks"] == 0
    finally:
        await pool.close()

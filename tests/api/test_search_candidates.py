"""Search ranks at most SEARCH_RANKED candidates: the most recent matches.

A small corpus with the cap lowered to 10 plays a word in every statement of 40 days: its
best-ranked statements are old, so they must drop out of the results once more statements
match than are ranked, whichever way the candidates are found (reading newest first when the
sample of newest statements says the word is common; else, unfiltered, the matches of the
search window, statement_recent, when it holds enough; else fetching every match through the
GIN index; a sample of 0 statements forces the second, a window of fewer days than the cap
the third, and reading too few rows moves on), and on both read paths. A search matching no
more than SEARCH_RANKED ranks every match, as before the cap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from http_support import client

from service.storage import queries
from service.storage.queries import StatementCriteria

DAYS = 40
FIRST_DAY = dt.date(2020, 1, 1)
RANKED = 10
NEWEST, FETCH_ALL = 1000, 0  # SEARCH_SAMPLE: the whole corpus (a common word reads newest
# first), or nothing (never: every match is fetched)


def _text(day: int) -> str:
    """'tariff' in every statement; five times in the ten oldest, three times on day 35."""
    times = 5 if day < 10 else 3 if day == 35 else 1
    rare = " A pipeline opened." if day % 8 == 0 else ""  # 'pipeline' on 5 days only
    return "We discussed the tariff. " * times + f"Day {day} of the talks.{rare}"


@pytest.fixture(scope="module")
def db_url(make_database: Callable[[], str]) -> str:
    return make_database()


@pytest.fixture(scope="module")
async def db(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A fresh database, read only by these tests: one event a day, one statement each,
    answers on even days."""
    conn = await asyncpg.connect(db_url)
    document = await conn.fetchval(
        "INSERT INTO source_document (sha256, format, text) VALUES ($1, 'generic', 'x')"
        " RETURNING id",
        hashlib.sha256(b"search-candidates").hexdigest(),
    )
    for day in range(DAYS):
        date = FIRST_DAY + dt.timedelta(days=day)
        event = await conn.fetchval(
            "INSERT INTO event (document_id, position, title, kind, date)"
            " VALUES ($1, $2, $3, 'PRESS_CONFERENCE', $4) RETURNING id",
            document,
            day + 1,
            f"Talks, day {day}",
            date,
        )
        text = _text(day)
        await conn.execute(
            "INSERT INTO statement (event_id, sequence, kind, speaker_label, text,"
            " start_offset, end_offset, spoken_on) VALUES ($1, 1, $2, 'Q', $3, 0, $4, $5)",
            event,
            "ANSWER" if day % 2 == 0 else "QUESTION",
            text,
            len(text),
            date,
        )
    await conn.execute("ANALYZE")
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def caps(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, int], None]:
    def set_caps(ranked: int, sample: int) -> None:
        monkeypatch.setattr(queries, "SEARCH_RANKED", ranked)
        monkeypatch.setattr(queries, "SEARCH_SAMPLE", sample)

    return set_caps


async def _way(db: asyncpg.Connection, word: str, c: StatementCriteria | None = None) -> str:
    """Which way found the candidates: the member of the candidates' UNION ALL that gave rows
    ('newest', 'window' (unfiltered only) or 'all')."""
    p = queries.Params(word)
    filters = queries.statement_conditions(c or StatementCriteria(), p)
    page = queries.search_page_sql("$1", filters, "0", "10")
    plan = json.loads(await db.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + page, *p.values))

    def appends(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if node["Node Type"] == "Append":
            yield node
        for child in node.get("Plans", []):
            yield from appends(child)

    (union,) = appends(plan[0]["Plan"])
    ways = ["newest", "window", "all"] if not filters else ["newest", "all"]
    members = [m for m in union["Plans"] if m["Parent Relationship"] == "Member"]
    (way,) = [w for w, m in zip(ways, members, strict=True) if m["Actual Rows"] > 0]
    return way


@pytest.fixture
async def window_of(db: asyncpg.Connection) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """Set the search window's size (statements) and rebuild it; restored afterwards."""

    async def set_size(size: int) -> None:
        await db.execute("UPDATE search_window SET size = $1", size)
        await db.execute("SELECT search_window_rebuild()")

    yield set_size
    await set_size(200000)


async def _days(db: Any, word: str, c: StatementCriteria | None = None, **page: int) -> list[int]:
    rows = await queries.search(
        db, word, c or StatementCriteria(), page.get("offset", 0), page.get("limit", 100)
    )
    return [(r["spoken_on"] - FIRST_DAY).days for r in rows]


async def test_common_word_ranks_only_the_most_recent_matches(
    db: asyncpg.Connection,
    caps: Callable[[int, int], None],
    window_of: Callable[[int], Awaitable[None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caps(RANKED, NEWEST)
    assert await _way(db, "tariff") == "newest"
    newest_first = await _days(db, "tariff")
    caps(RANKED, FETCH_ALL)
    assert await _way(db, "tariff") == "window"  # every day is in the default window
    assert await _days(db, "tariff") == newest_first
    await window_of(RANKED - 1)  # the window's days hold fewer matches than are ranked
    assert await _way(db, "tariff") == "all"
    fetched = await _days(db, "tariff")
    assert fetched == newest_first
    caps(RANKED, NEWEST)
    monkeypatch.setattr(queries, "SEARCH_READ_MAX", RANKED // 2)  # too few rows read: fetch
    assert await _way(db, "tariff") == "all"
    assert await _days(db, "tariff") == fetched
    await window_of(RANKED + 3)  # ... or take the window's, when it holds enough
    assert await _way(db, "tariff") == "window"
    assert await _days(db, "tariff") == fetched
    assert sorted(newest_first) == list(range(DAYS - RANKED, DAYS))  # the 10 most recent
    assert newest_first[0] == 35  # best ranked among them; days 0-9 rank higher but are old
    assert await queries.count_search(db, "tariff", StatementCriteria()) == DAYS  # all matches
    assert await _days(db, "tariff", offset=RANKED) == []  # pages end with the candidates


async def test_a_search_matching_no_more_than_the_cap_ranks_every_match(
    db: asyncpg.Connection, caps: Callable[[int, int], None]
) -> None:
    caps(RANKED, NEWEST)
    assert sorted(await _days(db, "pipeline")) == [0, 8, 16, 24, 32]
    caps(DAYS, NEWEST)  # every 'tariff' statement is a candidate: the oldest rank first again
    days = await _days(db, "tariff")
    assert sorted(days) == list(range(DAYS))
    assert sorted(days[:10]) == list(range(10))


async def test_filters_apply_before_the_cap(
    db: asyncpg.Connection, caps: Callable[[int, int], None]
) -> None:
    answers = StatementCriteria(kinds=("ANSWER",))
    for sample, way in ((NEWEST, "newest"), (FETCH_ALL, "all")):  # no window when filtered
        caps(RANKED, sample)
        assert await _way(db, "tariff", answers) == way
        days = await _days(db, "tariff", answers)
        assert sorted(days) == list(range(DAYS - 2 * RANKED, DAYS, 2)), sample


SEARCH = """query($q: String!, $after: String) {
  search(query: $q, first: 4, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { rank highlight statement { spokenOn kind } } }
  }
}"""


async def test_both_read_paths_rank_the_same_candidates(
    db: asyncpg.Connection,
    db_url: str,
    caps: Callable[[int, int], None],
    window_of: Callable[[int], Awaitable[None]],
    make_live_server: Callable[..., Any],
) -> None:
    """Compiled SQL and the resolvers page through the same ranked candidates, to the end."""
    compiled = make_live_server(db_url).url
    reference = client(make_live_server(db_url, graphql_compiled=False).url)
    for sample, window in ((NEWEST, DAYS), (FETCH_ALL, DAYS), (FETCH_ALL, RANKED - 1)):
        caps(RANKED, sample)
        await window_of(window)
        # word, results paged through (at most RANKED), totalCount (every match)
        for word, results, total in (
            ("tariff", RANKED, DAYS),
            ("pipeline", 5, 5),
            ("tariff -pipeline", RANKED, DAYS - 5),
        ):
            after, seen = None, 0
            while True:
                variables = {"q": word, "after": after}
                async with httpx.AsyncClient(base_url=compiled, timeout=60) as http:
                    response = await http.post(
                        "/graphql", json={"query": SEARCH, "variables": variables}
                    )
                assert response.headers["X-Execution-Path"] == "compiled"
                got = response.json()
                assert got == await reference(SEARCH, variables), (sample, word, after)
                page = got["data"]["search"]
                seen += len(page["edges"])
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert (seen, page["totalCount"]) == (results, total), (sample, word)

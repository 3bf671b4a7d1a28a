"""Storage test fixtures: a fresh, migrated database per test (tests that commit and race)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest


@pytest.fixture
def db_url(make_database: Callable[[], str]) -> str:
    """A fresh, migrated, empty database for this test alone."""
    return make_database()


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(db_url)
    try:
        yield connection
    finally:
        await connection.close()

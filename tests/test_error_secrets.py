"""Errors never carry secrets or internal class names.

/readyz used to say "database unreachable: ConnectionRefusedError: ..." to anyone, and a
DATABASE_URL that does not parse was echoed with its password.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import asyncpg
import httpx
import pytest

from service.config import ConfigError, Settings

PASSWORD = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{PASSWORD}@db.example:99999/transcripts",  # port out of range
        f"postgresql://app:{PASSWORD}@db.example:port/transcripts",  # port not a number
        f"mysql://app:{PASSWORD}@db.example/transcripts",  # wrong scheme
        f"postgresql://app:{PASSWORD}@[::1/transcripts",  # bad address
    ],
)
def test_a_bad_database_url_is_reported_without_its_password(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"DATABASE_URL": url})
    message = str(raised.value)
    assert "DATABASE_URL" in message and "app:***@" in message
    assert PASSWORD not in message


async def test_readyz_names_no_exception_class(
    make_database: Any, make_live_server: Any, server_url: str
) -> None:
    url = make_database()
    server = make_live_server(url)
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(50):
            response = await client.get(f"{server.url}/readyz")
            if response.status_code == 503:
                break
            await asyncio.sleep(0.1)
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "unavailable", "reason": "database unreachable"}
    assert not re.search(r"[A-Z][a-z]+(Error|Exception)", response.text)

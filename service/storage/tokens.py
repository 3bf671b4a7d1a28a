"""Write tokens: handed out once, kept only as a SHA-256 so a database dump leaks no secret."""

from __future__ import annotations

import hashlib
import secrets

import asyncpg


class TokenNameTaken(ValueError):
    """Token names are unique so an operator can tell tokens apart."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(conn: asyncpg.Connection, name: str, *, can_write: bool = True) -> str:
    """Store a new token's hash under ``name``; return the token (the only time it exists)."""
    token = secrets.token_urlsafe(32)
    try:
        await conn.execute(
            "INSERT INTO api_token (name, token_hash, can_write) VALUES ($1, $2, $3)",
            name,
            token_hash(token),
            can_write,
        )
    except asyncpg.UniqueViolationError:
        raise TokenNameTaken(f"a token named {name!r} already exists") from None
    return token


async def token_can_write(conn: asyncpg.Connection, token: str) -> bool:
    """True when ``token`` is a stored token with write access."""
    if not token:
        return False
    allowed = await conn.fetchval(
        "SELECT can_write FROM api_token WHERE token_hash = $1", token_hash(token)
    )
    return bool(allowed)


async def token_name(conn: asyncpg.Connection, token: str) -> str | None:
    """The name a stored token was created under (curation records who changed what)."""
    if not token:
        return None
    name: str | None = await conn.fetchval(
        "SELECT name FROM api_token WHERE token_hash = $1", token_hash(token)
    )
    return name

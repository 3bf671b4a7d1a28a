"""Loader semantics the resolvers rely on when graphql-core cancels fields."""

from __future__ import annotations

import asyncio

import pytest

from service.api.loaders import SharedLoader


async def test_a_cancelled_awaiter_leaves_the_shared_load_to_the_others() -> None:
    """graphql-core cancels the siblings of a failed non-null field; a sibling may be awaiting
    the same loader future as a field elsewhere in the response, which must still resolve."""
    batches: list[list[int]] = []

    async def batch(keys: list[int]) -> list[int]:
        batches.append(list(keys))
        await asyncio.sleep(0.01)
        return [key * 10 for key in keys]

    loader: SharedLoader[int, int] = SharedLoader(batch)

    async def field() -> int:
        return await loader.load(1)

    cancelled, other = asyncio.create_task(field()), asyncio.create_task(field())
    await asyncio.sleep(0)  # both await the one future of key 1
    cancelled.cancel()

    assert await other == 10
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert batches == [[1]]
    assert await loader.load(1) == 10  # still cached, not cancelled

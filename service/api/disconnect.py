"""Stop a request's work when its client goes away.

A client that gives up (a closed browser tab, a timed-out integration) used to leave its query
running in PostgreSQL until the statement timeout: a dozen abandoned expensive requests made
cheap ones wait for a minute. Here a watcher task reads the ASGI ``receive`` channel while the
operation runs; when the server reports ``http.disconnect`` it cancels the request's task, and
asyncpg cancels the statement in the server (it sends PostgreSQL a cancel request) before the
connection goes back to the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from starlette.types import Receive

T = TypeVar("T")

# nginx's code for "client closed request": what the access log and /metrics show; the client
# itself never sees it.
CLIENT_CLOSED_REQUEST = 499


class ClientDisconnected(Exception):
    """The client left before its answer was ready; the work was cancelled."""


async def wait_for_disconnect(receive: Receive) -> None:
    """Returns when the client has gone. Called after the body was read (or, for GET, when
    there is none), so any ``http.request`` message left carries nothing the endpoint needs."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def unless_disconnected(receive: Receive, work: Awaitable[T]) -> T:
    """``work``'s result; raises ClientDisconnected (after cancelling it) if the client leaves
    first.

    ``work`` runs in the calling task, as it would without this, and a watcher task cancels
    that task on a disconnect: running it in a task of its own instead changed how
    graphql-core's abandoned field coroutines are finalised. Other cancellations (server
    shutdown, graphql-core's own cancelling of a failed field's siblings) pass through as
    they are.
    """
    current = asyncio.current_task()
    assert current is not None
    left = False

    async def watch() -> None:
        nonlocal left
        await wait_for_disconnect(receive)
        left = True
        current.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        result = await work
    except asyncio.CancelledError:
        if left and current.uncancel() == 0:
            raise ClientDisconnected from None
        raise
    finally:
        watcher.cancel()
    if left:  # gone just as the work finished: the answer is sent to nobody
        current.uncancel()
    return result

"""Stop a request's work when its client goes away.

A client that gives up (a closed browser tab, a timed-out integration) used to leave its query
running in PostgreSQL until the statement timeout: a dozen abandoned expensive requests made
cheap ones wait for a minute. Here the operation runs as a task beside a watcher of the ASGI
``receive`` channel; when the server reports ``http.disconnect`` the task is cancelled, and
asyncpg cancels the statement in the server (it sends PostgreSQL a cancel request) before the
connection goes back to the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
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
    first. A cancellation of the caller (server shutdown) cancels ``work`` too."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(wait_for_disconnect(receive))
    left = False
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done() and watcher.exception() is not None:
            await asyncio.wait({task})  # the channel failed, not the client: finish the work
        left = not task.done()
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task  # the cancellation reaches asyncpg before the pool sees the connection
    if left:
        raise ClientDisconnected
    # A task that ended cancelled without being told to (graphql-core cancels a failed field's
    # siblings) re-raises CancelledError here, as the awaited coroutine itself would have.
    return task.result()

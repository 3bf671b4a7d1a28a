"""New documents, pushed to every live subscription of this process.

One poller per process asks PostgreSQL every ``POLL_SECONDS`` which documents were stored
since it last asked, and hands each new id to every subscriber's queue. Polling rather than
LISTEN: it needs no extra connection, works behind a transaction-mode pooler, and sees what any
replica stored, for one cheap indexed query per second however many clients subscribe. The
poller runs only while someone is subscribed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from service.api.reader import Reader
from service.storage import feed

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
QUEUE_LIMIT = 1000  # documents a slow subscriber may fall behind before it is cut off


class SubscriberTooSlow(RuntimeError):
    """The client read too slowly: its subscription ends rather than hold memory for it."""


class DocumentFeed:
    def __init__(self, db: Reader, poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self._queues: set[asyncio.Queue[int | None]] = set()
        self._task: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[int | None]]:
        """A queue of the ids of documents stored from now on; ``None`` means "too slow"."""
        queue: asyncio.Queue[int | None] = asyncio.Queue(QUEUE_LIMIT)
        if self._task is None or self._task.done():
            present = set(
                await feed.documents_since(self.db, await feed.latest_document_id(self.db))
            )
            self._task = asyncio.create_task(self._poll(present), name="document-feed")
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)
            if not self._queues and self._task is not None:
                self._task.cancel()
                self._task = None

    async def _poll(self, present: set[int]) -> None:
        """``present``: the ids stored before the first subscriber came, never published."""
        seen, latest = present, max(present, default=0)
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                ids = await feed.documents_since(self.db, latest)
            except Exception as exc:  # the database may be away a while: keep trying
                log.warning("document feed: poll failed (%s)", type(exc).__name__)
                continue
            new = [i for i in ids if i not in seen]  # ids are above latest - LOOK_BACK
            if ids:
                latest = max(latest, ids[-1])
            seen = {i for i in seen | set(new) if i > latest - feed.LOOK_BACK}
            for document_id in new:
                self._publish(document_id)

    def _publish(self, document_id: int) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(document_id)
            except asyncio.QueueFull:
                self._queues.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.get_nowait()
                queue.put_nowait(None)

"""Name look-ups shared by all requests of one process, invalidated by PostgreSQL NOTIFY.

Resolving a name argument costs one to three SQL statements; the same names come back in
request after request. ``NameCache`` keeps what ``NameResolver`` looked up for a (kind, name)
(the list of matches, with their statement counts when several compete, so an ambiguous
name is still reported, and a dominant one explained, per request) and
``NameListener`` keeps it correct across processes:

- every write that can change a look-up's answer notifies ``NAMES_CHANNEL`` when it commits
  (``service.storage.notifications``); the listener's own connection LISTENs and clears the
  cache on each notification (a session of its own on the primary: DATABASE_DIRECT_URL when
  set, since a transaction pooler would hand the LISTEN's session to others; behind a pooler
  without it there is no listener and so no cache); in-process writes also clear it directly
  after commit (``Context.forget``), so a mutation's own client reads its write at once;
- the cache serves and stores only while the listener is known to be connected; losing the
  connection (or not getting one) clears and bypasses it until a new LISTEN is in place;
- every clear bumps a generation: a look-up that started under an older generation may have
  read the state from before the change, so its result is not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import asyncpg
from cachetools import LRUCache

from service.storage.notifications import NAMES_CHANNEL

if TYPE_CHECKING:
    from service.api.names import Match

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (kind, name as given)

# Longer names are looked up but not kept: the request body limit, not this cache, bounds
# how long an argument may be, and a few huge keys must not hold megabytes.
MAX_CACHED_NAME = 200
# The listener checks its connection this often (a peer that vanished without closing it
# is otherwise noticed only by TCP, minutes later), and gives up on one check after PING_TIMEOUT.
PING_INTERVAL = 15.0
PING_TIMEOUT = 5.0
# Reconnecting backs off from the first to the last delay, doubling.
RETRY_DELAYS = (0.5, 30.0)


class NameCache:
    """A bounded LRU of look-up results, active only while invalidation is guaranteed."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.generation = 0
        self.active = False
        # cachetools' LRU, as every cache of the API (service.api.caches); keys are at most
        # MAX_CACHED_NAME characters, so the count bounds the bytes too.
        self._entries: LRUCache[Key, tuple[Match, ...]] = LRUCache(maxsize=max(max_entries, 1))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> list[Match] | None:
        """The stored matches for ``key`` (a new list), or None: not stored, or inactive."""
        if not self.active:
            return None
        found = self._entries.get(key)  # marks it recently used
        return None if found is None else list(found)

    def put(self, key: Key, matches: Sequence[Match], generation: int) -> None:
        """Keep ``matches`` if nothing was invalidated since ``generation`` was read."""
        if not self.active or generation != self.generation or len(key[1]) > MAX_CACHED_NAME:
            return
        if self.max_entries > 0:
            self._entries[key] = tuple(matches)  # the least recently used go first

    def invalidate(self) -> None:
        """Forget everything, and refuse results of look-ups already under way."""
        self.generation += 1
        self._entries.clear()

    def activate(self) -> None:
        """A listener is in place: start caching (anything missed before is forgotten)."""
        self.invalidate()
        self.active = True

    def deactivate(self) -> None:
        """No listener: notifications may be missed, so stop caching and forget everything."""
        self.active = False
        self.invalidate()


class NameListener:
    """Holds one LISTEN connection for ``cache``, reconnecting with backoff when it is lost.

    ``connect`` opens a new connection; it is retried in the background, so a database that is
    not reachable yet only means the cache stays off until it is.
    """

    def __init__(
        self, cache: NameCache, connect: Callable[[], Awaitable[asyncpg.Connection]]
    ) -> None:
        self.cache = cache
        self._connect = connect
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="name-cache-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.cache.deactivate()

    async def _run(self) -> None:
        delay = RETRY_DELAYS[0]
        while True:
            try:
                await self._listen()
                delay = RETRY_DELAYS[0]  # it was up: reconnect promptly
            except Exception as exc:  # whatever it was, keep retrying: the cache stays off
                log.info("name cache off: no listener connection (%s)", _describe(exc))
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_DELAYS[1])

    async def _listen(self) -> None:
        """Connect, LISTEN, cache while the connection lives; returns when it is lost."""
        conn = await self._connect()
        lost = asyncio.Event()

        def on_lost(_conn: object) -> None:
            self.cache.deactivate()
            lost.set()
            log.warning("name cache off: listener connection lost; reconnecting")

        conn.add_termination_listener(on_lost)
        try:
            await conn.add_listener(NAMES_CHANNEL, self._notified)
            if conn.is_closed():
                return
            self.cache.activate()
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PING_INTERVAL)
                    return
                await conn.fetchval("SELECT 1", timeout=PING_TIMEOUT)
        finally:
            self.cache.deactivate()
            conn.remove_termination_listener(on_lost)
            with contextlib.suppress(Exception):
                await conn.close(timeout=PING_TIMEOUT)

    def _notified(self, *_args: Any) -> None:
        self.cache.invalidate()


def _describe(exc: BaseException) -> str:
    """``Type: first line`` for the log (service.database.describe, which api may not import)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

"""Posted pages are parsed in a worker process, not on a thread of the server.

Parsing is CPU-bound Python: a large page takes seconds, and a thread would hold the GIL
against every other request for that long. One spawned worker per server process parses the
pages posted to ``ingestDocument`` in turn; readers never wait for it. A worker that dies is
replaced on the next page, and the page it was parsing gets a clear error.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from service.api.types.inputs import IngestDocumentInput
from service.ingestion.model import ParsedDocument, RejectedDocument
from service.ingestion.page import parse_page
from service.observability import timed_parse

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn, not fork: the server process has threads and open sockets
            _pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_server
            )
        return _pool


def _die_with_server() -> None:
    """Worker initializer: the worker exits when the server is gone, even killed outright. An
    orphaned worker holds its own ends of the pool's pipes and would wait for pages for ever.
    A thread watches the parent rather than Linux's parent-death signal, which fires when the
    *thread* that started the worker ends (a server may run on any thread)."""
    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def _discard(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


@timed_parse  # ingestion metrics: parse seconds, refusals by code
async def parse_posted(
    text: str,
    *,
    filename: str | None,
    source_url: str | None,
    publisher: str | None,
    max_chars: int,
) -> ParsedDocument:
    """The posted text (or the article text of a posted HTML page), parsed in the worker;
    raises RejectedDocument for a page that is no transcript."""
    executor = _executor()
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            executor,
            functools.partial(
                parse_page,
                text,
                filename=filename,
                source_url=source_url,
                publisher=publisher,
                max_chars=max_chars,
            ),
        )
    except BrokenProcessPool:
        _discard(executor)
        raise RejectedDocument(
            "PARSE_FAILED",
            "The parser stopped while reading this page (out of memory or killed); nothing"
            " was stored. Try again, or split the page.",
        ) from None


async def parse_input(input: IngestDocumentInput, max_chars: int) -> ParsedDocument:
    """``parse_posted`` for an ingestDocument/replaceDocument input."""
    return await parse_posted(
        input.text,
        filename=input.filename,
        source_url=input.source_url,
        publisher=input.publisher,
        max_chars=max_chars,
    )


def shutdown() -> None:
    """Stop the worker (the server is stopping)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)

"""Python's cyclic garbage collector paused while one document is parsed.

Parsing a page allocates many small objects that all live until the parse ends (lines, spans,
turns, mentions, figures). Each of the collector's full passes walks every one of them, so a
page of 100,000 speaker turns spent about a third of its time in the collector, and the share
grew with the page. The parser makes few reference cycles and keeps nothing once it returns:
what cycles there are are collected when the collector resumes. Parsing runs in worker
processes (the CLI's pool, the server's parse worker), where nothing else waits on memory.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Nested or concurrent use is harmless: only the outermost one resumes the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

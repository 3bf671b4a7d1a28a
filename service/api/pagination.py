"""Relay connections: first/after/last/before, edges, nodes, pageInfo, totalCount.

Cursors are opaque offsets into the ordered result. Offsets keep every list (including the
batched per-parent ones and the relevance-ranked search) on one simple, exact scheme:
``hasNextPage``/``hasPreviousPage`` are true whenever items exist beyond the page in that
direction, whichever direction the client pages in. ``totalCount`` costs a COUNT query, so it
runs only when selected (or when ``last`` without ``before`` needs it to find the end).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry

from service.api.errors import BadUserInput

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20
_PREFIX = "cursor:"
MAX_OFFSET = 2**62


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str, argument: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        offset = int(raw[len(_PREFIX) :])
    except (UnicodeError, binascii.Error, ValueError):
        raise BadUserInput(
            f"{argument}: {cursor[:100]!r} is not a valid cursor.", argument=argument
        ) from None
    if not 0 <= offset <= MAX_OFFSET:  # beyond, OFFSET + LIMIT would overflow a bigint
        raise BadUserInput(
            f"{argument}: {cursor[:100]!r} is not a valid cursor.", argument=argument
        )
    return offset


@dataclass(frozen=True)
class Window:
    """Rows [start, stop) of the ordered result make the page."""

    start: int
    stop: int

    @property
    def fetch_limit(self) -> int:
        """One row more than the page, to learn whether a next page exists without counting."""
        return self.stop - self.start + 1


@dataclass(frozen=True)
class PageArgs:
    """Validated paging arguments; hashable so batched loaders can group by them."""

    first: int | None
    after: int | None
    last: int | None
    before: int | None

    @property
    def needs_total(self) -> bool:
        """``last`` counted back from the very end needs to know where the end is."""
        return self.last is not None and self.first is None and self.before is None

    def window(self, total: int | None) -> Window:
        start = 0 if self.after is None else self.after + 1
        if self.before is not None:
            stop = self.before
        elif self.first is not None:
            stop = start + self.first
        else:
            assert total is not None, "last without before needs the total"
            stop = total
        if self.first is not None:
            stop = min(stop, start + self.first)
        if self.last is not None:
            start = max(start, stop - self.last)
        return Window(start, max(start, stop))


def page_args(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_page_size: int,
) -> PageArgs:
    """Check and normalise client paging: negative is an error, large is capped, none is 20."""
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise BadUserInput(f"{name} must not be negative (got {value}).", argument=name)
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    return PageArgs(
        first=None if first is None else min(first, max_page_size),
        after=None if after is None else decode_cursor(after, "after"),
        last=None if last is None else min(last, max_page_size),
        before=None if before is None else decode_cursor(before, "before"),
    )


# The paging arguments of every list, described once.
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: at most this many items from the start (or after `after`)."
        " Without first and last, a page has 20 items; a larger number is capped at the"
        " server's maximum page size (100 unless configured otherwise); negative is an error."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Only items after this cursor: pass pageInfo.endCursor (or an edge's"
        " cursor) of the page you have to get the next one."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: at most this many items, the last ones before `before`"
        " (or at the end of the list). Capped like `first`; negative is an error."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Only items before this cursor: pass pageInfo.startCursor (or an edge's"
        " cursor) of the page you have to get the previous one."
    ),
]


@strawberry.type(description="Where a page lies in its list, and the cursors to page on from it.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when the list has items after this page."
    )
    has_previous_page: bool = strawberry.field(
        description="True when the list has items before this page."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the page's first item (use as `before`); null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item (use as `after`); null for an empty page."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque position of this item in the list, for `after` or `before`; valid"
        " only with the same query and filter."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="One page of a list: its items (as `nodes`, or as `edges` with cursors), where"
    " the page lies (`pageInfo`) and how many items the whole list has (`totalCount`)."
    " Page with first/after (forward) or last/before (backward)."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The page's items, each with its cursor, in list order."
    )
    nodes: list[T] = strawberry.field(
        description="The page's items in list order, without cursors (the same as edges' nodes)."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether there are more items before or after this page, and the cursors"
        " to get them."
    )
    _count: strawberry.Private[Callable[[], Awaitable[int]]]
    _total: strawberry.Private[int | None] = None

    @strawberry.field(
        description="How many items the whole list has (every page together), with the same filter."
    )
    async def total_count(self) -> int:
        if self._total is None:
            self._total = await self._count()
        return self._total


def connection(
    items: Sequence[T],
    window: Window,
    count: Callable[[], Awaitable[int]],
    total: int | None = None,
) -> Connection[T]:
    """Build the page from ``items`` fetched at ``window.start`` with ``window.fetch_limit``."""
    size = window.stop - window.start
    page = list(items[:size])
    edges = [Edge(cursor=encode_cursor(window.start + i), node=node) for i, node in enumerate(page)]
    return Connection(
        edges=edges,
        nodes=page,
        page_info=PageInfo(
            has_next_page=len(items) > size,
            has_previous_page=window.start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
        _total=total,
    )


async def paginate(
    args: PageArgs,
    fetch: Callable[[int, int], Awaitable[Sequence[T]]],
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """One page: ``fetch(offset, limit)`` for the rows, ``count()`` only when needed."""
    total = await count() if args.needs_total else None
    window = args.window(total)
    items = await fetch(window.start, window.fetch_limit)
    return connection(items, window, count, total)


def empty_connection() -> Connection[T]:
    """The page of a filter that can match nothing (an unknown name): no SQL at all."""

    async def zero() -> int:
        return 0

    return connection([], Window(0, 0), zero, 0)

"""Arguments bound per request with the reference path's own functions.

``page_args`` (negative sizes, the cap, cursors), ``statement_criteria`` and friends (names
through the one resolver, ids through ``ids.decode_as``), ``ids.decode`` for ``node``: what
they return is what the SQL is made from; what they raise declines the request (see bind.py),
so the reference path reports it with its own message, path and extensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.api import ids
from service.api.compiler.render import Paging
from service.api.filters import (
    document_criteria,
    event_criteria,
    figure_criteria,
    statement_criteria,
    typeahead_pattern,
)
from service.api.pagination import page_args
from service.storage.queries import StatementCriteria

if TYPE_CHECKING:
    from service.api.context import Context


def _page(args: dict[str, Any], ctx: Context) -> Any:
    return page_args(
        args.get("first"),
        args.get("after"),
        args.get("last"),
        args.get("before"),
        ctx.settings.max_page_size,
    )


def _order(value: Any, default: str) -> str:
    return value.value if value is not None else default


@dataclass(frozen=True)
class Listing:
    """A bound connection argument set: the page, the criteria, the order."""

    page: Paging
    criteria: Any = None
    order: str = ""


async def bind_statements(ctx: Context, args: dict[str, Any]) -> Listing:
    page = _page(args, ctx)
    criteria = await statement_criteria(ctx, args.get("filter"))
    return Listing(
        Paging(page, criteria is None), criteria, _order(args.get("order_by"), "DATE_DESC")
    )


async def bind_event_statements(ctx: Context, args: dict[str, Any]) -> Listing:
    return Listing(Paging(_page(args, ctx)), StatementCriteria(), "SEQUENCE")


async def bind_events(ctx: Context, args: dict[str, Any]) -> Listing:
    page = _page(args, ctx)
    criteria = await event_criteria(ctx, args.get("filter"))
    return Listing(
        Paging(page, criteria is None), criteria, _order(args.get("order_by"), "DATE_DESC")
    )


async def bind_page(ctx: Context, args: dict[str, Any]) -> Listing:
    return Listing(Paging(_page(args, ctx)))


async def bind_documents(ctx: Context, args: dict[str, Any]) -> Listing:
    return Listing(Paging(_page(args, ctx)), document_criteria(args.get("filter")))


async def bind_figures(ctx: Context, args: dict[str, Any]) -> Listing:
    page = _page(args, ctx)
    criteria = await figure_criteria(ctx, args.get("filter"))
    return Listing(
        Paging(page, criteria is None), criteria, _order(args.get("order_by"), "DATE_DESC")
    )


async def bind_persons(ctx: Context, args: dict[str, Any]) -> Listing:
    page = _page(args, ctx)
    f = args.get("filter")
    return Listing(Paging(page), typeahead_pattern(f.name if f else None))


async def bind_organisations(ctx: Context, args: dict[str, Any]) -> Listing:
    page = _page(args, ctx)
    f = args.get("filter")
    name = typeahead_pattern(f.name if f else None)
    kinds = tuple(sorted(k.value for k in f.kinds)) if f and f.kinds else None
    return Listing(Paging(page), (name, kinds))


async def bind_search(ctx: Context, args: dict[str, Any]) -> Listing:
    page = page_args(args.get("first"), args.get("after"), None, None, ctx.settings.max_page_size)
    criteria = await statement_criteria(ctx, args.get("filter"))
    text = args["query"].strip()
    return Listing(Paging(page, criteria is None or not text), (text, criteria))


async def bind_node(ctx: Context, args: dict[str, Any]) -> tuple[str, int]:
    return ids.decode(args["id"])


async def bind_person(ctx: Context, args: dict[str, Any]) -> int | None:
    match = await ctx.names.person(args["name"], "name")
    return None if match is None else match.id


async def bind_organisation(ctx: Context, args: dict[str, Any]) -> int | None:
    match = await ctx.names.organisation(args["name"], "name")
    return None if match is None else match.id


async def bind_statement_counts(ctx: Context, args: dict[str, Any]) -> Any:
    criteria = await statement_criteria(ctx, args.get("filter"))
    return None if criteria is None else (criteria, args["group_by"].value)

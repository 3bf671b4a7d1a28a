"""Query: every read of the contract. Each root field is one filtered, ordered, paged query
(plus its COUNT only when totalCount is selected); nested fields go through the loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.api import ids
from service.api.declared import paged
from service.api.filters import (
    document_criteria,
    event_criteria,
    figure_criteria,
    statement_criteria,
    typeahead_pattern,
)
from service.api.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    empty_connection,
    page_args,
    paginate,
)
from service.api.types.entities import (
    GROUP_KEY_TYPE,
    Event,
    Figure,
    GroupCount,
    Node,
    Organisation,
    Person,
    SearchResult,
    SourceDocument,
    Statement,
    Topic,
)
from service.api.types.enums import EventOrder, FigureOrder, StatementGrouping, StatementOrder
from service.api.types.inputs import (
    DocumentFilter,
    EventFilter,
    FigureFilter,
    OrganisationFilter,
    PersonFilter,
    StatementFilter,
)
from service.storage import queries

if TYPE_CHECKING:
    from service.api.context import Context

NOTHING = object()  # criteria that can match nothing (an unknown name): an empty page, no SQL


@dataclass(frozen=True)
class RootListing:
    """A root connection: its filter made criteria, its page of rows, its count, its objects.

    ``criteria(ctx, filter)`` resolves names and ids (NOTHING when nothing can match);
    ``rows(db, criteria, order, offset, limit)`` and ``count(db, criteria)`` are storage's;
    ``made(ctx, rows)`` turns rows into the connection's objects.
    """

    criteria: Callable[[Context, Any], Awaitable[Any]]
    rows: Callable[[Any, Any, str, int, int], Awaitable[Sequence[Any]]]
    count: Callable[[Any, Any], Awaitable[int]]
    made: Callable[[Context, Sequence[Any]], list[Any]]
    default_order: str = ""  # the orderBy default, for a listing that has one


async def _or_nothing(criteria: Awaitable[Any]) -> Any:
    found = await criteria
    return NOTHING if found is None else found


async def _name_filter(ctx: Context, f: Any) -> Any:
    return typeahead_pattern(f.name if f else None)


async def _organisation_filter(ctx: Context, f: Any) -> Any:
    kinds = tuple(sorted(k.value for k in f.kinds)) if f and f.kinds else None
    return typeahead_pattern(f.name if f else None), kinds


async def _no_filter(ctx: Context, f: Any) -> Any:
    return None


async def _ready(criteria: Any) -> Any:
    return criteria


def _made(row_type: Any) -> Callable[[Context, Sequence[Any]], list[Any]]:
    return lambda ctx, rows: [row_type.from_row(row) for row in rows]


EVENTS = RootListing(
    lambda ctx, f: _or_nothing(event_criteria(ctx, f)),
    queries.events,
    queries.count_events,
    lambda ctx, rows: ctx.loaders.events_from(rows),
    "DATE_DESC",
)
STATEMENTS = RootListing(
    lambda ctx, f: _or_nothing(statement_criteria(ctx, f)),
    queries.statements,
    queries.count_statements,
    lambda ctx, rows: ctx.loaders.statements_from(rows),
    "DATE_DESC",
)
FIGURES = RootListing(
    lambda ctx, f: _or_nothing(figure_criteria(ctx, f)),
    queries.figures,
    queries.count_figures,
    _made(Figure),
    "DATE_DESC",
)
PERSONS = RootListing(
    _name_filter,
    lambda db, name, order, offset, limit: queries.persons(db, name, offset, limit),
    queries.count_persons,
    _made(Person),
)
ORGANISATIONS = RootListing(
    _organisation_filter,
    lambda db, c, order, offset, limit: queries.organisations(db, *c, offset, limit),
    lambda db, c: queries.count_organisations(db, *c),
    _made(Organisation),
)
TOPICS = RootListing(
    _no_filter,
    lambda db, c, order, offset, limit: queries.topics(db, offset, limit),
    lambda db, c: queries.count_topics(db),
    _made(Topic),
)
DOCUMENTS = RootListing(
    lambda ctx, f: _ready(document_criteria(f)),
    lambda db, c, order, offset, limit: queries.documents(db, c, offset, limit),
    queries.count_documents,
    _made(SourceDocument),
)


async def listing(
    of: RootListing,
    info: strawberry.Info,
    filter: Any,
    order_by: Enum | None,
    paging: tuple[int | None, str | None, int | None, str | None],
) -> Connection[Any]:
    """Every root connection's one skeleton: paging checked first (BAD_USER_INPUT), then the
    filter; rows made objects; the count only when the page needs it or totalCount is asked."""
    ctx: Context = info.context
    args = page_args(*paging, ctx.settings.max_page_size)
    order = order_by.value if order_by else of.default_order
    criteria = await of.criteria(ctx, filter)
    if criteria is NOTHING:
        return empty_connection()

    async def fetch(offset: int, limit: int) -> list[Any]:
        return of.made(ctx, await of.rows(ctx.db, criteria, order, offset, limit))

    return await paginate(args, fetch, lambda: of.count(ctx.db, criteria))


@strawberry.type
class Query:
    @strawberry.field(
        description="Anything with a global id (an event, statement, person, organisation,"
        " topic, figure or document), by that id; null when nothing has it. The id of a merged"
        " person gives the person kept."
    )
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The global id, as a Node's `id`.")
        ],
    ) -> Node | None:
        ctx: Context = info.context
        type_name, pk = ids.decode(id)
        return await ctx.loaders.by_type(type_name).load(pk)

    @strawberry.field(
        description="Events (press conferences, briefings, meetings, ...) matching every given"
        " filter, newest first by default."
    )
    async def events(
        self,
        info: strawberry.Info,
        filter: Annotated[
            EventFilter | None,
            strawberry.argument(description="Which events; without it, all of them."),
        ] = None,
        order_by: Annotated[
            EventOrder | None,
            strawberry.argument(description="The order; newest first by default."),
        ] = EventOrder.DATE_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Event]:
        return await listing(EVENTS, info, filter, order_by, (first, after, last, before))

    @strawberry.field(
        description="Persons (speakers, journalists, people named), e.g. for type-ahead with"
        ' filter: {name: "Naz"}.'
    )
    async def persons(
        self,
        info: strawberry.Info,
        filter: Annotated[
            PersonFilter | None,
            strawberry.argument(description="Which persons; without it, all of them."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Person]:
        return await listing(PERSONS, info, filter, None, (first, after, last, before))

    @strawberry.field(
        description="One person by any name form (see conventions). Null when nothing matches."
    )
    async def person(
        self,
        info: strawberry.Info,
        name: Annotated[
            str,
            strawberry.argument(
                description="Any name form: full name, surname, alias or label, e.g. 'Nazarbayev'."
            ),
        ],
    ) -> Person | None:
        ctx: Context = info.context
        match = await ctx.names.person(name, "name")
        return None if match is None else Person.from_row({"id": match.id, "name": match.name})

    @strawberry.field(
        description="Organisations (international bodies, governments, media outlets) matching"
        " every given filter."
    )
    async def organisations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            OrganisationFilter | None,
            strawberry.argument(description="Which organisations; without it, all of them."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Organisation]:
        return await listing(ORGANISATIONS, info, filter, None, (first, after, last, before))

    @strawberry.field(description="One organisation by name, acronym or alias.")
    async def organisation(
        self,
        info: strawberry.Info,
        name: Annotated[
            str,
            strawberry.argument(
                description="Its name, acronym or an alias, e.g. 'NATO'; null when nothing matches."
            ),
        ],
    ) -> Organisation | None:
        ctx: Context = info.context
        match = await ctx.names.organisation(name, "name")
        return None if match is None else await ctx.loaders.organisation.load(match.id)

    topics: Connection[Topic] = paged(
        lambda info, root, paging: listing(TOPICS, info, None, None, paging),
        description="Every topic (places and themes) statements are about.",
    )

    @strawberry.field(description="Stored source documents, most recently ingested first.")
    async def documents(
        self,
        info: strawberry.Info,
        filter: Annotated[
            DocumentFilter | None,
            strawberry.argument(description="Which documents; without it, all of them."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SourceDocument]:
        return await listing(DOCUMENTS, info, filter, None, (first, after, last, before))

    @strawberry.field(
        description="Speaker turns matching every given filter; the mission's example is"
        ' statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}).'
    )
    async def statements(
        self,
        info: strawberry.Info,
        filter: Annotated[
            StatementFilter | None,
            strawberry.argument(description="Which statements; without it, all of them."),
        ] = None,
        order_by: Annotated[
            StatementOrder | None,
            strawberry.argument(description="The order; most recently spoken first by default."),
        ] = StatementOrder.DATE_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Statement]:
        return await listing(STATEMENTS, info, filter, order_by, (first, after, last, before))

    @strawberry.field(description="Quoted figures matching every given filter.")
    async def figures(
        self,
        info: strawberry.Info,
        filter: Annotated[
            FigureFilter | None,
            strawberry.argument(description="Which figures; without it, all of them."),
        ] = None,
        order_by: Annotated[
            FigureOrder | None,
            strawberry.argument(
                description="The order; most recently spoken first by default, or by value."
            ),
        ] = FigureOrder.DATE_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Figure]:
        return await listing(FIGURES, info, filter, order_by, (first, after, last, before))

    @strawberry.field(
        description="Full-text search over statements (web-search syntax: quoted phrases, OR,"
        " -exclusion), best match first."
    )
    async def search(
        self,
        info: strawberry.Info,
        query: Annotated[
            str,
            strawberry.argument(
                description="What to find. A search matching more than"
                f" {queries.SEARCH_RANKED:,} statements ranks the {queries.SEARCH_RANKED:,} most"
                " recently spoken of them (so a very common word answers in bounded time) and"
                " its pages end there; totalCount still counts every match."
            ),
        ],
        filter: Annotated[
            StatementFilter | None,
            strawberry.argument(description="Only statements that also match this filter."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SearchResult]:
        ctx: Context = info.context
        args = page_args(first, after, None, None, ctx.settings.max_page_size)
        criteria = await statement_criteria(ctx, filter)
        text = query.strip()
        if criteria is None or not text:
            return empty_connection()

        async def fetch(offset: int, limit: int) -> list[SearchResult]:
            rows = await queries.search(ctx.db, text, criteria, offset, limit)
            statements = ctx.loaders.statements_from(rows)
            return [
                SearchResult(statement=s, rank=row["rank"], highlight=row["highlight"])
                for s, row in zip(statements, rows, strict=True)
            ]

        return await paginate(args, fetch, lambda: queries.count_search(ctx.db, text, criteria))

    @strawberry.field(
        description="How many statements match the filter, grouped (e.g. by speaker, topic or"
        " month) for charts."
    )
    async def statement_counts(
        self,
        info: strawberry.Info,
        group_by: Annotated[
            StatementGrouping,
            strawberry.argument(description="What to group by: speaker, topic, month, ..."),
        ],
        filter: Annotated[
            StatementFilter | None,
            strawberry.argument(description="Which statements to count; without it, all."),
        ] = None,
    ) -> list[GroupCount]:
        ctx: Context = info.context
        criteria = await statement_criteria(ctx, filter)
        if criteria is None:
            return []
        rows = await queries.statement_counts(ctx.db, criteria, group_by.value)
        key_type = GROUP_KEY_TYPE.get(group_by.value)
        return [
            GroupCount(
                key=ids.encode(key_type, int(row["key"])) if key_type else row["key"],
                label=row["label"],
                count=row["count"],
            )
            for row in rows
        ]

"""Query: every read of the contract. Each root field is one filtered, ordered, paged query
(plus its COUNT only when totalCount is selected); nested fields go through the loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from service.api import ids
from service.api.filters import (
    event_criteria,
    figure_criteria,
    statement_criteria,
    typeahead_pattern,
)
from service.api.pagination import Connection, empty_connection, page_args, paginate
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
    EventFilter,
    FigureFilter,
    OrganisationFilter,
    PersonFilter,
    StatementFilter,
)
from service.storage import queries

if TYPE_CHECKING:
    from service.api.context import Context


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        ctx: Context = info.context
        type_name, pk = ids.decode(id)
        loaders = ctx.loaders
        loader = {
            "SourceDocument": loaders.document,
            "Event": loaders.event,
            "Person": loaders.person,
            "Organisation": loaders.organisation,
            "Topic": loaders.topic,
            "Statement": loaders.statement,
            "Figure": loaders.figure,
        }[type_name]
        return await loader.load(pk)

    @strawberry.field
    async def events(
        self,
        info: strawberry.Info,
        filter: EventFilter | None = None,
        order_by: EventOrder | None = EventOrder.DATE_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Event]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        criteria = await event_criteria(ctx, filter)
        if criteria is None:
            return empty_connection()
        order = (order_by or EventOrder.DATE_DESC).value

        async def fetch(offset: int, limit: int) -> list[Event]:
            rows = await queries.events(ctx.db, criteria, order, offset, limit)
            return ctx.loaders.events_from(rows)

        return await paginate(args, fetch, lambda: queries.count_events(ctx.db, criteria))

    @strawberry.field
    async def persons(
        self,
        info: strawberry.Info,
        filter: PersonFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Person]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        name = typeahead_pattern(filter.name if filter else None)

        async def fetch(offset: int, limit: int) -> list[Person]:
            rows = await queries.persons(ctx.db, name, offset, limit)
            return [Person.from_row(row) for row in rows]

        return await paginate(args, fetch, lambda: queries.count_persons(ctx.db, name))

    @strawberry.field(
        description="One person by any name form (see conventions). Null when nothing matches."
    )
    async def person(self, info: strawberry.Info, name: str) -> Person | None:
        ctx: Context = info.context
        match = await ctx.names.person(name, "name")
        return None if match is None else Person.from_row({"id": match.id, "name": match.name})

    @strawberry.field
    async def organisations(
        self,
        info: strawberry.Info,
        filter: OrganisationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Organisation]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        name = typeahead_pattern(filter.name if filter else None)
        kinds = tuple(sorted(k.value for k in filter.kinds)) if filter and filter.kinds else None

        async def fetch(offset: int, limit: int) -> list[Organisation]:
            rows = await queries.organisations(ctx.db, name, kinds, offset, limit)
            return [Organisation.from_row(row) for row in rows]

        return await paginate(args, fetch, lambda: queries.count_organisations(ctx.db, name, kinds))

    @strawberry.field(description="One organisation by name, acronym or alias.")
    async def organisation(self, info: strawberry.Info, name: str) -> Organisation | None:
        ctx: Context = info.context
        match = await ctx.names.organisation(name, "name")
        return None if match is None else await ctx.loaders.organisation.load(match.id)

    @strawberry.field
    async def topics(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Topic]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)

        async def fetch(offset: int, limit: int) -> list[Topic]:
            return [Topic.from_row(row) for row in await queries.topics(ctx.db, offset, limit)]

        return await paginate(args, fetch, lambda: queries.count_topics(ctx.db))

    @strawberry.field
    async def documents(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SourceDocument]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)

        async def fetch(offset: int, limit: int) -> list[SourceDocument]:
            rows = await queries.documents(ctx.db, offset, limit)
            return [SourceDocument.from_row(row) for row in rows]

        return await paginate(args, fetch, lambda: queries.count_documents(ctx.db))

    @strawberry.field(
        description="Speaker turns matching every given filter; the mission's example is"
        ' statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}).'
    )
    async def statements(
        self,
        info: strawberry.Info,
        filter: StatementFilter | None = None,
        order_by: StatementOrder | None = StatementOrder.DATE_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Statement]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        criteria = await statement_criteria(ctx, filter)
        if criteria is None:
            return empty_connection()
        order = (order_by or StatementOrder.DATE_DESC).value

        async def fetch(offset: int, limit: int) -> list[Statement]:
            rows = await queries.statements(ctx.db, criteria, order, offset, limit)
            return ctx.loaders.statements_from(rows)

        return await paginate(args, fetch, lambda: queries.count_statements(ctx.db, criteria))

    @strawberry.field(description="Quoted figures matching every given filter.")
    async def figures(
        self,
        info: strawberry.Info,
        filter: FigureFilter | None = None,
        order_by: FigureOrder | None = FigureOrder.DATE_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Figure]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        criteria = await figure_criteria(ctx, filter)
        if criteria is None:
            return empty_connection()
        order = (order_by or FigureOrder.DATE_DESC).value

        async def fetch(offset: int, limit: int) -> list[Figure]:
            rows = await queries.figures(ctx.db, criteria, order, offset, limit)
            return [Figure.from_row(row) for row in rows]

        return await paginate(args, fetch, lambda: queries.count_figures(ctx.db, criteria))

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
        filter: StatementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
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
        group_by: StatementGrouping,
        filter: StatementFilter | None = None,
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

"""Live subscriptions over WebSocket: follow new statements as documents are ingested.

A newsroom following "Putin on gas" subscribes once with a StatementFilter and receives each
matching statement of every document stored afterwards, by this replica or any other
(service.api.feed polls the database). The WebSocket side of /graphql is Strawberry's own ASGI
app, which speaks graphql-transport-ws (and the older graphql-ws); queries and mutations keep
going through the HTTP endpoint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from service.api.context import Context, new_context, request_id_of
from service.api.feed import DocumentFeed
from service.api.filters import statement_criteria
from service.api.types.entities import Statement
from service.api.types.inputs import StatementFilter
from service.config import Settings
from service.storage import feed, queries

BATCH = 500  # statements of one new document read per query
MAX_SUBSCRIPTIONS = 20  # per WebSocket connection


@dataclasses.dataclass
class SubscriptionContext(Context):
    """A request context that also reaches the process's document feed."""

    feed: DocumentFeed | None = None


@strawberry.type(description="Live feeds: what is new as documents are ingested.")
class Subscription:
    @strawberry.subscription(
        description="Every statement matching `filter` in documents ingested from now on, as"
        " they are stored (by this server or any other on the same database), in document"
        " order. Over WebSocket (graphql-transport-ws) at /graphql."
    )
    async def statement_added(
        self,
        info: strawberry.Info,
        filter: Annotated[
            StatementFilter | None,
            strawberry.argument(
                description='Which new statements to send, e.g. {speaker: "Putin", text:'
                ' "gas"}; without it, every new statement.'
            ),
        ] = None,
    ) -> AsyncGenerator[Statement, None]:
        ctx: SubscriptionContext = info.context
        assert ctx.feed is not None
        criteria = await statement_criteria(ctx, filter)  # a bad name fails here, clearly
        async with ctx.feed.subscribe() as documents:
            while True:
                document_id = await documents.get()
                if document_id is None:
                    raise RuntimeError("The subscriber fell too far behind; subscribe again.")
                if criteria is None:
                    continue  # a filter nothing can match
                ctx.forget()  # each document is read fresh
                for event_id in await feed.events_of_document(ctx.db, document_id):
                    if criteria.event_id not in (None, event_id):
                        continue
                    wanted = dataclasses.replace(criteria, event_id=event_id)
                    offset = 0
                    while True:
                        rows = await queries.statements(ctx.db, wanted, "DATE_ASC", offset, BATCH)
                        for statement in ctx.loaders.statements_from(rows):
                            yield statement
                        if len(rows) < BATCH:
                            break
                        offset += BATCH


class SubscriptionApp(GraphQL):
    """Strawberry's ASGI app, serving only the WebSocket side with this service's context."""

    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
            allowed_origins=tuple(settings.cors_origins),
        )
        self.settings = settings

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> SubscriptionContext:
        state = request.app.state
        base = new_context(
            state.pool,
            self.settings,
            request_id=request_id_of(request),  # type: ignore[arg-type]
            name_cache=getattr(state, "name_cache", None),
        )
        if getattr(state, "document_feed", None) is None:  # one per process, made on first use
            state.document_feed = DocumentFeed(new_context(state.pool, self.settings).db)
        fields: dict[str, Any] = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return SubscriptionContext(**fields, feed=state.document_feed)


def subscription_routes(settings: Settings, schema: strawberry.Schema) -> list[BaseRoute]:
    return [WebSocketRoute("/graphql", SubscriptionApp(schema, settings))]

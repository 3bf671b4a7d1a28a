"""The contract's enums, each served from the one definition it has elsewhere.

Kinds are ingestion's own (``service.ingestion.model``): what a parser writes is what the API
serves, and values equal names so they map 1:1 onto the database's text columns. Orders and
groupings are the keys of the SQL tables that implement them (``service.storage.queries``),
so an order cannot be offered without its ORDER BY.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import strawberry

from service.ingestion import model
from service.storage.queries import (
    EVENT_ORDER,
    FIGURE_ORDER,
    STATEMENT_GROUPINGS,
    STATEMENT_ORDER,
    STATEMENT_ORDER_INTERNAL,
    STATEMENT_PERIODS,
)

EventKind = strawberry.enum(model.EventKind)
ParticipantRole = strawberry.enum(model.ParticipantRole)
OrganisationKind = strawberry.enum(model.OrganisationKind)
TopicKind = strawberry.enum(model.TopicKind)
StatementKind = strawberry.enum(model.StatementKind)
FigureKind = strawberry.enum(model.FigureKind)
FigureQualifier = strawberry.enum(model.FigureQualifier)


def _keys_of(name: str, keys: Iterable[str]) -> type[Enum]:
    """A GraphQL enum whose values are ``keys`` (name = value), in their order."""
    return strawberry.enum(Enum(name, {key: key for key in keys}, module=__name__))  # type: ignore[return-value]


StatementOrder = _keys_of(
    "StatementOrder", (k for k in STATEMENT_ORDER if k not in STATEMENT_ORDER_INTERNAL)
)
EventOrder = _keys_of("EventOrder", EVENT_ORDER)
FigureOrder = _keys_of("FigureOrder", FIGURE_ORDER)
StatementGrouping = _keys_of("StatementGrouping", [*STATEMENT_GROUPINGS, *STATEMENT_PERIODS])

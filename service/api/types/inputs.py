"""Filter and mutation inputs, as in the contract (descriptions included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from service.api.types.enums import EventKind, FigureKind, OrganisationKind, StatementKind


def ingested_after() -> Any:
    """The ``ingestedAfter`` field every filter of stored things has."""
    return strawberry.field(
        default=None,
        description="Only what was ingested after this instant (ISO 8601; a time without zone"
        " is UTC): with ingestedBefore, what is new since a newsroom last looked.",
    )


def ingested_before() -> Any:
    return strawberry.field(default=None, description="Only what was ingested before this instant.")


@strawberry.input
class StatementFilter:
    speaker: str | None = strawberry.field(
        default=None, description="Any name form of the speaker."
    )
    speaker_id: strawberry.ID | None = None
    topic: str | None = strawberry.field(
        default=None, description="Topic name or slug, case-insensitive."
    )
    organisation: str | None = strawberry.field(
        default=None, description="Statements that mention this organisation (any of its names)."
    )
    event_id: strawberry.ID | None = None
    kinds: list[StatementKind] | None = None
    text: str | None = strawberry.field(
        default=None, description="Full-text condition, web-search syntax."
    )
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input
class EventFilter:
    organisation: str | None = None
    participant: str | None = strawberry.field(
        default=None, description="Events in which this person speaks (any name form)."
    )
    kinds: list[EventKind] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = strawberry.field(default=None, description="Words in the title or location.")
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input
class PersonFilter:
    name: str | None = strawberry.field(
        default=None, description="Matches any name form, prefix-friendly, for type-ahead."
    )


@strawberry.input
class OrganisationFilter:
    name: str | None = None
    kinds: list[OrganisationKind] | None = None


@strawberry.input
class FigureFilter:
    speaker: str | None = None
    topic: str | None = None
    event_id: strawberry.ID | None = None
    kinds: list[FigureKind] | None = None
    unit: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input(description="Which stored documents: by when they were ingested.")
class DocumentFilter:
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input
class IngestDocumentInput:
    text: str
    filename: str | None = None
    source_url: str | None = None
    publisher: str | None = None

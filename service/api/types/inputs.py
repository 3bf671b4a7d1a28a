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


def date_from() -> Any:
    """The ``dateFrom`` field of the filters of dated things."""
    return strawberry.field(
        default=None, description="Only from this day on (YYYY-MM-DD, inclusive); excludes undated."
    )


def date_to() -> Any:
    return strawberry.field(
        default=None, description="Only up to this day (YYYY-MM-DD, inclusive); excludes undated."
    )


@strawberry.input(
    description="Which statements: every condition given must hold (an absent or null field"
    " restricts nothing). A name that matches no one or nothing gives an empty list, not an"
    " error."
)
class StatementFilter:
    speaker: str | None = strawberry.field(
        default=None, description="Any name form of the speaker."
    )
    speaker_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The speaker's Person id (an id of a person merged into another finds the"
        " person kept).",
    )
    topic: str | None = strawberry.field(
        default=None, description="Topic name or slug, case-insensitive."
    )
    organisation: str | None = strawberry.field(
        default=None, description="Statements that mention this organisation (any of its names)."
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the turns of this event (an Event id)."
    )
    kinds: list[StatementKind] | None = strawberry.field(
        default=None, description="Only turns of these kinds (any of them); empty means all."
    )
    text: str | None = strawberry.field(
        default=None, description="Full-text condition, web-search syntax."
    )
    date_from: dt.date | None = date_from()
    date_to: dt.date | None = date_to()
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input(
    description="Which events: every condition given must hold. A name that matches nothing"
    " gives an empty list, not an error."
)
class EventFilter:
    organisation: str | None = strawberry.field(
        default=None,
        description="Events this organisation hosts or convenes (name, acronym or alias).",
    )
    participant: str | None = strawberry.field(
        default=None, description="Events in which this person speaks (any name form)."
    )
    kinds: list[EventKind] | None = strawberry.field(
        default=None, description="Only events of these kinds (any of them); empty means all."
    )
    date_from: dt.date | None = date_from()
    date_to: dt.date | None = date_to()
    text: str | None = strawberry.field(default=None, description="Words in the title or location.")
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input(description="Which persons.")
class PersonFilter:
    name: str | None = strawberry.field(
        default=None, description="Matches any name form, prefix-friendly, for type-ahead."
    )


@strawberry.input(description="Which organisations: every condition given must hold.")
class OrganisationFilter:
    name: str | None = strawberry.field(
        default=None, description="Matches the name, acronym or any alias, prefix-friendly."
    )
    kinds: list[OrganisationKind] | None = strawberry.field(
        default=None, description="Only organisations of these kinds; empty means all."
    )


@strawberry.input(
    description="Which quoted figures: every condition given must hold. A name that matches"
    " nothing gives an empty list, not an error."
)
class FigureFilter:
    speaker: str | None = strawberry.field(
        default=None, description="Figures quoted by this person (any name form)."
    )
    topic: str | None = strawberry.field(
        default=None,
        description="Figures about this topic (name or slug, case-insensitive): named in the"
        " figure's own sentence, or in the sentence right before it when its own names no"
        " topic; not anywhere else in its statement.",
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only figures quoted at this event (an Event id)."
    )
    kinds: list[FigureKind] | None = strawberry.field(
        default=None, description="Only figures of these kinds; empty means all."
    )
    unit: str | None = strawberry.field(
        default=None,
        description="Only figures in this unit, as Figure.unit gives it, in upper or lower"
        " case (e.g. 'USD', 'percent', 'kg').",
    )
    min_value: float | None = strawberry.field(
        default=None,
        description="Only figures whose value is at least this (in the figure's own unit:"
        " combine with `unit`).",
    )
    max_value: float | None = strawberry.field(
        default=None,
        description="Only figures at most this (a range's high end must be too), in the"
        " figure's own unit.",
    )
    date_from: dt.date | None = date_from()
    date_to: dt.date | None = date_to()
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input(description="Which stored documents: by when they were ingested.")
class DocumentFilter:
    ingested_after: dt.datetime | None = ingested_after()
    ingested_before: dt.datetime | None = ingested_before()


@strawberry.input(description="A transcript page to store, with what is known about it.")
class IngestDocumentInput:
    text: str = strawberry.field(
        description="The page: its text (optionally with front matter), or its HTML as published."
    )
    filename: str | None = strawberry.field(
        default=None,
        description="The file name to record; a date in it (e.g. 'fomc-2021-12-15.txt')"
        " is used when the page prints none.",
    )
    source_url: str | None = strawberry.field(
        default=None,
        description="Where the page is published, for citing (served as SourceDocument.sourceUrl).",
    )
    publisher: str | None = strawberry.field(
        default=None, description="Who published the page, e.g. 'NATO'."
    )

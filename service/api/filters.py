"""Filter inputs -> storage criteria: names and global ids resolved to primary keys.

``None`` means "this filter can match nothing" (an unknown name, an id of nothing), so callers
answer with an empty page without querying. Name look-ups of one filter run concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from service.api import ids
from service.ingestion.names import fold_name, plain
from service.storage.queries import (
    DocumentCriteria,
    EventCriteria,
    FigureCriteria,
    StatementCriteria,
)

if TYPE_CHECKING:
    from service.api.context import Context
    from service.api.types.inputs import (
        DocumentFilter,
        EventFilter,
        FigureFilter,
        StatementFilter,
    )

_UNKNOWN = object()  # a name or id given that matches nothing


async def _person(ctx: Context, name: str | None, argument: str) -> Any:
    if name is None:
        return None
    match = await ctx.names.person(name, argument)
    return _UNKNOWN if match is None else match.id


async def _person_id(ctx: Context, global_id: str | None, argument: str) -> Any:
    """A Person id, following merges to the kept person."""
    if global_id is None:
        return None
    person = await ctx.loaders.person.load(ids.decode_as(global_id, "Person", argument))
    return _UNKNOWN if person is None else person.pk


async def _topic(ctx: Context, name: str | None, argument: str) -> Any:
    if name is None:
        return None
    match = await ctx.names.topic(name, argument)
    return _UNKNOWN if match is None else match.id


async def _organisation(ctx: Context, name: str | None, argument: str) -> Any:
    if name is None:
        return None
    match = await ctx.names.organisation(name, argument)
    return _UNKNOWN if match is None else match.id


def _kinds(kinds: list[Any] | None) -> tuple[str, ...] | None:
    """An empty list restricts nothing, like an absent one."""
    return tuple(sorted(k.value for k in kinds)) if kinds else None


def _text(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


async def _gather(*lookups: Awaitable[Any]) -> list[Any]:
    """The look-ups' results, run concurrently; on failure, the first error in argument order,
    raised only once all have settled. A look-up must not outlive its caller: the compiled
    path hands its pinned connection back when an error ends it, and a sibling still running
    a statement on it would break the next user ("another operation is in progress"). A
    cached look-up fails at once, while a sibling's SQL is still under way."""
    results = await asyncio.gather(*lookups, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


async def statement_criteria(ctx: Context, f: StatementFilter | None) -> StatementCriteria | None:
    if f is None:
        return StatementCriteria()
    event_id = None if f.event_id is None else ids.decode_as(f.event_id, "Event", "eventId")
    speaker, speaker_id, topic, organisation = await _gather(
        _person(ctx, f.speaker, "speaker"),
        _person_id(ctx, f.speaker_id, "speakerId"),
        _topic(ctx, f.topic, "topic"),
        _organisation(ctx, f.organisation, "organisation"),
    )
    if _UNKNOWN in (speaker, speaker_id, topic, organisation):
        return None
    if speaker is not None and speaker_id is not None and speaker != speaker_id:
        return None  # two different speakers: no statement has both
    return StatementCriteria(
        speaker_id=speaker if speaker is not None else speaker_id,
        topic_id=topic,
        organisation_id=organisation,
        event_id=event_id,
        kinds=_kinds(f.kinds),
        text=_text(f.text),
        date_from=f.date_from,
        date_to=f.date_to,
        ingested_after=_instant(f.ingested_after),
        ingested_before=_instant(f.ingested_before),
    )


def _instant(value: dt.datetime | None) -> dt.datetime | None:
    """A time the client gave without a zone is UTC (the service stores UTC instants)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def document_criteria(f: DocumentFilter | None) -> DocumentCriteria:
    if f is None:
        return DocumentCriteria()
    return DocumentCriteria(_instant(f.ingested_after), _instant(f.ingested_before))


async def event_criteria(ctx: Context, f: EventFilter | None) -> EventCriteria | None:
    if f is None:
        return EventCriteria()
    organisation, participant = await _gather(
        _organisation(ctx, f.organisation, "organisation"),
        _person(ctx, f.participant, "participant"),
    )
    if _UNKNOWN in (organisation, participant):
        return None
    return EventCriteria(
        organisation_id=organisation,
        participant_id=participant,
        kinds=_kinds(f.kinds),
        date_from=f.date_from,
        date_to=f.date_to,
        text=_text(f.text),
        ingested_after=_instant(f.ingested_after),
        ingested_before=_instant(f.ingested_before),
    )


def _units(unit: str | None) -> tuple[str, ...] | None:
    """Units are stored normalised ('USD', 'kg', 'percent'); accept any letter case."""
    if unit is None or not unit.strip():
        return None
    unit = unit.strip()
    return tuple(sorted({unit, unit.lower(), unit.upper()}))


async def figure_criteria(ctx: Context, f: FigureFilter | None) -> FigureCriteria | None:
    if f is None:
        return FigureCriteria()
    event_id = None if f.event_id is None else ids.decode_as(f.event_id, "Event", "eventId")
    speaker, topic = await _gather(
        _person(ctx, f.speaker, "speaker"), _topic(ctx, f.topic, "topic")
    )
    if _UNKNOWN in (speaker, topic):
        return None
    return FigureCriteria(
        speaker_id=speaker,
        topic_id=topic,
        event_id=event_id,
        kinds=_kinds(f.kinds),
        units=_units(f.unit),
        min_value=f.min_value,
        max_value=f.max_value,
        date_from=f.date_from,
        date_to=f.date_to,
        ingested_after=_instant(f.ingested_after),
        ingested_before=_instant(f.ingested_before),
    )


def typeahead_pattern(name: str | None) -> tuple[str, str] | None:
    """PersonFilter.name, OrganisationFilter.name -> the (folded, plain) forms of the typed
    text that ``queries.person_conditions`` and ``organisation_conditions`` match as word
    prefixes; None when it has nothing to match on (no filter: every row)."""
    if name is None or not plain(name):
        return None
    return fold_name(name), plain(name)

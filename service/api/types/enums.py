"""The contract's enums, each served from the one definition it has elsewhere.

Kinds are ingestion's own (``service.ingestion.model``): what a parser writes is what the API
serves, and values equal names so they map 1:1 onto the database's text columns. Orders and
groupings are the keys of the SQL tables that implement them (``service.storage.queries``),
so an order cannot be offered without its ORDER BY.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TypeVar

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

E = TypeVar("E", bound=Enum)


def _described(kind: type[E], description: str, values: dict[str, str]) -> type[E]:
    """``kind`` as a GraphQL enum with a description on the type and on every value.

    Strawberry reads value descriptions only from enums written with ``strawberry.enum_value``;
    these enums are defined elsewhere, so the descriptions are set on the values of the
    definition Strawberry made. A value without a description (or a description without a
    value) fails at import.
    """
    served = strawberry.enum(kind, description=description)
    definition = served.__strawberry_definition__  # type: ignore[attr-defined]
    names = {value.name for value in definition.values}
    if names != values.keys():
        raise ValueError(
            f"{kind.__name__}: values and descriptions differ: {names ^ values.keys()}"
        )
    for value in definition.values:
        value.description = values[value.name]
    return served


EventKind = _described(
    model.EventKind,
    "What kind of occasion an event is, as its page presents it.",
    {
        "PRESS_CONFERENCE": "A press conference: statements followed by journalists' questions.",
        "PRESS_BRIEFING": "A press briefing, typically by a spokesperson or officials.",
        "MEETING": "A meeting or talks between leaders or delegations (opening remarks included).",
        "SPEECH": "A speech or address by one speaker.",
        "INTERVIEW": "An interview: a journalist's questions and one person's answers.",
        "OTHER": "Any other occasion, or one the page does not make clear.",
    },
)
ParticipantRole = _described(
    model.ParticipantRole,
    "The part a person plays in an event.",
    {
        "SPEAKER": "Speaks in their own right: a leader, minister, official or guest.",
        "MODERATOR": "Chairs the event: gives the floor, announces questions.",
        "JOURNALIST": "Asks questions for a media outlet.",
        "INTERPRETER": "Interprets for another speaker.",
    },
)
OrganisationKind = _described(
    model.OrganisationKind,
    "What kind of body an organisation is.",
    {
        "INTERNATIONAL": "An international organisation or alliance, e.g. NATO, the UN, the SCO.",
        "GOVERNMENT": "A national government, ministry or state office.",
        "MEDIA": "A news agency, newspaper, broadcaster or other media outlet.",
        "OTHER": "Any other organisation.",
    },
)
TopicKind = _described(
    model.TopicKind,
    "Whether a topic is a place or a theme.",
    {
        "PLACE": "A country, region or city, e.g. Afghanistan.",
        "THEME": "A subject, e.g. drug trafficking or energy.",
    },
)
StatementKind = _described(
    model.StatementKind,
    "The role of a speaker turn in the exchange.",
    {
        "REMARKS": "Statements made on the speaker's own initiative, e.g. opening remarks.",
        "QUESTION": "A question, usually from a journalist.",
        "ANSWER": "An answer to a question (see Statement.inReplyTo).",
        "MODERATION": "The moderator's words: giving the floor, announcing the next question.",
    },
)
FigureKind = _described(
    model.FigureKind,
    "What a quoted figure measures; it decides the kind of unit Figure.unit holds.",
    {
        "MONEY": "An amount of money; the unit is an ISO 4217 currency code, e.g. USD.",
        "PERCENTAGE": "A percentage or percentage points.",
        "MASS": "A weight; the unit is kg, g, t, oz or lb.",
        "COUNT": "A number of things (people, crimes, projects); unit 'count'.",
        "MULTIPLIER": "A multiple, e.g. 'three times'; unit 'times'.",
        "DURATION": "A length of time, e.g. years or days.",
        "OTHER": "Any other measure: lengths, areas, volumes (km, m2, bbl), with its unit symbol.",
    },
)
FigureQualifier = _described(
    model.FigureQualifier,
    "How the speaker qualified a figure: exactly, about, more or less than the value.",
    {
        "EXACT": "Given as is, with no qualifying word.",
        "APPROXIMATE": "About the value: 'about', 'around', 'roughly', 'or so'.",
        "MORE_THAN": "Above the value: 'more than', 'over', 'above'.",
        "LESS_THAN": "Below the value: 'less than', 'under'.",
        "AT_LEAST": "The value or more: 'at least', 'or more', '50-plus'.",
        "AT_MOST": "The value or less: 'up to', 'no more than', 'or less'.",
        "ALMOST": "Just below the value: 'almost', 'nearly', 'close to'.",
    },
)


def _keys_of(
    name: str, keys: Iterable[str], description: str, values: dict[str, str]
) -> type[Enum]:
    """A GraphQL enum whose values are ``keys`` (name = value), in their order, described."""
    return _described(Enum(name, {key: key for key in keys}, module=__name__), description, values)


StatementOrder = _keys_of(
    "StatementOrder",
    (k for k in STATEMENT_ORDER if k not in STATEMENT_ORDER_INTERNAL),
    "The order of a list of statements.",
    {
        "DATE_DESC": "Most recently spoken first; within an event, in the order spoken;"
        " statements of undated events last.",
        "DATE_ASC": "Earliest spoken first; within an event, in the order spoken; statements of"
        " undated events last.",
    },
)
EventOrder = _keys_of(
    "EventOrder",
    EVENT_ORDER,
    "The order of a list of events.",
    {
        "DATE_DESC": "Newest first (by date, then time); undated events last.",
        "DATE_ASC": "Oldest first (by date, then time); undated events first.",
    },
)
FigureOrder = _keys_of(
    "FigureOrder",
    FIGURE_ORDER,
    "The order of a list of figures.",
    {
        "DATE_DESC": "Most recently spoken first; within a statement, in text order.",
        "DATE_ASC": "Earliest spoken first; within a statement, in text order.",
        "VALUE_DESC": "Largest first, comparing base values (Figure.baseValue): figures of"
        " one dimension in different units order correctly ('2 t' before '500 kg', '3 km'"
        " before '900 m'). Currencies are not converted: filter by unit to compare money.",
        "VALUE_ASC": "Smallest first, comparing base values (Figure.baseValue): figures of"
        " one dimension in different units order correctly ('500 kg' before '2 t').",
    },
)
StatementGrouping = _keys_of(
    "StatementGrouping",
    [*STATEMENT_GROUPINGS, *STATEMENT_PERIODS],
    "How statementCounts groups statements. Groups come largest first, periods in date order.",
    {
        "SPEAKER": "By speaker; the key is the person's id, the label their name. Statements"
        " without a known speaker are not counted.",
        "TOPIC": "By topic; the key is the topic's slug. A statement about several topics counts"
        " once for each.",
        "ORGANISATION": "By organisation mentioned; the key is the organisation's id. A statement"
        " mentioning several counts once for each.",
        "EVENT": "By event; the key is the event's id, the label its title.",
        "MONTH": "By calendar month the statement was spoken; key 'YYYY-MM', label e.g."
        " 'June 2024'. Undated statements are not counted.",
        "YEAR": "By calendar year the statement was spoken; key 'YYYY'. Undated statements are"
        " not counted.",
    },
)

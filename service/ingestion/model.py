"""The parsed document: what ingestion hands to storage.

Everything here is plain data. Offsets are character offsets into the original text
exactly as ingested (``ParsedDocument.text``); ``text[span.start:span.end]`` gives back what
was found. Ingestion never needs a database; storage never needs to parse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class EventKind(StrEnum):
    PRESS_CONFERENCE = "PRESS_CONFERENCE"
    PRESS_BRIEFING = "PRESS_BRIEFING"
    MEETING = "MEETING"
    SPEECH = "SPEECH"
    INTERVIEW = "INTERVIEW"
    OTHER = "OTHER"


class StatementKind(StrEnum):
    REMARKS = "REMARKS"
    QUESTION = "QUESTION"
    ANSWER = "ANSWER"
    MODERATION = "MODERATION"


class ParticipantRole(StrEnum):
    SPEAKER = "SPEAKER"
    MODERATOR = "MODERATOR"
    JOURNALIST = "JOURNALIST"
    INTERPRETER = "INTERPRETER"


class OrganisationKind(StrEnum):
    INTERNATIONAL = "INTERNATIONAL"
    GOVERNMENT = "GOVERNMENT"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


class TopicKind(StrEnum):
    PLACE = "PLACE"
    THEME = "THEME"


class FigureKind(StrEnum):
    MONEY = "MONEY"
    PERCENTAGE = "PERCENTAGE"
    MASS = "MASS"
    COUNT = "COUNT"
    MULTIPLIER = "MULTIPLIER"
    DURATION = "DURATION"
    OTHER = "OTHER"


class FigureQualifier(StrEnum):
    EXACT = "EXACT"
    APPROXIMATE = "APPROXIMATE"
    MORE_THAN = "MORE_THAN"
    LESS_THAN = "LESS_THAN"
    AT_LEAST = "AT_LEAST"
    AT_MOST = "AT_MOST"
    ALMOST = "ALMOST"


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range [start, end) into the original text."""

    start: int
    end: int


@dataclass
class OrganisationRef:
    """An organisation as the vocabulary (or the page, for an unknown outlet) names it."""

    slug: str
    name: str
    kind: OrganisationKind
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class TopicRef:
    slug: str
    name: str
    kind: TopicKind


@dataclass
class PersonRef:
    """One person as this document knows them; storage matches it to a stored person.

    ``key`` is local to the document. ``name`` is the fullest form found ("Nursultan
    Nazarbayev"); ``aliases`` are every other form seen on the page (raw labels, address
    forms such as "Nursultan Abishevich", spellings).
    """

    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    affiliation: str | None = None  # organisation slug, e.g. a journalist's outlet


@dataclass
class Participant:
    """A person's (or an unnamed role's) part in one event, under the label as printed."""

    label: str
    role: ParticipantRole
    person_key: str | None = None
    title: str | None = None
    affiliation: str | None = None  # organisation slug


@dataclass
class Mention:
    """An organisation, topic or person found in a turn, with the exact matched span."""

    ref: str  # organisation slug, topic slug or person key
    span: Span
    text: str  # original[span.start:span.end]


@dataclass
class Figure:
    text: str  # original[span.start:span.end], e.g. "over 5,000 kilograms"
    value: float
    unit: str  # ISO 4217 code, 'percent', 'percentage_points', unit symbol, 'times', 'count'
    kind: FigureKind
    qualifier: FigureQualifier
    span: Span
    context: str  # the sentence the figure stands in
    high: float | None = None
    counted: str | None = None
    # The value (and high end) in the unit's base: "2 t" is 2000 kg (base_units.py); ordering
    # by value compares these. None on a figure built without them (base_units.base_figure).
    base_value: float | None = None
    base_high: float | None = None
    base_unit: str | None = None
    # Slugs of the topics of the figure's own sentence (figure_topics.py has the rule).
    topics: list[str] = field(default_factory=list)


@dataclass
class Turn:
    """One speaker turn. ``paragraphs`` are the spans of the spoken text (furniture removed)."""

    sequence: int  # 1-based within the event
    label: str  # raw label as printed, without the colon
    kind: StatementKind
    text: str  # paragraphs joined by "\n", whitespace normalised
    paragraphs: list[Span]
    person_key: str | None = None
    label_span: Span | None = None
    in_reply_to: int | None = None  # sequence of the question this answers
    organisations: list[Mention] = field(default_factory=list)
    topics: list[Mention] = field(default_factory=list)
    persons: list[Mention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def span(self) -> Span:
        return Span(self.paragraphs[0].start, self.paragraphs[-1].end)


@dataclass
class Event:
    title: str
    kind: EventKind
    turns: list[Turn]
    participants: list[Participant]
    date: dt.date | None = None
    time: str | None = None  # local time as printed, "HH:MM"
    location: str | None = None
    organisations: list[str] = field(default_factory=list)  # host organisation slugs
    span: Span | None = None


@dataclass
class ParsedDocument:
    text: str  # the text parsed, exactly as given (for an HTML page: its extracted text)
    sha256: str
    format: str  # layout family: nato, kremlin, whitehouse, generic
    events: list[Event]
    persons: list[PersonRef]
    organisations: list[OrganisationRef]  # every organisation referenced anywhere above
    topics: list[TopicRef]  # every topic referenced anywhere above
    title: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    filename: str | None = None
    original: str | None = None  # the page ``text`` was extracted from (HTML), kept as given
    original_format: str | None = None  # "html" when ``original`` is set
    # What a reader should know about how the page was read ("NO_SPEAKER_LABELS: ...")
    warnings: list[str] = field(default_factory=list)


class RejectedDocument(Exception):
    """A page refused whole; ``code`` is machine-readable: EMPTY_DOCUMENT, TOO_LARGE, ..."""

    def __init__(self, code: str, message: str, field: str | None = "text") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None]]:
        # keeps the code and field when a parse in a worker process is refused
        return (type(self), (self.code, self.message, self.field))

"""The contract's entities. Objects are built from rows by the loaders; every field that needs
more data asks a per-request DataLoader, so a list of N items costs one query per field, not N.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

import strawberry

from service.api import ids
from service.api.declared import (
    ParentEvents,
    ParentStatements,
    connection,
    count,
    link,
    paged,
    related,
    span,
)
from service.api.filters import statement_criteria
from service.api.pagination import Connection, empty_connection, page_args, paginate
from service.api.types.enums import (
    EventKind,
    FigureKind,
    FigureQualifier,
    OrganisationKind,
    ParticipantRole,
    StatementKind,
    StatementOrder,
    TopicKind,
)
from service.api.types.inputs import StatementFilter
from service.storage import relations

if TYPE_CHECKING:
    from service.api.context import Context


# The parent connections, each declared once for both paths (compiler/fields.py reads them).
EVENT_STATEMENTS = ParentStatements("event", order="SEQUENCE")
SPEAKER_STATEMENTS = ParentStatements("speaker")
ORGANISATION_STATEMENTS = ParentStatements("organisation")
TOPIC_STATEMENTS = ParentStatements("topic")
PERSON_EVENTS = ParentEvents("person")
ORGANISATION_EVENTS = ParentEvents("organisation")


def context(info: strawberry.Info) -> Context:
    return info.context


async def _statements_of(
    info: strawberry.Info,
    of: ParentStatements,
    pk: int,
    filter: StatementFilter | None,
    order_by: StatementOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Statement]:
    """A parent's statements page; all parents of one selection share one batched query."""
    ctx = context(info)
    args = page_args(first, after, last, before, ctx.settings.max_page_size)
    criteria = await statement_criteria(ctx, filter)
    if criteria is None:
        return empty_connection()
    order = of.order or (order_by or StatementOrder.DATE_DESC).value
    pages = ctx.loaders.statement_pages(of.parent, criteria, order)
    counts = ctx.loaders.statement_counts(of.parent, criteria)
    return await paginate(
        args, lambda offset, limit: pages.load((pk, offset, limit)), lambda: counts.load(pk)
    )


async def _events_of(
    info: strawberry.Info,
    of: ParentEvents,
    pk: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Event]:
    ctx = context(info)
    args = page_args(first, after, last, before, ctx.settings.max_page_size)
    pages = ctx.loaders.event_pages(of.parent)
    counts = ctx.loaders.event_counts(of.parent)
    return await paginate(
        args, lambda offset, limit: pages.load((pk, offset, limit)), lambda: counts.load(pk)
    )


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type(
    description="Where a piece of text lies in its source document: character offsets into"
    " SourceDocument.text, end exclusive."
)
class SourceSpan:
    start: int
    end: int


@strawberry.type(
    description="A transcript page as it was ingested; the source of every event on it."
)
class SourceDocument(Node):
    pk: strawberry.Private[int]
    sha256: str
    filename: str | None
    source_url: str | None
    publisher: str | None
    format: str = strawberry.field(
        description="Detected layout family, e.g. nato, kremlin, whitehouse, generic."
    )
    title: str | None = strawberry.field(description="The page's own title, when it has one.")
    warnings: list[str] = strawberry.field(
        description="What a reader should know about how the page was read, each starting with"
        " a code: NO_SPEAKER_LABELS when the page has no speaker labels and names no speaker,"
        " so its statements have no speaker."
    )
    ingested_at: dt.datetime

    @classmethod
    def from_row(cls, row: Any) -> SourceDocument:
        return cls(
            id=strawberry.ID(ids.encode("SourceDocument", row["id"])),
            pk=row["id"],
            sha256=row["sha256"],
            filename=row["filename"],
            source_url=row["source_url"],
            publisher=row["publisher"],
            format=row["format"],
            title=row["title"],
            warnings=list(row["warnings"]),
            ingested_at=row["ingested_at"],
        )

    text: str = related(
        relations.DOCUMENT_TEXT,
        "The full text exactly as ingested; SourceSpan offsets index into it.",
    )
    events: list[Event] = related(relations.DOCUMENT_EVENTS)


@strawberry.type(
    description="A press conference, briefing, meeting or other occasion with a transcript."
)
class Event(Node):
    pk: strawberry.Private[int]
    document_pk: strawberry.Private[int]
    title: str
    kind: EventKind
    date: dt.date | None
    time: str | None = strawberry.field(description="Local time as printed on the page, HH:MM.")
    location: str | None

    @classmethod
    def from_row(cls, row: Any) -> Event:
        return cls(
            id=strawberry.ID(ids.encode("Event", row["id"])),
            pk=row["id"],
            document_pk=row["document_id"],
            title=row["title"],
            kind=EventKind(row["kind"]),
            date=row["date"],
            time=row["time"],
            location=row["location"],
        )

    organisations: list[Organisation] = related(
        relations.EVENT_ORGANISATIONS, "Organisations hosting or convening the event."
    )
    participants: list[Participant] = related(relations.EVENT_PARTICIPANTS)

    statements: Connection[Statement] = paged(
        lambda info, event, paging: _statements_of(
            info, EVENT_STATEMENTS, event.pk, None, None, *paging
        ),
        EVENT_STATEMENTS,
    )

    document: SourceDocument = link("document_id")


@strawberry.type(description="A person's part in one event.")
class Participant:
    person_pk: strawberry.Private[int | None]
    affiliation_pk: strawberry.Private[int | None]
    role: ParticipantRole
    label: str = strawberry.field(
        description="The label as printed for this participant at this event, without the colon."
    )
    title: str | None = strawberry.field(
        description="Title or office given at this event, e.g. 'Secretary General of NATO'."
    )

    @classmethod
    def from_row(cls, row: Any) -> Participant:
        return cls(
            person_pk=row["person_id"],
            affiliation_pk=row["affiliation_id"],
            role=ParticipantRole(row["role"]),
            label=row["label"],
            title=row["title"],
        )

    person: Person | None = link("person_id")
    affiliation: Organisation | None = link(
        "affiliation_id",
        "Outlet or organisation the participant speaks for at this event,"
        " e.g. a journalist's agency.",
    )


@strawberry.type
class Person(Node):
    pk: strawberry.Private[int]
    name: str = strawberry.field(description="Canonical display name, e.g. 'Nursultan Nazarbayev'.")

    @classmethod
    def from_row(cls, row: Any) -> Person:
        return cls(
            id=strawberry.ID(ids.encode("Person", row["id"])), pk=row["id"], name=row["name"]
        )

    aliases: list[str] = related(
        relations.PERSON_ALIASES,
        "Every other form seen or recorded: labels, spellings, address forms"
        " ('Nursultan Abishevich').",
    )
    titles: list[str] = related(
        relations.PERSON_TITLES, "Titles and offices seen, most recent first."
    )
    statement_count: int = count(relations.PERSON_STATEMENT_COUNT)
    wikidata_id: str | None = related(
        relations.PERSON_WIKIDATA_ID,
        "The person's Wikidata item (e.g. 'Q7747'), when the office-holder data knows it.",
    )
    country: str | None = related(
        relations.PERSON_COUNTRY,
        "ISO 3166 alpha-2 code of the country the person serves, when known.",
    )
    offices: list[PersonOffice] = related(
        relations.PERSON_OFFICES,
        "Offices held, latest start first; from the office-holder data and the transcripts.",
    )

    @connection(SPEAKER_STATEMENTS)
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
        return await _statements_of(
            info, SPEAKER_STATEMENTS, self.pk, filter, order_by, first, after, last, before
        )

    events: Connection[Event] = paged(
        lambda info, person, paging: _events_of(info, PERSON_EVENTS, person.pk, *paging),
        PERSON_EVENTS,
    )


@strawberry.type
class Organisation(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="Stable short key, e.g. 'nato'.")
    name: str
    acronym: str | None
    kind: OrganisationKind

    @classmethod
    def from_row(cls, row: Any) -> Organisation:
        return cls(
            id=strawberry.ID(ids.encode("Organisation", row["id"])),
            pk=row["id"],
            slug=row["slug"],
            name=row["name"],
            acronym=row["acronym"],
            kind=OrganisationKind(row["kind"]),
        )

    aliases: list[str] = related(relations.ORGANISATION_ALIASES)

    @connection(ORGANISATION_STATEMENTS, "Statements that mention this organisation.")
    async def statements(
        self,
        info: strawberry.Info,
        filter: StatementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Statement]:
        return await _statements_of(
            info, ORGANISATION_STATEMENTS, self.pk, filter, None, first, after, last, before
        )

    events: Connection[Event] = paged(
        lambda info, org, paging: _events_of(info, ORGANISATION_EVENTS, org.pk, *paging),
        ORGANISATION_EVENTS,
    )


@strawberry.type(
    description="A subject statements are about: a place (Afghanistan) or a theme"
    " (drug trafficking)."
)
class Topic(Node):
    pk: strawberry.Private[int]
    slug: str
    name: str
    kind: TopicKind

    @classmethod
    def from_row(cls, row: Any) -> Topic:
        return cls(
            id=strawberry.ID(ids.encode("Topic", row["id"])),
            pk=row["id"],
            slug=row["slug"],
            name=row["name"],
            kind=TopicKind(row["kind"]),
        )

    statement_count: int = count(relations.TOPIC_STATEMENT_COUNT)

    @connection(TOPIC_STATEMENTS)
    async def statements(
        self,
        info: strawberry.Info,
        filter: StatementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Statement]:
        return await _statements_of(
            info, TOPIC_STATEMENTS, self.pk, filter, None, first, after, last, before
        )


@strawberry.type(description="One speaker turn: what one speaker said without interruption.")
class Statement(Node):
    pk: strawberry.Private[int]
    event_pk: strawberry.Private[int]
    speaker_pk: strawberry.Private[int | None]
    in_reply_to_pk: strawberry.Private[int | None]
    start: strawberry.Private[int]
    end: strawberry.Private[int]
    sequence: int = strawberry.field(description="1-based position of the turn within its event.")
    kind: StatementKind
    speaker_label: str = strawberry.field(
        description="The speaker label as printed, without the colon."
    )
    text: str = strawberry.field(
        description="The words spoken, paragraphs separated by a newline; no label,"
        " no page furniture."
    )
    spoken_on: dt.date | None = strawberry.field(
        description="The date of the event, when known (what date filters and orders use)."
    )

    @classmethod
    def from_row(cls, row: Any) -> Statement:
        return cls(
            id=strawberry.ID(ids.encode("Statement", row["id"])),
            pk=row["id"],
            event_pk=row["event_id"],
            speaker_pk=row["speaker_id"],
            in_reply_to_pk=row["in_reply_to_id"],
            start=row["start_offset"],
            end=row["end_offset"],
            sequence=row["sequence"],
            kind=StatementKind(row["kind"]),
            speaker_label=row["speaker_label"],
            text=row["text"],
            spoken_on=row["spoken_on"],
        )

    event: Event = link("event_id")
    speaker: Person | None = link(
        "speaker_id",
        "Who spoke, when known (a journalist who names himself included); null for"
        " an unnamed 'Question:' or 'MODERATOR:'.",
    )
    in_reply_to: Statement | None = link(
        "in_reply_to_id", "For an answer: the question it answers."
    )
    replies: list[Statement] = related(relations.REPLIES)
    previous: Statement | None = related(
        relations.PREVIOUS_STATEMENT,
        "The turn before this one in its event (null for the first): a quote's context.",
    )
    next: Statement | None = related(
        relations.NEXT_STATEMENT, "The turn after this one in its event (null for the last)."
    )
    topics: list[Topic] = related(
        relations.STATEMENT_TOPICS, "Topics the turn is about (it mentions the place or theme)."
    )
    organisations: list[Organisation] = related(
        relations.STATEMENT_ORGANISATIONS, "Organisations the turn mentions."
    )
    figures: list[Figure] = related(relations.STATEMENT_FIGURES)
    mentioned_persons: list[Person] = related(
        relations.MENTIONED_PERSONS,
        "People the turn names in its text, each once, by name (a merged person as the"
        " person kept).",
    )
    topic_mentions: list[TopicMention] = related(
        relations.TOPIC_MENTIONS,
        "Where the turn names each of its topics, in text order: the evidence for `topics`.",
    )
    organisation_mentions: list[OrganisationMention] = related(
        relations.ORGANISATION_MENTIONS,
        "Where the turn names each organisation it mentions, in text order: the evidence for"
        " `organisations`.",
    )

    source_span: SourceSpan = span()


@strawberry.type
class Mention:
    """What the two evidence types share: the words as written and where they lie. The row's
    reference column (``REFERENCE``) is kept as ``<name>_pk`` for the ``link`` field."""

    REFERENCE: ClassVar[str]
    pk: strawberry.Private[int]
    start: strawberry.Private[int]
    end: strawberry.Private[int]
    text: str = strawberry.field(description="The words as written.")
    source_span: SourceSpan = span("Where the words lie in SourceDocument.text.")

    @classmethod
    def from_row(cls, row: Any) -> Any:
        reference = cls.REFERENCE.removesuffix("_id") + "_pk"
        return cls(
            pk=row["id"],
            start=row["start_offset"],
            end=row["end_offset"],
            text=row["text"],
            **{reference: row[cls.REFERENCE]},
        )


@strawberry.type(description="Where a statement names a topic: the words and their place.")
class TopicMention(Mention):
    REFERENCE = "topic_id"
    topic_pk: strawberry.Private[int]
    topic: Topic = link("topic_id", "The topic the words name.")


@strawberry.type(description="Where a statement names an organisation: the words and their place.")
class OrganisationMention(Mention):
    REFERENCE = "organisation_id"
    organisation_pk: strawberry.Private[int]
    organisation: Organisation = link("organisation_id", "The organisation the words name.")


@strawberry.type(description="An office a person held, with its dates when known.")
class PersonOffice:
    office: str = strawberry.field(
        description="The office's full name, e.g. 'President of the Russian Federation'."
    )
    country: str | None = strawberry.field(
        description="ISO 3166 alpha-2 code of the office's country, or an organisation's"
        " acronym (NATO)."
    )
    start_date: dt.date | None = strawberry.field(description="First day in office, if known.")
    end_date: dt.date | None = strawberry.field(
        description="Last day in office; null while in office or when unknown."
    )
    source: str = strawberry.field(
        description="Where the office comes from: office_holders (the bundled office-holder"
        " data), transcript (a page names it) or curated."
    )

    @classmethod
    def from_row(cls, row: Any) -> PersonOffice:
        return cls(
            office=row["office"],
            country=row["country"],
            start_date=row["start_date"],
            end_date=row["end_date"],
            source=row["source"],
        )


@strawberry.type(description="A number quoted in a statement, normalised.")
class Figure(Node):
    pk: strawberry.Private[int]
    statement_pk: strawberry.Private[int]
    speaker_pk: strawberry.Private[int | None]
    start: strawberry.Private[int]
    end: strawberry.Private[int]
    text: str = strawberry.field(description="The figure as written, e.g. 'over 5,000 kilograms'.")
    value: float = strawberry.field(
        description="The value in `unit` (for a range, the low end); scale words folded in:"
        " '$28 million' -> 28000000."
    )
    high: float | None = strawberry.field(
        description="The high end of a range ('35–40%' -> value 35, high 40), else null."
    )
    unit: str = strawberry.field(
        description="Normalised unit: an ISO 4217 code for money (USD, EUR, RUB), 'percent',"
        " 'percentage_points', a unit symbol (kg, t, km, bbl), 'times' for multipliers,"
        " 'count' for counted things."
    )
    kind: FigureKind
    counted: str | None = strawberry.field(
        description="What is counted or measured, e.g. 'drug crimes', 'trade turnover'."
    )
    qualifier: FigureQualifier
    context: str = strawberry.field(description="The sentence the figure stands in.")

    @classmethod
    def from_row(cls, row: Any) -> Figure:
        return cls(
            id=strawberry.ID(ids.encode("Figure", row["id"])),
            pk=row["id"],
            statement_pk=row["statement_id"],
            speaker_pk=row["speaker_id"],
            start=row["start_offset"],
            end=row["end_offset"],
            text=row["text"],
            value=row["value"],
            high=row["high"],
            unit=row["unit"],
            kind=FigureKind(row["kind"]),
            counted=row["counted"],
            qualifier=FigureQualifier(row["qualifier"]),
            context=row["context"],
        )

    statement: Statement = link("statement_id")
    speaker: Person | None = link("speaker_id")

    source_span: SourceSpan = span()


@strawberry.type
class SearchResult:
    statement: Statement
    rank: float = strawberry.field(description="Relevance, higher is better.")
    highlight: str = strawberry.field(
        description="The matching passage with matched words wrapped in <mark>…</mark>."
    )


@strawberry.type
class GroupCount:
    key: str = strawberry.field(
        description="Stable key of the group (an id, a slug, or 'YYYY-MM')."
    )
    label: str = strawberry.field(description="Human label of the group.")
    count: int


# StatementGrouping -> the node type whose global id is GroupCount.key; the other groupings'
# keys are the topic's slug or the period's date text.
GROUP_KEY_TYPE = {"SPEAKER": "Person", "ORGANISATION": "Organisation", "EVENT": "Event"}


NODE_TYPES: tuple[type, ...] = (
    SourceDocument,
    Event,
    Person,
    Organisation,
    Topic,
    Statement,
    Figure,
)

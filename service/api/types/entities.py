"""The contract's entities. Objects are built from rows by the loaders; every field that needs
more data asks a per-request DataLoader, so a list of N items costs one query per field, not N.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

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


# The filter and order arguments of the statement lists below a person, organisation or topic.
ParentStatementFilter = Annotated[
    StatementFilter | None,
    strawberry.argument(
        description="Only the statements that also match this filter (every given condition)."
    ),
]
ParentStatementOrder = Annotated[
    StatementOrder | None,
    strawberry.argument(description="The order of the statements; newest first by default."),
]


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


@strawberry.interface(
    description="Anything with a global id: events, statements, persons, organisations,"
    " topics, figures and source documents. Query.node(id:) fetches any of them by that id."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id, stable across requests: pass it to Query.node(id:) or to an"
        " id filter (speakerId, eventId)."
    )


@strawberry.type(
    description="Where a piece of text lies in its source document: character offsets into"
    " SourceDocument.text, end exclusive."
)
class SourceSpan:
    start: int = strawberry.field(
        description="Offset of the first character (0-based, in characters, not bytes)."
    )
    end: int = strawberry.field(description="Offset just after the last character.")

    @classmethod
    def from_row(cls, row: Any) -> SourceSpan:
        return cls(start=row["start"], end=row["end"])


@strawberry.type(
    description="A transcript page as it was ingested; the source of every event on it."
)
class SourceDocument(Node):
    pk: strawberry.Private[int]
    sha256: str = strawberry.field(
        description="SHA-256 of the document's text (hexadecimal). The same text ingested"
        " again, or one differing only in whitespace and typography, is the same document."
    )
    filename: str | None = strawberry.field(
        description="The file name given at ingestion; null when there was none."
    )
    source_url: str | None = strawberry.field(
        description="Address of the page as published, when known (for citing); null otherwise."
    )
    publisher: str | None = strawberry.field(
        description="Who published the page, e.g. 'NATO', when given at ingestion; else null."
    )
    format: str = strawberry.field(
        description="Detected layout family, e.g. nato, kremlin, whitehouse, generic."
    )
    title: str | None = strawberry.field(description="The page's own title, when it has one.")
    warnings: list[str] = strawberry.field(
        description="What a reader should know about how the page was read, each starting with"
        " a code: NO_SPEAKER_LABELS when the page has no speaker labels and names no speaker,"
        " so its statements have no speaker."
    )
    ingested_at: dt.datetime = strawberry.field(
        description="When the document was stored (ISO 8601 with time zone)."
    )

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
    events: list[Event] = related(
        relations.DOCUMENT_EVENTS, "The events transcribed in this document (usually one)."
    )


@strawberry.type(
    description="A press conference, briefing, meeting or other occasion with a transcript."
)
class Event(Node):
    pk: strawberry.Private[int]
    document_pk: strawberry.Private[int]
    title: str = strawberry.field(description="The event's title as the page gives it.")
    kind: EventKind = strawberry.field(description="What kind of occasion the event is.")
    date: dt.date | None = strawberry.field(
        description="The day the event took place (YYYY-MM-DD); null when the page gives none."
    )
    time: str | None = strawberry.field(description="Local time as printed on the page, HH:MM.")
    location: str | None = strawberry.field(
        description="Where the event took place as printed, e.g. 'Moscow, the Kremlin'; null"
        " when not given."
    )

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
    participants: list[Participant] = related(
        relations.EVENT_PARTICIPANTS,
        "Everyone who takes part in the event (speakers, moderator, journalists, interpreters),"
        " each with their role.",
    )

    statements: Connection[Statement] = paged(
        lambda info, event, paging: _statements_of(
            info, EVENT_STATEMENTS, event.pk, None, None, *paging
        ),
        EVENT_STATEMENTS,
        "The event's speaker turns in the order they were spoken.",
    )

    document: SourceDocument = link("document_id", "The source document the event was read from.")


@strawberry.type(description="A person's part in one event.")
class Participant:
    person_pk: strawberry.Private[int | None]
    affiliation_pk: strawberry.Private[int | None]
    role: ParticipantRole = strawberry.field(description="The participant's part in the event.")
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

    person: Person | None = link(
        "person_id", "Who the participant is; null when the label names no known person."
    )
    affiliation: Organisation | None = link(
        "affiliation_id",
        "Outlet or organisation the participant speaks for at this event,"
        " e.g. a journalist's agency.",
    )


@strawberry.type(
    description="A person who speaks in or is named by the transcripts: a leader, official,"
    " spokesperson or journalist. One person, whatever name form a page uses."
)
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
    statement_count: int = count(
        relations.PERSON_STATEMENT_COUNT, "How many speaker turns the person has, in all events."
    )
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

    @connection(SPEAKER_STATEMENTS, "What the person said: their speaker turns.")
    async def statements(
        self,
        info: strawberry.Info,
        filter: ParentStatementFilter = None,
        order_by: ParentStatementOrder = StatementOrder.DATE_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Statement]:
        return await _statements_of(
            info, SPEAKER_STATEMENTS, self.pk, filter, order_by, first, after, last, before
        )

    events: Connection[Event] = paged(
        lambda info, person, paging: _events_of(info, PERSON_EVENTS, person.pk, *paging),
        PERSON_EVENTS,
        "Events the person takes part in, newest first.",
    )


@strawberry.type(
    description="An organisation: an international body, a government, a media outlet or"
    " another body that hosts events, is mentioned, or sends journalists."
)
class Organisation(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="Stable short key, e.g. 'nato'.")
    name: str = strawberry.field(
        description="Full name, e.g. 'North Atlantic Treaty Organization'."
    )
    acronym: str | None = strawberry.field(
        description="Short form, e.g. 'NATO'; null when it has none."
    )
    kind: OrganisationKind = strawberry.field(description="What kind of body it is.")

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

    aliases: list[str] = related(
        relations.ORGANISATION_ALIASES,
        "Other names it is known by (translations, former names, spellings); each finds it in"
        " filters.",
    )

    @connection(ORGANISATION_STATEMENTS, "Statements that mention this organisation.")
    async def statements(
        self,
        info: strawberry.Info,
        filter: ParentStatementFilter = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Statement]:
        return await _statements_of(
            info, ORGANISATION_STATEMENTS, self.pk, filter, None, first, after, last, before
        )

    events: Connection[Event] = paged(
        lambda info, org, paging: _events_of(info, ORGANISATION_EVENTS, org.pk, *paging),
        ORGANISATION_EVENTS,
        "Events the organisation hosts or convenes, newest first.",
    )


@strawberry.type(
    description="A subject statements are about: a place (Afghanistan) or a theme"
    " (drug trafficking)."
)
class Topic(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="Stable short key, e.g. 'afghanistan'.")
    name: str = strawberry.field(description="Display name, e.g. 'Afghanistan'.")
    kind: TopicKind = strawberry.field(description="Whether the topic is a place or a theme.")

    @classmethod
    def from_row(cls, row: Any) -> Topic:
        return cls(
            id=strawberry.ID(ids.encode("Topic", row["id"])),
            pk=row["id"],
            slug=row["slug"],
            name=row["name"],
            kind=TopicKind(row["kind"]),
        )

    statement_count: int = count(
        relations.TOPIC_STATEMENT_COUNT, "How many statements are about this topic."
    )

    @connection(TOPIC_STATEMENTS, "Statements about this topic, most recently spoken first.")
    async def statements(
        self,
        info: strawberry.Info,
        filter: ParentStatementFilter = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    kind: StatementKind = strawberry.field(
        description="The turn's role: remarks, a question, an answer or moderation."
    )
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

    event: Event = link("event_id", "The event the turn was spoken at.")
    speaker: Person | None = link(
        "speaker_id",
        "Who spoke, when known (a journalist who names himself included); null for"
        " an unnamed 'Question:' or 'MODERATOR:'.",
    )
    in_reply_to: Statement | None = link(
        "in_reply_to_id", "For an answer: the question it answers."
    )
    replies: list[Statement] = related(
        relations.REPLIES, "For a question: the answers to it, in the order spoken."
    )
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
    figures: list[Figure] = related(
        relations.STATEMENT_FIGURES, "The numbers quoted in the turn, in text order."
    )
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

    source_span: SourceSpan = span("Where the turn lies in its source document's text.")
    paragraphs: list[SourceSpan] = related(
        relations.STATEMENT_PARAGRAPHS,
        "Where each paragraph of the turn lies in the source document's text, in order (the"
        " text's lines, one per paragraph); empty for statements stored before paragraph"
        " positions were kept (ingest the page again to fill them).",
    )


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
    kind: FigureKind = strawberry.field(description="What the figure measures.")
    counted: str | None = strawberry.field(
        description="What is counted or measured, e.g. 'drug crimes', 'trade turnover'."
    )
    qualifier: FigureQualifier = strawberry.field(
        description="How the speaker qualified the number ('about', 'more than', ...)."
    )
    context: str = strawberry.field(description="The sentence the figure stands in.")
    base_value: float = strawberry.field(
        description="The value in `baseUnit`, the base unit of its dimension ('2 t' -> 2000"
        " kg, '3 km' -> 3000 m, '2 years' -> 730.5 days), so that figures of one dimension"
        " compare; what VALUE_DESC/VALUE_ASC order by. Money stays in its own currency (no"
        " exchange rates); percentages, counts and multipliers are their own base."
    )
    base_high: float | None = strawberry.field(
        description="The high end of a range in `baseUnit`, else null."
    )
    base_unit: str = strawberry.field(
        description="The base unit of `baseValue`: kg, m, m2, l, W, Wh, km/h or day for"
        " measures and durations; the figure's own `unit` otherwise (a currency code,"
        " 'percent', 'count', ...)."
    )

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
            base_value=row["base_value"],
            base_high=row["base_high"],
            base_unit=row["base_unit"],
        )

    statement: Statement = link("statement_id", "The statement that quotes the figure.")
    speaker: Person | None = link(
        "speaker_id", "Who quoted it: the statement's speaker; null when not known."
    )

    source_span: SourceSpan = span("Where the figure's text lies in the source document's text.")
    topics: list[Topic] = related(
        relations.FIGURE_TOPICS,
        "Topics the figure is about: the places and themes its own sentence names, or, when"
        " that sentence names none, those of the sentence right before it in the statement;"
        " never the rest of the statement. FigureFilter.topic matches these.",
    )


@strawberry.type(description="A statement found by a full-text search, with its relevance.")
class SearchResult:
    statement: Statement = strawberry.field(description="The matching statement.")
    rank: float = strawberry.field(description="Relevance, higher is better.")
    highlight: str = strawberry.field(
        description="The matching passage with matched words wrapped in <mark>…</mark>."
    )


@strawberry.type(description="One group of statementCounts: what the group is and its count.")
class GroupCount:
    key: str = strawberry.field(
        description="Stable key of the group (an id, a slug, or 'YYYY-MM')."
    )
    label: str = strawberry.field(description="Human label of the group.")
    count: int = strawberry.field(description="How many statements the group has.")


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

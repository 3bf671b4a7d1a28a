"""Small hand-built documents for the storage tests, and a row counter.

The builder writes a plain transcript ("LABEL: words") and computes every span from the text
it wrote, so stored offsets can be checked against the stored text exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from service.ingestion.model import (
    Event,
    EventKind,
    Figure,
    FigureQualifier,
    Mention,
    OrganisationKind,
    OrganisationRef,
    ParsedDocument,
    Participant,
    ParticipantRole,
    PersonRef,
    Span,
    StatementKind,
    TopicKind,
    TopicRef,
    Turn,
)

TABLES = (
    "source_document",
    "organisation",
    "organisation_alias",
    "person",
    "person_alias",
    "person_title",
    "topic",
    "event",
    "event_organisation",
    "participant",
    "statement",
    "statement_topic",
    "topic_mention",
    "organisation_mention",
    "person_mention",
    "figure",
)

ORGANISATIONS = {
    "nato": OrganisationRef(
        "nato",
        "North Atlantic Treaty Organization",
        OrganisationKind.INTERNATIONAL,
        acronym="NATO",
        aliases=["North Atlantic Alliance"],
    ),
    "csto": OrganisationRef(
        "csto",
        "Collective Security Treaty Organisation",
        OrganisationKind.INTERNATIONAL,
        acronym="CSTO",
    ),
    "ap": OrganisationRef("ap", "Associated Press", OrganisationKind.MEDIA),
}
TOPICS = {
    "afghanistan": TopicRef("afghanistan", "Afghanistan", TopicKind.PLACE),
    "energy-security": TopicRef("energy-security", "Energy security", TopicKind.THEME),
}


@dataclass
class T:
    """One turn to write: label, words, and what to find in the words (by exact substring)."""

    label: str
    text: str
    person: str | None = None
    kind: StatementKind = StatementKind.REMARKS
    reply_to: int | None = None
    topics: Sequence[tuple[str, str]] = ()  # (topic slug, substring)
    orgs: Sequence[tuple[str, str]] = ()  # (organisation slug, substring)
    persons: Sequence[tuple[str, str]] = ()  # (person key, substring)
    figures: Sequence[tuple[str, float, str, str]] = ()  # (substring, value, unit, kind)


@dataclass
class E:
    """One event to write."""

    title: str
    turns: Sequence[T]
    date: dt.date | None = dt.date(2006, 12, 4)
    organisations: Sequence[str] = ()
    titles: dict[str, str] = field(default_factory=dict)  # label -> title of the participant


def make_document(
    *events: E,
    persons: Sequence[PersonRef] = (),
    header: str = "Press material\n",
    fmt: str = "generic",
) -> ParsedDocument:
    """A ParsedDocument whose spans all index the text it builds."""
    text = header
    built: list[Event] = []
    slugs: set[str] = set()
    topic_slugs: set[str] = set()
    for spec in events:
        event_start = len(text)
        text += spec.title + "\n"
        turns: list[Turn] = []
        participants: dict[tuple[str, str | None], Participant] = {}
        for sequence, t in enumerate(spec.turns, start=1):
            label_start = len(text)
            text += f"{t.label}: "
            body = len(text)
            text += t.text + "\n"

            def mention(ref: str, words: str, body: int = body, t: T = t) -> Mention:
                start = body + t.text.index(words)
                return Mention(ref, Span(start, start + len(words)), words)

            figures = [
                Figure(
                    text=words,
                    value=value,
                    unit=unit,
                    kind=kind,  # type: ignore[arg-type]  # tests pass invalid kinds on purpose
                    qualifier=FigureQualifier.EXACT,
                    span=mention("", words).span,
                    context=t.text,
                )
                for words, value, unit, kind in t.figures
            ]
            turns.append(
                Turn(
                    sequence=sequence,
                    label=t.label,
                    kind=t.kind,
                    text=t.text,
                    paragraphs=[Span(body, body + len(t.text))],
                    person_key=t.person,
                    label_span=Span(label_start, label_start + len(t.label)),
                    in_reply_to=t.reply_to,
                    organisations=[mention(slug, w) for slug, w in t.orgs],
                    topics=[mention(slug, w) for slug, w in t.topics],
                    persons=[mention(key, w) for key, w in t.persons],
                    figures=figures,
                )
            )
            slugs.update(slug for slug, _ in t.orgs)
            topic_slugs.update(slug for slug, _ in t.topics)
            role = (
                ParticipantRole.JOURNALIST
                if t.kind == StatementKind.QUESTION
                else ParticipantRole.SPEAKER
            )
            participants.setdefault(
                (t.label, t.person),
                Participant(t.label, role, t.person, spec.titles.get(t.label)),
            )
        slugs.update(spec.organisations)
        built.append(
            Event(
                title=spec.title,
                kind=EventKind.PRESS_CONFERENCE,
                turns=turns,
                participants=list(participants.values()),
                date=spec.date,
                time="20:33",
                location="Brussels",
                organisations=list(spec.organisations),
                span=Span(event_start, len(text)),
            )
        )
    return ParsedDocument(
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        format=fmt,
        events=built,
        persons=list(persons),
        organisations=[ORGANISATIONS[s] for s in sorted(slugs)],
        topics=[TOPICS[s] for s in sorted(topic_slugs)],
        title=events[0].title if events else None,
        filename="synthetic.txt",
    )


def person(key: str, name: str, *aliases: str, titles: Sequence[str] = ()) -> PersonRef:
    return PersonRef(key=key, name=name, aliases=list(aliases), titles=list(titles))


def speech(label: str, key: str, words: str = "Thank you.", title: str = "Talk") -> E:
    """A one-turn event: the smallest document that names one person."""
    return E(title, [T(label, words, key)])


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}

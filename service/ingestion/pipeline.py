"""parse_document: a transcript page as text in, a ParsedDocument out.

The steps, each in its own module: normalise without moving offsets (``text``), recognise the
layout family (``layouts``), find speaker labels (``labels``), group lines into paragraphs
(``paragraphs``), split the page into events and read their headers (``events``), drop furniture
and cut turns (``furniture``, ``turns``), resolve who speaks (``speakers``, ``people``,
``journalists``), classify turns (``classify``), and let the analysis find organisations, topics
and figures in every paragraph (``analysis``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from service.ingestion import (
    analysis,
    authors,
    classify,
    dates,
    designations,
    events,
    figure_topics,
    labels,
    layouts,
    paragraphs,
    personmentions,
    speakers,
    turns,
)
from service.ingestion.collector import collector_paused
from service.ingestion.events import Para
from service.ingestion.labels import Label
from service.ingestion.model import (
    Event,
    EventKind,
    Mention,
    OrganisationKind,
    OrganisationRef,
    ParsedDocument,
    Participant,
    ParticipantRole,
    PersonRef,
    RejectedDocument,
    StatementKind,
    TopicRef,
    Turn,
)
from service.ingestion.names import fold_name
from service.ingestion.people import Person, Registry, SpeakerSurnames, is_surname_only
from service.ingestion.speakers import EventSpeakers, EventTurns, TurnSpeaker
from service.ingestion.text import Line, collapse, is_hard_wrapped, lines, validate, working_text
from service.ingestion.turns import RawTurn

DEFAULT_MAX_CHARS = 2_000_000
_CAPITAL_INITIALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PRESS_QUESTIONS = 3  # journalists' questions that make an untitled event a press conference
_PERIOD_REPEATS = 2  # times a full-stop or dash label must recur before the page is read so
_MAX_NAME_LOOKUPS = 20
_OWN_LINE_MIN = 3  # own-line labels a page needs before it is read that way
_SPEECH_MIN_WORDS = 5  # lone-word labels looked up in the whole text, at most
# Event kinds a page without speaker labels may be: one person speaking.
_SPEECH_KINDS = frozenset({EventKind.SPEECH, EventKind.PRESS_BRIEFING})


def parse_document(
    text: str,
    *,
    filename: str | None = None,
    source_url: str | None = None,
    publisher: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ParsedDocument:
    """Parse one page; raise RejectedDocument when it cannot be a transcript."""
    with collector_paused():  # linear time on long pages (collector.py)
        return _parse_document(text, filename, source_url, publisher, max_chars)


def _parse_document(
    text: str,
    filename: str | None,
    source_url: str | None,
    publisher: str | None,
    max_chars: int,
) -> ParsedDocument:
    validate(text, max_chars)
    work = working_text(text)
    fm = layouts.front_matter(work)
    layout = layouts.detect(work, fm, source_url)
    country = layouts.country(work, fm, source_url)
    warnings: list[str] = []
    work, items = _read_page(work, fm, layout, country, dates.from_filename(filename), warnings)
    if not items:
        raise RejectedDocument(
            "NOT_A_TRANSCRIPT",
            "No speaker turns were found, and the page is not a speech by a named speaker.",
        )
    registry = Registry()
    resolved = speakers.resolve(registry, items, country)
    registry.learn_address_forms("\n".join(t.text for item in items for t in item.turns))
    builder = _Builder(text, work, layout.host, registry, resolved, layouts.dollar(country))
    parsed = [builder.event(item, who) for item, who in zip(items, resolved, strict=True)]
    title = collapse(fm.get("title") or "") if fm is not None else ""
    return ParsedDocument(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        format=layout.name,
        events=parsed,
        persons=builder.persons(),
        organisations=list(builder.organisations.values()),
        topics=list(builder.topics.values()),
        title=title or parsed[0].title,
        publisher=publisher or layout.publisher,
        source_url=source_url or (fm.get("source_url") if fm is not None else None),
        filename=filename,
        warnings=warnings,
    )


# ---------------------------------------------------------------- reading the page


def _read_page(
    work: str,
    fm: layouts.FrontMatter | None,
    layout: layouts.Layout,
    country: str | None,
    filed_on: dt.date | None,
    warnings: list[str],
) -> tuple[str, list[EventTurns]]:
    """The events of the page with their raw turns, and the unwrapped working text."""
    all_lines = lines(work, fm.span.end if fm is not None else 0)
    wrapped = is_hard_wrapped(work, all_lines)
    found = _find_labels(work, all_lines)
    opens_mid = {
        i
        for i, label in found.items()
        if label.side is not None or label.all_caps or label.mid_line
    }
    split = {i + 1 for i, label in found.items() if label.span.end > all_lines[i].end}
    grouped = paragraphs.group(
        work, all_lines, wrapped, lambda i: i in opens_mid, lambda i: i in split
    )
    work = paragraphs.unwrap(work, [span for span, _ in grouped])
    paras = [
        Para(
            span,
            collapse(work[span.start : span.end]),
            found.get(idx[0]),
            [collapse(work[all_lines[i].start : all_lines[i].end]) for i in idx],
        )
        for span, idx in grouped
    ]
    items: list[EventTurns] = []
    for page in events.segment(layout, paras, fm):
        page.date = page.date or filed_on
        raw = turns.build(
            page.body,
            work,
            markdown=layout.markdown or (fm is not None and _is_markdown(work)),
            captions=layout.captions,
            title=page.title,
            is_designation=_is_titled_designation,
        )
        if not raw:
            continue
        item = EventTurns(page, raw, [], None)
        if raw[0].label is None:
            if len(raw) == 1 and not _speech_speaker(item, country):
                if not _is_spoken(raw[0].texts):
                    continue  # unlabelled prose nobody is named for: not a transcript
                # spoken words without labels (subtitles, speech recognition): one statement
                # per paragraph, no speaker
                item.turns = [
                    RawTurn(None, [span], [text])
                    for span, text in zip(raw[0].paragraphs, raw[0].texts, strict=True)
                ]
                warnings.append(_NO_LABELS_WARNING)
            if len(raw) > 1 and not _byline_speaker(item):
                item.turns = raw[1:]  # text before the first label, nobody named: header
        items.append(item)
    return work, _drop_repeats(items)


def _find_labels(work: str, all_lines: list[Line]) -> dict[int, Label]:
    """Accepted labels by line index: strong ones, and lone words the page confirms."""
    first = {
        i: label
        for i, line in enumerate(all_lines)
        if (label := labels.find(work, line.start, line.end)) is not None
    }
    if not any(label.side == "question" for label in first.values()):
        # "A. Introduction" heads an outline; an answer mark needs questions around it
        first = {
            i: label for i, label in first.items() if not (label.mid_line and label.raw == "A")
        }
    known = {
        fold_name(label.designation.name_text)
        for label in first.values()
        if label.designation is not None and len(label.designation.name) > 1
    }
    surnames = {name.split()[-1] for name in known if name}
    speaking = _speaker_surnames(first.values())
    weak_counts = Counter(
        fold_name(label.designation.name_text)
        for label in first.values()
        if label.weak and label.designation is not None
    )
    accepted: dict[int, Label] = {}
    capitals = {label.raw: label for label in first.values() if label.all_caps and not label.weak}
    for i, line in enumerate(all_lines):
        if i in first or work[line.start] not in _CAPITAL_INITIALS:
            continue
        for printed in capitals.values():
            if work.startswith(printed.raw[:4], line.start):
                found = labels.find_misprinted(work, line.start, line.end, printed)
                if found is not None:
                    accepted[i] = found
                    break
    lookups: dict[str, list[str] | None] = {}  # a text scan each: bounded, so linear
    accepted.update(_repeated_form_labels(work, all_lines, first, labels.find_period))
    accepted.update(_repeated_form_labels(work, all_lines, {**first, **accepted}, labels.find_dash))
    accepted.update(_own_line_labels(work, all_lines, {**first, **accepted}, surnames))
    for i in sorted(first):
        if i > 0 and i - 1 not in first:
            prev = all_lines[i - 1]
            joined = labels.join_split(work, (prev.start, prev.end), first[i])
            if joined is not None:
                del first[i]
                first[i - 1] = joined
    for i, label in first.items():
        if label.designation is not None and label.designation.title and known:
            line = all_lines[i]
            label = labels.find(work, line.start, line.end, known) or label
        if label.weak and label.designation is not None:
            key = fold_name(label.designation.name_text)
            confirmed = bool(key) and (key.split()[-1] in surnames or key in speaking)
            if not confirmed and labels.opens_paragraph(work, all_lines[i].start):
                misprinted = speaking.misprinted(label.designation.name_text)
                if misprinted is not None:  # "PUTN:" beside "PRESIDENT PUTIN:"
                    accepted[i] = replace(
                        label, designation=replace(label.designation, name=[misprinted])
                    )
                    continue
            if not confirmed and (weak_counts[key] < 2 or analysis.is_organisation(key)):
                if not label.all_caps:
                    continue  # "Subjects:" is a header field; "WONG:" is printed like a name
                if key not in lookups and len(lookups) < _MAX_NAME_LOOKUPS:
                    lookups[key] = _full_name_in_text(work, label.designation.name_text)
                fuller = lookups.get(key)
                if fuller is None:
                    continue
                label = replace(label, designation=replace(label.designation, name=fuller))
        accepted[i] = label
    return accepted


def _speaker_surnames(found: Iterable[Label]) -> SpeakerSurnames:
    """The surnames of the page's speakers under a full name ("Vladimir Putin:") or an office
    ("PRESIDENT PUTIN:"): a lone word that is one of them, or one letter off one of them, is
    that speaker's label ("PUTIN:", "PUTN:"). An honorific alone ("MR. PUTIN:") is no title."""
    speaking = SpeakerSurnames()
    for label in found:
        d = label.designation
        if d is None or not d.name or d.contextual:
            continue
        if len(d.name) > 1 and not is_surname_only(d.name):
            surname = designations.surname_tokens(d.name)
        elif d.title:
            surname = d.name
        else:
            continue
        if len(surname) == 1:
            speaking.add(surname[0])
    return speaking


def _full_name_in_text(work: str, surname: str) -> list[str] | None:
    """ "WONG:" alone is confirmed by the one full name the page gives it ("Senator Penny
    Wong"); two different given names, or none, leave the lone word unconfirmed."""
    if not surname.isalpha() or len(surname) < 2:
        return None
    pattern = re.compile(rf"\b((?:[A-Z][\w’'\-]+\s+){{1,3}}){re.escape(surname.title())}\b")
    names = set()
    for m in pattern.finditer(work):
        d = designations.parse(f"{m[1]}{surname.title()}")
        if d is not None and len(d.name) > 1:
            names.add(tuple(d.name))
    return list(next(iter(names))) if len(names) == 1 else None


def _own_line_labels(
    work: str, all_lines: list[Line], taken: dict[int, Label], surnames: set[str]
) -> dict[int, Label]:
    """Labels alone on their line, without a colon (Hansard: "The Prime Minister (Rishi
    Sunak)" over what he said), taken when the page is laid out that way: at least three
    such lines, each followed by speech, and one of them used twice. A lone word also needs
    a second use or a surname the page's other labels confirm."""
    found: dict[int, Label] = {}
    for i, line in enumerate(all_lines[:-1]):
        if i in taken or i + 1 in taken:
            continue
        label = labels.find_own_line(work, line.start, line.end)
        if label is not None and _is_speech_line(work, all_lines[i + 1]):
            found[i] = label
    found = {i: label for i, label in found.items() if i + 1 not in found}
    counts = Counter(fold_name(label.raw) for label in found.values())
    if len(found) < _OWN_LINE_MIN or max(counts.values(), default=0) < _PERIOD_REPEATS:
        return {}
    kept = {}
    for i, label in found.items():
        d = label.designation
        if label.weak and d is not None:
            key = fold_name(d.name_text)
            if counts[fold_name(label.raw)] < _PERIOD_REPEATS and key.split()[-1] not in surnames:
                continue
        kept[i] = label
    return kept


def _is_speech_line(work: str, line: Line) -> bool:
    text = work[line.start : line.end]
    return len(text.split()) >= _SPEECH_MIN_WORDS or text.rstrip()[-1:] in ".?!…"


def _repeated_form_labels(
    work: str,
    all_lines: list[Line],
    first: dict[int, Label],
    find: Callable[[str, int, int], Label | None],
) -> dict[int, Label]:
    """Labels of a form a sentence can also take, closed by a full stop ("Mr. SMITH. Thank
    you.", labels.find_period) or a spaced dash ("PRESIDENT DUDA – Poland ...", find_dash),
    taken when the page uses that form: a label seen at least twice, or once with an
    honorific, office or role beside labels seen twice. A dateline ("WASHINGTON. The President
    ...") or a heading appears once, bare."""
    found = {
        i: label
        for i, line in enumerate(all_lines)
        if i not in first and (label := find(work, line.start, line.end))
    }
    counts = Counter(fold_name(label.raw) for label in found.values())
    if sum(1 for n in counts.values() if n >= _PERIOD_REPEATS) == 0:
        return {}
    return {
        i: label
        for i, label in found.items()
        if counts[fold_name(label.raw)] >= _PERIOD_REPEATS
        or label.side is not None  # a role ("QUESTION – ...") on a page using the form
        or (
            label.designation is not None
            and (
                label.designation.honorific
                or label.designation.title_known
                or (label.all_caps and len(label.designation.name) > 1)  # "STEVE LIESMAN."
            )
        )
    }


# Markup only Markdown has: **bold**, [link](url), "# heading", an escaped bracket.
_MARKDOWN = re.compile(r"\*\*[^*\n]+\*\*|\]\([^)\s]+\)|^#{1,6} \S|\\\[", re.M)


def _is_markdown(work: str) -> bool:
    """Front matter heads Markdown exports and plain-text archives alike (an OCR text's
    "\\." is no escape)."""
    return _MARKDOWN.search(work) is not None


def _is_titled_designation(text: str) -> bool:
    d = designations.parse(text)
    return d is not None and bool(d.name) and d.title_known


def _speech_speaker(item: EventTurns, country: str | None) -> bool:
    """A labelless event is one person's when its header names that person: a byline
    ("Remarks by ..."), a lede whose subject is the author, or, for a speech, its title."""
    page = item.page
    found = authors.author(
        page.title or "",
        page.lede,
        page.date,
        country,
        title_may_name=events.kind_of(page.title) in _SPEECH_KINDS,
    )
    if found is None:
        return False
    item.speaker = found.name
    item.speaker_title = found.title
    return True


# First and second person: what people say of themselves and to each other, and what a news
# item, a decree or a list hardly has ("I", "we", "you", "our").
_SPEAKING_WORDS = re.compile(
    r"\b(?:I|I[’']m|I[’']ve|I[’']d|I[’']ll|[Ww]e|[Ww]e[’']re|[Ww]e[’']ve|[Uu]s|[Oo]ur|[Yy]ou"
    r"|[Yy]ou[’']re|[Yy]our|[Mm]y|[Mm]e)\b"
)
_WORD = re.compile(r"[^\W\d_][\w’']*")
_SPOKEN_MIN_WORDS = 150
_SPOKEN_MIN_SHARE = 0.025  # spoken transcripts run 4-7 %, third-person news 0-2 %
_NO_LABELS_WARNING = (
    "NO_SPEAKER_LABELS: the page has no speaker labels and names no speaker; its paragraphs"
    " are statements with no speaker."
)


def _is_spoken(texts: list[str]) -> bool:
    """Text in the first and second person, long enough to tell: a transcript without labels."""
    words = sum(len(_WORD.findall(t)) for t in texts)
    speaking = sum(len(_SPEAKING_WORDS.findall(t)) for t in texts)
    return words >= _SPOKEN_MIN_WORDS and speaking / words >= _SPOKEN_MIN_SHARE


def _byline_speaker(item: EventTurns) -> bool:
    """The speaker of a statement printed before the first label: the page's byline."""
    d = authors.from_byline([item.page.title or "", *item.page.lede])
    if d is None or not d.name:
        return False
    item.speaker = d.name
    item.speaker_title = d.title_text if d.title_known else None
    return True


def _drop_repeats(items: list[EventTurns]) -> list[EventTurns]:
    """A page that prints the same transcript twice holds one event."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    kept = []
    for item in items:
        key = tuple((t.label.raw if t.label else "", t.text) for t in item.turns)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


# ---------------------------------------------------------------- building the document


class _Builder:
    """Builds model events; collects the organisations, topics and persons they reference."""

    def __init__(
        self,
        original: str,
        work: str,
        host: str | None,
        registry: Registry,
        resolved: list[EventSpeakers],
        dollar: str,
    ) -> None:
        self.original = original
        self.dollar = dollar  # what a bare "$" means on this page
        self.work = work
        self.host = host  # organisation hosting every event of the page's family
        self.organisations: dict[str, OrganisationRef] = {}
        self.topics: dict[str, TopicRef] = {}
        for event in resolved:  # a journalist's outlet is his affiliation
            for slot in event.turns:
                if slot.outlet:
                    slug = self._organisation(analysis.media_outlet(slot.outlet))
                    person = slot.person
                    if person is not None and slot.journalist and person.affiliation is None:
                        person.affiliation = slug
        self._order = [id(p) for p in registry.persons]
        self._refs = {id(p): r for p, r in zip(registry.persons, registry.finish(), strict=True)}
        self._used: set[int] = set()
        speaking = {id(s.person) for e in resolved for s in e.turns if s.person is not None}
        self._finder = personmentions.Finder(registry, speaking)

    def persons(self) -> list[PersonRef]:
        """The persons referenced by some turn, participant or mention."""
        return [self._refs[i] for i in self._order if i in self._used]

    def _key(self, person: Person | None) -> str | None:
        if person is None:
            return None
        self._used.add(id(person))
        return self._refs[id(person)].key

    def _organisation(self, ref: OrganisationRef | None) -> str | None:
        if ref is None:
            return None
        self.organisations.setdefault(ref.slug, ref)
        return ref.slug

    def event(self, item: EventTurns, who: EventSpeakers) -> Event:
        page = item.page
        slots = [
            classify.Slot(
                side=t.label.side if t.label else None,
                who=str(id(s.person)) if s.person is not None else None,
                journalist=s.journalist,
                principal=s.person is not None and id(s.person) in who.principals,
                text=t.text,
            )
            for t, s in zip(item.turns, who.turns, strict=True)
        ]
        chairs = classify.classify(slots)
        built: list[Turn] = []
        for n, (raw, speaker, slot) in enumerate(
            zip(item.turns, who.turns, slots, strict=True), start=1
        ):
            assert slot.kind is not None
            turn = Turn(
                sequence=n,
                label=raw.label.raw if raw.label else " ".join(item.speaker),
                kind=slot.kind,
                text=raw.text,
                paragraphs=list(raw.paragraphs),
                person_key=self._key(speaker.person),
                label_span=raw.label.span if raw.label else None,
                in_reply_to=slot.in_reply_to + 1 if slot.in_reply_to is not None else None,
            )
            self._analyse(turn, speaker.person)
            built.append(turn)
        kind = _kind(page.title, item, slots)
        return Event(
            title=page.title or events.untitled_title(kind, self._main_speaker(built), page.date),
            kind=kind,
            turns=built,
            participants=self._participants(item, who, slots, chairs),
            date=page.date,
            time=page.time,
            location=page.location,
            organisations=self._hosts(page),
            span=page.span,
        )

    def _main_speaker(self, turns: list[Turn]) -> str | None:
        """The name of whoever says the most outside questions, if anyone named does."""
        spoken: Counter[str] = Counter()
        for turn in turns:
            if turn.person_key is not None and turn.kind != StatementKind.QUESTION:
                spoken[turn.person_key] += len(turn.text)
        if not spoken:
            return None
        key = spoken.most_common(1)[0][0]
        return next(ref.name for ref in self._refs.values() if ref.key == key)

    def _analyse(self, turn: Turn, speaker: Person | None) -> None:
        for span in turn.paragraphs:
            orgs, topics = analysis.mentions(self.original, self.work, span)
            for m in orgs:
                ref = analysis.organisation(m.ref)
                if ref is not None:
                    self.organisations.setdefault(ref.slug, ref)
            for m in topics:
                ref = analysis.topic(m.ref)
                if ref is not None:
                    self.topics.setdefault(ref.slug, ref)
            turn.organisations.extend(orgs)
            turn.topics.extend(topics)
            turn.figures.extend(
                analysis.figures(self.original, self.work, span, default_dollar=self.dollar)
            )
            for person, found in self._finder.find(self.original, span):
                if person is speaker:
                    continue
                key = self._key(person)
                assert key is not None
                text = self.original[found.start : found.end]
                turn.persons.append(Mention(ref=key, span=found, text=text))
        self._figure_topics(turn)

    def _figure_topics(self, turn: Turn) -> None:
        """Each figure's topics from its own sentence (figure_topics.py), not the turn's."""
        contexts = [f.context for f in turn.figures]
        found = figure_topics.figure_topics(turn.text, contexts)
        for figure, slugs in zip(turn.figures, found, strict=True):
            refs = [ref for ref in map(analysis.topic, slugs) if ref is not None]
            for ref in refs:
                self.topics.setdefault(ref.slug, ref)
            figure.topics = [ref.slug for ref in refs]

    def _hosts(self, page: events.EventPage) -> list[str]:
        slugs: list[str] = []
        if self.host:
            slug = self._organisation(analysis.organisation_by_name(self.host))
            if slug:
                slugs.append(slug)
        for span in page.host_spans:
            for m in analysis.mentions(self.original, self.work, span)[0]:
                slug = self._organisation(analysis.organisation(m.ref))
                if slug and slug not in slugs:
                    slugs.append(slug)
        return slugs

    def _participants(
        self,
        item: EventTurns,
        who: EventSpeakers,
        slots: list[classify.Slot],
        chairs: set[str],
    ) -> list[Participant]:
        found: dict[tuple[str, str | None, str | None], Participant] = {}
        for raw, speaker, slot in zip(item.turns, who.turns, slots, strict=True):
            label = raw.label.raw if raw.label else " ".join(item.speaker)
            key = self._key(speaker.person)
            affiliation = self._affiliation(speaker)
            if (label, key, affiliation) in found:
                continue
            found[(label, key, affiliation)] = Participant(
                label=label,
                role=_role(raw.label, speaker, slot, chairs),
                person_key=key,
                title=speaker.title,
                affiliation=affiliation,
            )
        return list(found.values())

    def _affiliation(self, speaker: TurnSpeaker) -> str | None:
        if speaker.outlet:
            return self._organisation(analysis.media_outlet(speaker.outlet))
        if speaker.title:
            return self._organisation(_organisation_in(speaker.title))
        return None


def _kind(title: str | None, item: EventTurns, slots: list[classify.Slot]) -> EventKind:
    """The title's kind; where the title names none, what the turns show."""
    kind = events.kind_of(title)
    if kind not in {EventKind.MEETING, EventKind.OTHER}:
        return kind
    if item.turns[0].label is None and len(item.turns) == 1:
        return EventKind.SPEECH  # one person speaking, whatever occasion the title names
    questions = sum(1 for slot in slots if slot.kind == StatementKind.QUESTION)
    if title is None and questions >= _PRESS_QUESTIONS:
        return EventKind.PRESS_CONFERENCE  # untitled, journalists asking: a press conference
    return kind


def _organisation_in(title: str) -> OrganisationRef | None:
    """The organisation an office belongs to: "Secretary General of NATO" -> NATO."""
    words = title.split()
    for size in range(min(len(words), 6), 0, -1):
        for start in range(len(words) - size + 1):
            ref = analysis.organisation_by_name(" ".join(words[start : start + size]))
            if ref is not None:
                return ref
    return None


def _role(
    label: Label | None, speaker: TurnSpeaker, slot: classify.Slot, chairs: set[str]
) -> ParticipantRole:
    if (label is not None and label.side == "moderator") or slot.who in chairs:
        return ParticipantRole.MODERATOR
    if label is not None and label.side == "interpreter":
        return ParticipantRole.INTERPRETER
    if speaker.outlet and analysis.media_outlet(speaker.outlet).kind != OrganisationKind.MEDIA:
        return ParticipantRole.SPEAKER  # an investor asking at a forum is no journalist
    if speaker.journalist or (label is not None and label.side == "question"):
        return ParticipantRole.JOURNALIST
    return ParticipantRole.SPEAKER

"""Splitting a page into events and reading each event's header.

A Kremlin page can hold several events, each closed by its "Publication status ... Text version"
block; a White House page closes its transcript with "END" and a clock time (and sometimes
repeats it, which we drop as a duplicate); NATO and generic pages hold one event. The header
(everything before the first speaker label) gives title, date, time and place. Each way of
cutting a page is a reader registered by name; data/layouts.yaml says which family uses which.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from service.ingestion import designations, furniture
from service.ingestion.datafiles import load
from service.ingestion.dates import clock_in, find_date, parse_clock, parse_date
from service.ingestion.labels import Label
from service.ingestion.layouts import FrontMatter, Layout
from service.ingestion.model import EventKind, Span
from service.ingestion.text import collapse

_END_OF_KREMLIN_EVENT = re.compile(r"^Text version", re.I)
_PLACE_MAX_WORDS = 8
_HEADER_DATE_LINES = 6  # header lines searched for a date written inside other words
_PROSE_MIN_WORDS = 8
_TITLE_PLACE = re.compile(r"\s+\|\s+")
_BYLINE = re.compile(r"(?:^|\s)by\s+(?P<who>[A-Z].*)$")
_UPDATED = re.compile(r"^(?:last\s+)?updated:\s*(?P<date>.+?)(?:\s+\d{1,2}:\d{2})?$", re.I)
_FIELD = re.compile(r"^(?P<key>[A-Za-z ]{2,20}):\s*(?P<value>.+)$")


@dataclass
class Para:
    """A paragraph of the page: its span, its collapsed text and the label opening it."""

    span: Span
    text: str
    label: Label | None = None
    lines: list[str] = field(default_factory=list)  # its lines, collapsed (wrapped pages)


@dataclass
class EventPage:
    """One event's share of the page, header read, body not yet split into turns."""

    header: list[Para]
    body: list[Para]
    title: str | None = None
    title_span: Span | None = None
    date: dt.date | None = None
    time: str | None = None
    location: str | None = None
    host_spans: list[Span] = field(default_factory=list)  # title and subtitle
    lede: list[str] = field(default_factory=list)  # header prose naming the speakers
    byline: str | None = None  # "by NATO Secretary General Jens Stoltenberg ..."

    def read_byline(self) -> None:
        for text in [self.title or "", *self.lede]:
            m = _BYLINE.search(text)
            if m:
                self.byline = m["who"]
                return

    @property
    def span(self) -> Span:
        paras = self.header + self.body
        return Span(paras[0].span.start, paras[-1].span.end)


# ---------------------------------------------------------------- readers, by name

Reader = Callable[[list[Para], FrontMatter | None], list[EventPage | None]]
READERS: dict[str, Reader] = {}  # data/layouts.yaml names one for each family


def reader(name: str) -> Callable[[Reader], Reader]:
    """Register a way of cutting a page into events under the name layouts.yaml gives it."""

    def register(read: Reader) -> Reader:
        READERS[name] = read
        return read

    return register


def segment(layout: Layout, paras: list[Para], fm: FrontMatter | None) -> list[EventPage]:
    """The events of a page with their headers read."""
    try:
        read = READERS[layout.reader]
    except KeyError:
        raise LookupError(
            f"layout {layout.name!r} names reader {layout.reader!r}; known: {sorted(READERS)}"
        ) from None
    pages = [p for p in read(paras, fm) if p is not None and (p.body or p.header)]
    for page in pages:
        page.read_byline()
        if layout.opening_speech:
            _opening_speech(page)
    return pages


@reader("single")
def _single_event(paras: list[Para], fm: FrontMatter | None) -> list[EventPage | None]:
    """One event: the header (everything before the first label), then the turns."""
    return [_read_generic(*_split_header(paras), fm)]


@reader("nato")
def _nato_event(paras: list[Para], fm: FrontMatter | None) -> list[EventPage | None]:
    return [_read_nato(*_split_header(paras))]


@reader("kremlin")
def _kremlin_events(paras: list[Para], fm: FrontMatter | None) -> list[EventPage | None]:
    return [_read_kremlin(chunk) for chunk in _kremlin_chunks(paras)]


@reader("whitehouse")
def _whitehouse_events(paras: list[Para], fm: FrontMatter | None) -> list[EventPage | None]:
    return [_read_whitehouse(h, b, fm) for h, b in _whitehouse_chunks(paras)]


def _opening_speech(page: EventPage) -> EventPage:
    """A statement printed before the first label, under a byline ("Press conference by NATO
    Secretary General ..."), belongs to the body: it is the byline speaker's opening."""
    if not page.byline or not any(p.label for p in page.body):
        return page
    last_marker = -1
    for i, p in enumerate(page.header):
        if _is_header_line(page, p):
            last_marker = i
    rest = page.header[last_marker + 1 :]
    if rest and _is_prose(" ".join(p.text for p in rest)):
        page.header = page.header[: last_marker + 1]
        page.body = rest + page.body
    return page


def _is_header_line(page: EventPage, p: Para) -> bool:
    if page.title_span and page.title_span.start <= p.span.start < page.title_span.end:
        return True
    text = p.text
    return (
        furniture.is_furniture_line(text)
        or parse_date(text) is not None
        or text[:1].islower()
        or bool(_FIELD.match(text))
        or text == page.location
        or text == page.title
    )


# ---------------------------------------------------------------- splitting


def _split_header(paras: Sequence[Para]) -> tuple[list[Para], list[Para]]:
    """Header = paragraphs before the first label; without labels, before the first prose."""
    for i, p in enumerate(paras):
        if p.label is not None:
            return list(paras[:i]), list(paras[i:])
    return _split_speech(paras)


def _split_speech(paras: Sequence[Para]) -> tuple[list[Para], list[Para]]:
    """For a page without labels: the speech starts at the first prose paragraph after the
    last date, time or "* * *" line of the header."""
    last_marker = -1
    for i, p in enumerate(paras[:12]):
        if parse_date(p.text) or parse_clock(p.text) or p.text.replace(" ", "") == "***":
            last_marker = i
    for i in range(last_marker + 1, len(paras)):
        if _is_prose(paras[i].text) and not furniture.is_furniture_line(paras[i].text):
            return list(paras[:i]), list(paras[i:])
    return list(paras), []


def _is_prose(text: str) -> bool:
    return len(text.split()) >= _PROSE_MIN_WORDS and not furniture.is_unpunctuated(text)


def _kremlin_chunks(paras: list[Para]) -> list[tuple[list[Para], list[Para]]]:
    chunks: list[list[Para]] = [[]]
    for p in paras:
        chunks[-1].append(p)
        if _END_OF_KREMLIN_EVENT.match(p.text):
            chunks.append([])
    result = []
    for chunk in chunks:
        while chunk and furniture.is_furniture_line(chunk[0].text):
            chunk = chunk[1:]
        if chunk:
            result.append(_split_header(chunk))
    return result


def _whitehouse_chunks(paras: list[Para]) -> list[tuple[list[Para], list[Para]]]:
    chunks: list[tuple[list[Para], list[Para]]] = []
    header: list[Para] = []
    body: list[Para] = []
    for p in paras:
        if not body:
            if p.label is None:
                header.append(p)
            else:
                body.append(p)
        elif p.label is None and _is_end_marker(p.text):
            chunks.append((header, [*body, p]))
            header, body = [], []
        else:
            body.append(p)
    if body:
        chunks.append((header, body))
    if not chunks:
        chunks.append(_split_speech(header))
    return chunks


def _is_end_marker(text: str) -> bool:
    line = furniture.clean(text)
    return parse_clock(line) is not None or line.upper().startswith("END")


# ---------------------------------------------------------------- headers


def _read_kremlin(chunk: tuple[list[Para], list[Para]]) -> EventPage | None:
    header, body = chunk
    page = EventPage(header, body)
    content = [p for p in header if not furniture.is_furniture_line(p.text, clocks=False)]
    if not content:
        return page
    title = content[0]
    _set_title(page, title.text, title.span)
    page.host_spans.append(title.span)
    rest = content[1:]
    for i, p in enumerate(rest):
        date = parse_date(p.text)
        if date is None:
            continue
        page.date = date
        after = rest[i + 1 :]
        if after and parse_clock(after[0].text):
            page.time = parse_clock(after[0].text)
            after = after[1:]
        if after and _is_place(after[0].text):
            page.location = after[0].text
        page.lede = [p.text for p in rest[:i]] + [q.text for q in after[1:3]]
        break
    return page


def _read_nato(header: list[Para], body: list[Para]) -> EventPage:
    page = EventPage(header, body)
    marks = furniture.remove([p.text for p in header])
    content = [p for p, is_furniture in zip(header, marks, strict=True) if not is_furniture]
    dates = [i for i, p in enumerate(content) if parse_date(p.text)]
    if not dates:
        return _read_generic(header, body, None)
    d = dates[0]
    page.date = parse_date(content[d].text)
    before, after = content[:d], content[d + 1 :]
    if before:
        page.location = _join_place([p.text for p in before])
    if after:
        title_paras = [after[0]]
        for p in after[1:]:
            if p.text[:1].islower():  # "with the NATO Secretary General, ..." continues it
                title_paras.append(p)
            else:
                break
        text = " ".join(p.text for p in title_paras)
        _set_title(page, text, Span(title_paras[0].span.start, title_paras[-1].span.end))
        page.host_spans.extend(p.span for p in title_paras)
        page.lede = [p.text for p in title_paras[1:]] + [p.text for p in after[len(title_paras) :]]
    return page


def _read_whitehouse(header: list[Para], body: list[Para], fm: FrontMatter | None) -> EventPage:
    page = EventPage(header, body)
    places: list[str] = []
    for line in (line for p in header for line in (p.lines or [p.text])):
        clock = parse_clock(furniture.clean(line))
        if clock:
            page.time = page.time or clock
        elif not furniture.is_furniture_line(line) and not page.time:
            if not _is_place(line):
                break  # the speech has begun ("Madame Speaker.")
            places.append(furniture.clean(line))
    if places:
        page.location = _join_place(places)
    if fm is not None:
        title = collapse(fm.get("title") or "")
        parts = _TITLE_PLACE.split(title, maxsplit=1)
        if parts[0]:
            page.title = parts[0]
            page.title_span = fm.title_span
            if fm.title_span:
                page.host_spans.append(fm.title_span)
        if len(parts) > 1 and not page.location:
            page.location = parts[1]
        page.date = _front_matter_date(fm)
    return page


_MARKDOWN_HEADING = re.compile(r"^#{1,3}\s+(?P<text>\S.*?)\s*#*$")

# Header field names whose value is a field, never the occasion ("Date: 6 March 2023").
_FIELD_NAMES = frozenset(
    {
        "title",
        "event",
        "subject",
        "location",
        "place",
        "venue",
        "date",
        "time",
        "updated",
        "published",
        "posted",
        "release date",
        "issued",
    }
)


def _read_generic(header: list[Para], body: list[Para], fm: FrontMatter | None) -> EventPage:
    page = EventPage(header, body)
    lines = [(line, p.span) for p in header for line in (p.lines or [p.text])]
    for text, span in lines:
        heading = _MARKDOWN_HEADING.match(text)
        if heading and not page.title:  # "# Press Briefing by ...": Markdown's title line
            _set_title(page, heading["text"], span)
            page.host_spans.append(span)
            continue
        if furniture.is_furniture_line(text) and not parse_clock(text):
            continue
        field_match = _FIELD.match(text)
        key = field_match["key"].strip().lower() if field_match else ""
        value = field_match["value"].strip() if field_match else text
        if key in {"title", "event", "subject"} and not page.title:
            _set_title(page, value, span)
            page.host_spans.append(span)
        elif key in {"location", "place", "venue"} and not page.location:
            page.location = value
        elif parse_date(value) and not page.date:
            page.date = parse_date(value)
            page.time = page.time or clock_in(value)  # "Monday, 13 March 2023, 10 a.m."
            if key and key not in _FIELD_NAMES and not page.title:
                # "PM press conference: 6 March 2023": the occasion, then its date
                _set_title(page, field_match["key"].strip(), span)
                page.host_spans.append(span)
        elif parse_clock(value) and not page.time:
            page.time = parse_clock(value)
        elif key in {"date"}:
            continue
        elif not page.title and not key and len(text.split()) <= 25:
            _set_title(page, text, span)
            page.host_spans.append(span)
        elif page.title and text[:1].islower() and not page.lede and not key:
            # "by NATO Secretary General ..." continues the title
            page.title = f"{page.title} {furniture.clean(text)}"
            page.host_spans.append(span)
        else:
            page.lede.append(text)
    if page.date is None:
        page.date = _updated_date(header)
    if page.date is None:
        page.date, clock = _date_in_header(header)
        page.time = page.time or clock
    if fm is not None:
        if fm.get("title"):  # the export's catalogue title beats a line of print furniture
            page.title, page.title_span = collapse(fm.get("title") or ""), fm.title_span
        page.date = page.date or _front_matter_date(fm)
    if page.location is None:
        for text in [page.title or "", *(p.text for p in header)]:
            page.location = _place_after_occasion(text)
            if page.location:
                break
    return page


_SEGMENTS = re.compile(r"\s*[:,]\s+|\s+[-–—]\s+")
_OCCASION = re.compile(
    r"\b(?:press conference|news conference|press briefing|briefing|doorstop|interview"
    r"|remarks|press statement|media statement|hearing|speech|address)\s*$",
    re.I,
)
_PLACE_WORDS = 6


def _names_a_person(text: str) -> bool:
    d = designations.parse(text)
    return d is not None and bool(d.title or d.honorific)


def _place_after_occasion(text: str) -> str | None:
    """ "Transcript of joint press conference: Adelaide: 17 August 2013", "Prime Minister's
    press conference - Kingston": the place a title names right after the occasion."""
    parts = _SEGMENTS.split(furniture.clean(text))
    for before, after in itertools.pairwise(parts):
        if not _OCCASION.search(before):
            continue
        words = after.split()
        if (
            0 < len(words) <= _PLACE_WORDS
            and after[:1].isupper()
            and not any(c.isdigit() for c in after)
            and parse_date(after) is None
            and not _names_a_person(after)
        ):
            place = after
            rest = text[text.find(after) + len(after) :]
            m = re.match(r"\s*,\s*([A-Z][\w.’' ]{1,30}?)\s*(?:[:,;]|$)", rest)
            if m and not any(c.isdigit() for c in m[1]) and len(m[1].split()) <= 3:
                place = f"{place}, {m[1]}"  # "AMBASSADOR'S RESIDENCE, WASHINGTON DC"
            return place
    return None


def _date_in_header(header: list[Para]) -> tuple[dt.date | None, str | None]:
    """A date inside a header line ("Volume 732: debated on Wednesday 10 May 2023"), and a
    clock time beside it ("Monday, 13 March 2023, 10 a.m.")."""
    for p in header[:_HEADER_DATE_LINES]:
        found = find_date(p.text)
        if found is not None:
            return found, clock_in(p.text)
    return None, None


def _updated_date(header: list[Para]) -> dt.date | None:
    """The "Updated: 14 Feb. 2018 19:20" date of a page, when nothing better is printed."""
    for p in header:
        m = _UPDATED.match(furniture.clean(p.text))
        if m and parse_date(m["date"]):
            return parse_date(m["date"])
    return None


def _set_title(page: EventPage, text: str, span: Span) -> None:
    page.title = furniture.clean(text)
    page.title_span = span


def _is_place(text: str) -> bool:
    return (
        len(text.split()) <= _PLACE_MAX_WORDS
        and furniture.is_unpunctuated(text)
        and not furniture.is_furniture_line(text)
        and parse_date(text) is None
    )


def _join_place(lines: list[str]) -> str:
    place = ""
    for line in lines:
        line = line.strip().strip("*_ ").strip()
        if not line:
            continue
        place = f"{place} {line}" if place.endswith(",") or not place else f"{place}, {line}"
    return place.strip()


def _front_matter_date(fm: FrontMatter) -> dt.date | None:
    value = fm.fields.get("date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value)) if value else None


# ---------------------------------------------------------------- kind


@cache
def _kind_rules() -> tuple[tuple[EventKind, re.Pattern[str]], ...]:
    return tuple(
        (EventKind(kind), re.compile(pattern, re.I))
        for kind, pattern in load("event_kinds")["rules"]
    )


def kind_of(title: str | None) -> EventKind:
    """The kind of event its title names ("Press Conference at ..." -> PRESS_CONFERENCE)."""
    for kind, pattern in _kind_rules():
        if title and pattern.search(title):
            return kind
    return EventKind.OTHER


def untitled_title(kind: EventKind, speaker: str | None, date: dt.date | None) -> str:
    """A title for an event whose page prints none, from what was read (event_kinds.yaml):
    a list of events must not show a column of "Untitled transcript"."""
    if speaker is None and date is None:
        return "Untitled transcript"
    title = load("event_kinds")["untitled"][kind.value]
    if speaker is not None:
        title += f" by {speaker}"
    if date is not None:
        title += f", {date.day} {date:%B %Y}"
    return title

"""Speaker labels at the start of a paragraph: "MODERATOR:", "Mr Putin:", "Q    Mr. President".

A label is told from a sentence that happens to end in a colon by its shape: short, no sentence
punctuation, and either a role from ``data/labels.yaml`` or a person designation (office words
and a capitalised personal name, see ``designations``). A lone word ("NAZARBAYEV:") is only a
*weak* label: the page must confirm it (see ``turns``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache

from service.ingestion import analysis, designations
from service.ingestion.datafiles import load, word_set
from service.ingestion.designations import Designation
from service.ingestion.model import OrganisationKind, Span
from service.ingestion.text import collapse

_EMPHASIS = "*_"
_CANDIDATE = re.compile(
    r"(?P<pre>[*_]{0,3})(?P<label>[^\n:]{1,160}?)(?P<post>[*_]{0,3})[ \t]*:(?P<close>[*_]{0,3})"
    r"(?=\s|$|[A-Z“\"‘(\[])"
)
_PARENS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_SENTENCE_PUNCT = re.compile(r"[,;!?\"“”«»…]|\.\.")
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]{1,3}\.|(?:[^\W\d_]\.){1,3})$")
_MAX_TOKENS = 20
_MAX_OWN_LINE = 120  # characters of a label on a line of its own
_QUESTION_NUMBER = re.compile(r"(?:Q\d{1,3}\.?[ \t]+)?\[\d{3,}\][ \t]+|Q\d{1,3}\.[ \t]+")
_TERMINAL = re.compile(r"[.?!,;…\"”’]$")


@dataclass(frozen=True)
class Label:
    """A speaker label found at ``span``; the spoken text starts at ``body_start``."""

    raw: str  # as printed, whitespace collapsed, without the colon
    span: Span
    body_start: int
    side: str | None  # question | moderator | interpreter | answer, for role labels
    designation: Designation | None  # for person and contextual labels
    titles: tuple[str, ...] = ()  # offices in parentheses: "(Secretary General of NATO)"
    annotations: tuple[str, ...] = ()  # "(retranslated)"
    outlet: str | None = None  # a news outlet in parentheses: "Robin Emmott (Reuters)"
    mid_line: bool = False  # found by the colon-less form ("Q    text")

    @property
    def weak(self) -> bool:
        """A lone word that needs confirmation from the page (a surname seen elsewhere)."""
        d = self.designation
        return (
            d is not None
            and not d.contextual
            and len(d.name) == 1
            and not d.title
            and not d.honorific
            and not self.titles
        )

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.raw if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)


@cache
def _sides(key: str) -> dict[str, str]:
    """labels.yaml's ``key`` (side -> role names) as role name -> side."""
    table: dict[str, str] = {}
    for side, names in load("labels")[key].items():
        for name in names:
            table[str(name).lower()] = side
    return table


def _roles() -> dict[str, str]:
    return _sides("roles")


@cache
def _annotations() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"^(?:{a})$", re.I) for a in load("labels")["annotations"])


@cache
def _colon_optional() -> re.Pattern[str]:
    forms = "|".join(re.escape(str(f)) for f in load("labels")["colon_optional"])
    return re.compile(rf"(?P<label>(?:{forms}))(?:[ \t]{{2,}}|\.[ \t]+)(?=\S)")


def _abbreviated_office(core: str) -> Designation | None:
    """ "PM:", "P M:", "V.P.:" stand for an office, as "THE PRIME MINISTER:" does."""
    office = designations.office_abbreviations().get(core.replace(" ", "").replace(".", "").upper())
    if office is None or not core.replace(" ", "").replace(".", "").isupper():
        return None
    return Designation(title=office.split(), title_known=True, contextual=True)


def _outlet_after_comma(core: str) -> tuple[str, str | None]:
    """ "Laura Kuenssberg, BBC" -> the name and the news outlet after its comma; any other
    label unchanged (an office after the comma is _apposition's)."""
    name, comma, tail = core.rpartition(",")
    tail, name = tail.strip(), name.strip()
    if not comma or not name or not tail:
        return core, None
    words = tail.split()
    known = (" ".join(words[:k]) for k in range(len(words), 0, -1))
    # the vocabulary's outlet, also before a job ("CNN ANCHOR", "Fox News chief correspondent")
    outlet = next((w for w in known if _is_news_outlet(w)), None)
    if outlet is None and is_outlet(tail):
        outlet = tail  # an outlet the vocabulary does not know ("Kuzbass Newspaper")
    if outlet is None:
        return core, None
    d = designations.parse(name)
    if d is None or len(d.name) < 2 or d.contextual:
        return core, None
    return name, outlet


_ROLE_NUMBER = re.compile(r"\s*(?:#\s*)?\d{1,3}$")
_ROLE_MARK = re.compile(r"[\s_]*(?:#\s*)?(?:\d{1,3}|[a-z])$")


def role_side(core: str) -> str | None:
    """The side a role label speaks for ("Question" -> question), else None. A number after
    the role tells people of one role apart ("Reporter 2", "Audience Member #3"); some roles
    are labels only with one ("Speaker 1", "SPEAKER_00", "Speaker B")."""
    role = collapse(core).lower().strip(" .")
    found = _roles().get(role) or _roles().get(_ROLE_NUMBER.sub("", role))
    if found is None and _ROLE_MARK.search(role):
        found = _sides("numbered_roles").get(_ROLE_MARK.sub("", role))
    return found


def is_annotation(text: str) -> bool:
    text = collapse(text).strip(" .")
    return any(p.match(text) for p in _annotations())


def is_outlet(text: str) -> bool:
    """A news outlet named in a label's parentheses ("Reuters", "Deutsche Welle")."""
    known = analysis.organisation_by_name(text)
    if known is not None:
        return known.kind == OrganisationKind.MEDIA
    words = re.split(r"[\s\-]+", text.lower())
    if words[0] in designations.role_words():
        return False  # "(Director General of the Agency)" is an office
    return bool(set(words) & word_set("labels", "outlet_words"))


def find(work: str, start: int, end: int, known: Collection[str] = ()) -> Label | None:
    """The label opening the line ``work[start:end]``, if the line starts with one."""
    m = _CANDIDATE.match(work, start, end)
    if m:
        label = _judge(work, m.start("label"), m.end("label"), m.end(), end, known)
        tight = m.end() < end and not work[m.end()].isspace()
        if label is not None and (not tight or label.all_caps):  # "THE PRESIDENT:Thank you"
            return label
    m = _colon_optional().match(work, start, end)
    if m:
        side = role_side(m["label"])
        if side:
            return Label(
                raw=m["label"],
                span=Span(m.start("label"), m.end("label")),
                body_start=_skip_space(work, m.end(), end),
                side=side,
                designation=None,
                mid_line=True,
            )
    return None


# "Mr. SMITH. Thank you.", "CHAIRMAN GREENSPAN. We ...", "The CHAIRMAN. The committee will
# come to order.": words ending in a surname or office in capitals, then a full stop and text.
_PERIOD_LABEL = re.compile(
    r"(?P<label>(?:[A-Z][A-Za-z]{0,12}\.?[ \t]+){0,3}"
    r"[A-Z][A-Z’'\-]+(?:[ \t]+(?:of[ \t]+)?[A-Z][A-Z’'\-]+){0,2})"
    r"\.[ \t]+(?=[\"“(\[]?[A-Z0-9])"
)


def find_period(work: str, start: int, end: int) -> Label | None:
    """A label closed by a full stop, as congressional hearings and central-bank transcripts
    print them. Only a candidate: the page must repeat the form (``pipeline``) before a
    line-initial "NATO. ..." could count."""
    m = _PERIOD_LABEL.match(work, start, end)
    if not m:
        return None
    raw = collapse(m["label"])
    capitals = [w for w in raw.split() if len(w) > 1 and w.isupper()]
    if not capitals:
        return None
    side = role_side(raw)
    d = None if side else designations.parse(raw)
    if side is None and (d is None or not (d.name or d.contextual)):
        return None
    return Label(
        raw,
        Span(m.start("label"), m.end("label")),
        _skip_space(work, m.end(), end),
        side,
        d,
        mid_line=True,
    )


# "PRESIDENT ZELENSKY – Thank you.", "Le Monde — Minister, ...": a label closed by a spaced
# dash, as some presidencies and newspapers print interviews.
_DASH_LABEL = re.compile(r"(?P<label>[^\n–—:]{1,80}?)[ \t]+[–—-][ \t]+(?=\S)")


def opens_paragraph(work: str, start: int) -> bool:
    """The line at ``start`` follows a blank line or a finished sentence: it is no wrapped
    continuation of the line before."""
    line_start = work.rfind("\n", 0, start) + 1
    previous = work[work.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
    previous = previous.rstrip()
    return not previous or previous[-1] in '.?!:;"”’)]'


def find_dash(work: str, start: int, end: int) -> Label | None:
    """A label closed by a spaced dash. Only a candidate, as ``find_period``'s: the page must
    repeat the form (``pipeline``) before "Ukraine – a partner ..." could count."""
    m = _DASH_LABEL.match(work, start, end)
    if not m or not opens_paragraph(work, start):
        return None
    label = _judge(work, m.start("label"), m.end("label"), m.end(), end, ())
    if label is not None and label.side is None and analysis.is_organisation(label.raw):
        return None  # "NATO — NATO stands together.": an organisation is said, not speaking
    return label


def join_split(work: str, previous: tuple[int, int], label: Label) -> Label | None:
    """A capitals label broken over two lines ("THE" / "PRESIDENT: Well, ..."): the short
    capitals line before it and the label read as one."""
    start, end = previous
    fragment = collapse(work[start:end])
    words = fragment.split()
    if not (0 < len(words) <= 3 and fragment.isupper() and not label.side) or not label.all_caps:
        return None
    if work.count("\n", end, label.span.start) != 1 or not fragment.replace(" ", "").isalpha():
        return None
    raw = f"{fragment} {label.raw}"
    d = designations.parse(raw)
    if d is None or not (d.name or d.contextual) or role_side(raw):
        return None
    return Label(raw, Span(start, label.span.end), label.body_start, None, d, label.titles)


def find_misprinted(work: str, start: int, end: int, printed: Label) -> Label | None:
    """A label of this page printed with a full stop for its colon ("PRESIDENT TRUMP.  Yeah.").

    Only capitals labels already seen with a colon qualify: the same words in capitals, then a
    stop and spaces, is no sentence.
    """
    pos = _skip_space(work, start, end)
    stop = pos + len(printed.raw)
    if collapse(work[pos:stop]) != printed.raw or work[stop : stop + 1] not in {".", ";"}:
        return None
    after = stop + 1
    if after < end and work[after] not in " \t":
        return None
    return Label(
        printed.raw,
        Span(pos, stop),
        _skip_space(work, after, end),
        printed.side,
        printed.designation,
        printed.titles,
        printed.annotations,
        printed.outlet,
    )


def _apposition(core: str) -> tuple[str, str | None]:
    """ "Sergei Lavrov, Foreign Minister" -> the name and the office after the comma;
    "Official Spokesperson, Shri Arindam Bagchi" -> the name after the office."""
    name, comma, office = core.partition(",")
    office, name = office.strip(), name.strip()
    if not comma or not office or "," in office:
        return core, None
    reversed_form = _office_first(name, office)
    if reversed_form is not None:
        return reversed_form
    first = office.split()[0].lower()
    if first not in designations.role_words() and first not in designations.honorifics():
        office_d = designations.parse(office)  # "NSC SPOKESMAN": an acronym, then the office
        if office_d is None or office_d.name or not office_d.title_known:
            return core, None
    d = designations.parse(name)
    if d is None or not d.name or d.title or d.contextual:
        return core, None
    return name, office


def _office_first(office: str, name: str) -> tuple[str, str] | None:
    office_d, name_d = designations.parse(office), designations.parse(name)
    if office_d is None or office_d.name or not office_d.title_known:
        return None
    if name_d is None or len(name_d.name) < 2 or name_d.title:
        return None
    return name, office


def _skip_space(work: str, pos: int, end: int) -> int:
    while pos < end and work[pos] in " \t":
        pos += 1
    return pos


def _judge(
    work: str, lstart: int, lend: int, colon_end: int, line_end: int, known: Collection[str]
) -> Label | None:
    raw_text = work[lstart:lend]
    stripped = raw_text.strip(" \t" + _EMPHASIS)
    if not stripped or not stripped[0].isalpha():
        return None
    lstart += len(raw_text) - len(raw_text.lstrip(" \t" + _EMPHASIS))
    read = _read(collapse(stripped), frozenset(known))
    if read is None:
        return None
    raw, side, designation, titles, notes, outlet = read
    return Label(
        raw,
        Span(lstart, lstart + len(stripped)),
        _skip_space(work, colon_end, line_end),
        side,
        None if designation is None else designation.copy(),  # callers may refine it
        titles,
        notes,
        outlet,
    )


_Reading = tuple[str, str | None, Designation | None, tuple[str, ...], tuple[str, ...], str | None]


@lru_cache(maxsize=4096)  # a page repeats its labels; bounded, labels come from user text
def _read(raw: str, known: frozenset[str]) -> _Reading | None:
    """What a label's text says: side or designation, offices, notes and outlet."""
    titles: list[str] = []
    notes: list[str] = []
    outlets: list[str] = []
    for m in _PARENS.finditer(raw):
        inner = collapse(m.group(1) if m.group(1) is not None else m.group(2))
        if not inner:
            continue
        if is_annotation(inner):
            notes.append(inner)
        elif is_outlet(inner):  # also a lower-case name the vocabulary knows: "(dpa)"
            outlets.append(inner)
        elif inner[0].islower():
            notes.append(inner)
        else:
            titles.append(inner)
    core = collapse(_PARENS.sub(" ", raw))
    core, comma_outlet = _outlet_after_comma(core)
    if comma_outlet is not None:  # "Laura Kuenssberg, BBC": a journalist and her outlet
        outlets.insert(0, comma_outlet)
    core, office = _apposition(core)
    if office:
        titles.append(office)
    if not core or _SENTENCE_PUNCT.search(core):
        return None
    words = core.split()
    if len(words) > _MAX_TOKENS:
        return None
    if any("." in w and not _ABBREVIATION.match(w) for w in words[:-1]):
        return None
    side = role_side(core)
    outlet = outlets[0] if outlets else None
    if side is None and _is_news_outlet(core):  # "AFP:", "Global Times:" ask the questions
        side, outlet = "question", core
    if side == "question" and outlet is None:
        outlet = _asker_outlet(titles)
    if side:
        return raw, side, None, (), tuple(notes), outlet
    designation = _abbreviated_office(core) or designations.parse(core, known)
    if designation is None:
        return None
    if designation.contextual and not designation.name:
        holder = _named_holder(titles)
        if holder is not None:  # "The Prime Minister (Rishi Sunak)": the office, then who
            designation.name, designation.contextual = holder, False
            titles = [t for t in titles if designations.parse(t) is None]
    return raw, None, designation, tuple(titles), tuple(notes), outlet


def _is_news_outlet(core: str) -> bool:
    """A label that is the name of a news organisation the vocabulary knows: in the Chinese
    foreign ministry's briefings each question is labelled with its asker's outlet."""
    known = analysis.organisation_by_name(core)
    return known is not None and known.kind == OrganisationKind.MEDIA


def _is_place(text: str) -> bool:
    """A country or region of the vocabulary, or a city of journalists.yaml."""
    return analysis.is_place(text) or text.lower() in word_set("journalists", "cities")


_MAX_OUTLET_WORDS = 5


def _asker_outlet(parenthesised: list[str]) -> str | None:
    """What a question label's parentheses name is where the asker is from: "QUESTION
    (Rheinische Post)", an outlet the vocabulary may not know. Not an office ("(Director of
    the Agency)") nor a place ("(Moscow)"), and short: a sentence is no outlet."""
    for text in parenthesised:
        words = re.split(r"[\s\-]+", text.lower())
        if words[0] in designations.role_words() or _is_place(text):
            continue
        if len(words) <= _MAX_OUTLET_WORDS:
            return text
    return None


def _named_holder(parenthesised: list[str]) -> list[str] | None:
    """The full name in an office label's parentheses, as Hansard prints them."""
    for text in parenthesised:
        d = designations.parse(text)
        if d is not None and len(d.name) > 1 and not d.title and not d.contextual:
            return d.name
    return None


def find_own_line(work: str, start: int, end: int) -> Label | None:
    """A label standing alone on its line with no colon ("The Prime Minister (Rishi Sunak)",
    "Sir John Hayes (South Holland and The Deepings) (Con)"): only a candidate, which the page
    must confirm by its repeated use (``pipeline``)."""
    number = _QUESTION_NUMBER.match(work, start, end)  # "Q1. [904849] Sir John Hayes ..."
    start = number.end() if number else start
    text = work[start:end]
    if len(text) > _MAX_OWN_LINE or ":" in text or _TERMINAL.search(text.rstrip(")] ")):
        return None
    label = _judge(work, start, end, end, end, ())
    if label is None:
        return None
    d = label.designation
    if label.side is None and (d is None or not (d.name or (d.contextual and d.title_known))):
        return None
    return label

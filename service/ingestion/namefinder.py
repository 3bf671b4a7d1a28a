"""Finding person designations in running text: titles, ledes, self-introductions.

"Remarks by Vice President Harris and NATO Secretary General Jens Stoltenberg" names two people;
"Mr. Nursultan Nazarbayev, President of the Republic of Kazakhstan" names one with an office in
apposition. We cut the text into runs of capitalised words (with "of"/"the" inside offices) and
read each run with ``designations.parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingestion import analysis, designations
from service.ingestion.datafiles import word_set
from service.ingestion.designations import Designation

_TOKEN = re.compile(r"\S+")
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]{1,3}\.|(?:[^\W\d_]\.){1,3})$")
_CONNECTORS = {"of", "the", "and", "for"}
_LEADING = "“\"'‘«([<"
_TRAILING = "”\"'’»)]>"


@dataclass
class Found:
    designation: Designation
    start: int  # offsets into the text searched
    end: int


def find(text: str) -> list[Found]:
    """Person designations in ``text``: a title and/or a name of at least two words."""
    runs = _runs(text)
    found: list[Found] = []
    for run in runs:
        for piece in _pieces(run):
            d = designations.parse(" ".join(w for w, _, _ in piece))
            if d is not None:
                found.append(Found(d, piece[0][1], piece[-1][2]))
    return _attach_appositions(text, found)


def _pieces(run: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """The run itself if it reads as one designation, else its parts around "and", each
    trimmed of title words ("Remarks", "Before Bilateral Meeting")."""
    if designations.parse(" ".join(w for w, _, _ in run)) is not None:
        return [run]
    pieces: list[list[tuple[str, int, int]]] = [[]]
    for token in run:
        if token[0].lower() in {"and", "&"}:
            pieces.append([])
        else:
            pieces[-1].append(token)
    trimmed = []
    for piece in pieces:
        while piece and _is_filler(piece[0][0]):
            piece = piece[1:]
        while piece and _is_filler(piece[-1][0]):
            piece = piece[:-1]
        if piece:
            trimmed.append(piece)
    return trimmed


def _is_filler(word: str) -> bool:
    low = word.lower()
    if low in designations.role_words():
        return False
    return low in designations.not_names() or low in _CONNECTORS


def people(text: str) -> list[Designation]:
    """Designations that name a person (not just an office, an outlet or a place)."""
    return [
        f.designation
        for f in find(text)
        if f.designation.name
        and (len(f.designation.name) > 1 or f.designation.title_known)
        and not _names_a_thing(f.designation.name)
    ]


def _names_a_thing(name: list[str]) -> bool:
    """ "Radio Mayak", "Vesti FM", "St Petersburg": names of outlets, bodies and places."""
    text = " ".join(name)
    words = set(re.split(r"[\s\-]+", text.lower()))
    if words & word_set("labels", "outlet_words"):
        return True
    return analysis.is_organisation(text) or analysis.is_place(text)


def _runs(text: str) -> list[list[tuple[str, int, int]]]:
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    has_role = False
    tokens = list(_TOKEN.finditer(text))
    for idx, m in enumerate(tokens):
        raw = m.group()
        start, end = m.start(), m.end()
        if raw[0] in _LEADING and current:
            runs.append(current)
            current, has_role = [], False
        word = raw.lstrip(_LEADING)
        start += len(raw) - len(word)
        stop_after = False
        core = word.rstrip(_TRAILING + ",;:!?")
        if core != word or raw.endswith(tuple(_TRAILING)):
            stop_after = True
        if core.endswith(".") and not _ABBREVIATION.match(core):
            core, stop_after = core[:-1], True
        if re.search(r"['’]s$", core) and not (has_role and _starts_upper(tokens, idx + 1)):
            core, stop_after = re.sub(r"['’]s$", "", core), True
        end = start + len(core)
        low = core.lower()
        nxt = tokens[idx + 1].group().lstrip(_LEADING) if idx + 1 < len(tokens) else ""
        if not core:
            accept = False
        elif (
            core[0].isupper()
            or (low in designations.particles() and nxt[:1].isupper() and current)
            or (low in _CONNECTORS and current and has_role and _starts_upper(tokens, idx + 1))
        ):
            accept = True
        else:
            accept = False
        if accept:
            current.append((core, start, end))
            has_role = has_role or low in designations.role_words()
        elif current:
            runs.append(current)
            current, has_role = [], False
        if stop_after and current:
            runs.append(current)
            current, has_role = [], False
    if current:
        runs.append(current)
    return runs


def _starts_upper(tokens: list[re.Match[str]], idx: int) -> bool:
    """Token idx is capitalised, or is "the"/"of" followed by a capitalised one."""
    while idx < len(tokens):
        word = tokens[idx].group().lstrip(_LEADING)
        if word[:1].isupper():
            return True
        if word.lower() not in _CONNECTORS:
            return False
        idx += 1
    return False


def _attach_appositions(text: str, found: list[Found]) -> list[Found]:
    """ "Mr. X, President of Y" and "NATO Secretary General, Mr. X": the office goes to X."""
    kept: list[Found] = []
    for i, f in enumerate(found):
        d = f.designation
        if d.contextual or (not d.name and d.title):
            neighbours = []
            if i > 0 and _comma_between(text, found[i - 1].end, f.start):
                neighbours.append(found[i - 1])
            if i + 1 < len(found) and _comma_between(text, f.end, found[i + 1].start):
                neighbours.append(found[i + 1])
            for n in neighbours:
                if n.designation.name and not n.designation.title:
                    n.designation.title = list(d.title)
                    n.designation.title_known = d.title_known
                    break
            continue
        kept.append(f)
    return kept


def _comma_between(text: str, a: int, b: int) -> bool:
    return 0 <= b - a <= 3 and "," in text[a:b]

"""Finding organisations, places and themes in a paragraph of spoken text.

All surface forms of the vocabulary are compiled into one case-insensitive regular expression
shaped as a character trie, so a paragraph is scanned once and, at each position, the longest
form is tried first: "Collective Security Treaty Organisation" is one CSTO mention, not also an
"Organisation". A plain alternation of ~3,000 forms would make the regex engine try every form at
every position; the trie shares prefixes and keeps the whole corpus well under a second, without
a native dependency such as pyahocorasick (which would also need separate handling of word
boundaries, case rules and line-wrapped names).

Case rules are checked on each hit, not in the regex: a form without lower-case letters ("UN",
"WHO", "US") must match exactly, any other form needs its capital initial ("Turkey", never
"turkey"). A hit that fails falls back to the longest shorter form at the same place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from service.ingestion.model import Mention, Span, TopicKind
from service.ingestion.vocabulary import Surface, is_function_word, surfaces, topic_by_name

_WORD_END = re.compile(r"\w(?!\w)")
_PREVIOUS_WORD = re.compile(r"([A-Za-z][\w’'-]*) $")
_NEXT_WORD = re.compile(r" ([A-Z][a-z])")
_NAME_AFTER = re.compile(r"[ \t]+[A-Z][\w’'-]*")
_NAME_BEFORE = re.compile(r"([A-Z][\w’'.-]*)[ \t]+$")


def _key(text: str) -> str:
    """Lookup key of a form or a hit: lower case, one space, straight apostrophes."""
    return " ".join(text.replace("’", "'").lower().split())


def _char_pattern(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    return re.escape(char)


def _trie_regex(forms: list[str]) -> str:
    """A regex matching any of ``forms``, longest alternative first at every branch."""
    trie: dict[str, dict] = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        ends_here = "" in node
        branches = [_char_pattern(c) + render(child) for c, child in node.items() if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return f"(?:{body})?"
        return body

    return render(trie)


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    by_key: dict[str, tuple[Surface, ...]]


@cache
def _matcher() -> _Matcher:
    by_key: dict[str, list[Surface]] = {}
    for surface in surfaces():
        by_key.setdefault(_key(surface.form), []).append(surface)
    body = _trie_regex(sorted(by_key))
    pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    return _Matcher(pattern, {k: tuple(v) for k, v in by_key.items()})


def _case_fits(surface: Surface, hit: str) -> bool:
    if surface.exact:
        return " ".join(hit.split()) == surface.form
    return not surface.form[0].isupper() or hit[0].isupper()


def _looks_like_person(text: str, start: int, end: int) -> bool:
    """ "Chad" or "Jordan" next to another capitalised word is part of a person's name
    ("Jordan Peterson", "Michael Jordan"); "In Jordan" or "And Chad" is not."""
    if _NEXT_WORD.match(text, end):
        return True
    before = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
    return bool(before) and before.group(1)[0].isupper() and not is_function_word(before.group(1))


def _inside_name(text: str, start: int, end: int) -> bool:
    """Whether the hit is one word of a longer capitalised name: "Syrian National Dialogue
    Congress", "Congress Party", "the Krasnoye Znamya Severa newspaper", "the newspaper Golos
    Chitatelya". A place or nationality before it ("US media", "Australian media") or a word
    that only starts a sentence ("The") is no name."""
    if _NAME_AFTER.match(text, end):
        return True
    before = _NAME_BEFORE.search(text, max(0, start - 40), start)
    if not before:
        return False
    word = before.group(1)
    if is_function_word(word) or _at_sentence_start(text, before.start()):
        return False
    place = topic_by_name(word)
    return place is None or place.kind is not TopicKind.PLACE


def _at_sentence_start(text: str, pos: int) -> bool:
    opening = text[max(0, pos - 3) : pos].strip()
    return not opening or opening[-1] in '.!?:"“(['


def _accept(text: str, start: int, end: int) -> Surface | None:
    hit = text[start:end]
    for surface in _matcher().by_key.get(_key(hit), ()):
        if not _case_fits(surface, hit):
            continue
        if surface.first_name and _looks_like_person(text, start, end):
            continue
        if surface.standalone and _inside_name(text, start, end):
            continue
        return surface
    return None


def _longest_accepted(text: str, start: int, end: int) -> tuple[Surface, int] | None:
    """The longest acceptable form starting at ``start`` and ending at a word end <= ``end``."""
    ends = [m.end() for m in _WORD_END.finditer(text, start, end)]
    if text[end - 1] == ".":
        ends.append(end)
    for stop in sorted(set(ends), reverse=True):
        surface = _accept(text, start, stop)
        if surface:
            return surface, stop
    return None


def find_mentions(text: str, span: Span) -> tuple[list[Mention], list[Mention]]:
    """(organisation mentions, topic mentions) in ``text[span.start:span.end]``, in order,
    with absolute offsets; blockers ("New Mexico") consume their words and report nothing."""
    pattern = _matcher().pattern
    organisations: list[Mention] = []
    topics: list[Mention] = []
    pos = span.start
    while True:
        match = pattern.search(text, pos, span.end)
        if not match:
            break
        start, end = match.span()
        found = _longest_accepted(text, start, end)
        if found is None:
            first_word = _WORD_END.search(text, start, end)
            pos = first_word.end() if first_word else end
            continue
        surface, end = found
        pos = end
        if surface.ref is None:
            continue
        mention = Mention(ref=surface.ref, span=Span(start, end), text=text[start:end])
        (organisations if surface.category == "organisation" else topics).append(mention)
    return organisations, topics

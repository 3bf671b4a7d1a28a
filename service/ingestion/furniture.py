"""Page furniture: navigation, link blocks, tag lists, captions, "END" lines.

None of it was said by anyone, so it must never become (part of) a statement. The words are in
``data/furniture.yaml``; this module only knows the shapes: a single line, a heading with
(title, date) link pairs under it, a closing list of tags, a photo caption.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from service.ingestion.datafiles import load, word_set
from service.ingestion.dates import parse_clock, parse_date
from service.ingestion.text import collapse

_EMPHASIS = re.compile(r"^[*_]+|[*_]+$")
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
_TERMINAL = re.compile(r"[.?!:;,…]$")
_TAG_MAX_WORDS = 10
_LONGEST_FURNITURE = 300  # characters: a longer paragraph is always text
_RUNNING_MAX_WORDS = 10
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?-?\s*\d{1,3}\s*-?(?:\s+of\s+\d{1,3})?$", re.I)


def clean(text: str) -> str:
    """A line as furniture rules see it: whitespace collapsed, Markdown emphasis removed."""
    line = collapse(text)
    return _EMPHASIS.sub("", line).strip() if "*" in line or "_" in line else line


@cache
def _line_patterns() -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in load("furniture")["lines"])
    return re.compile(rf"^(?:{alternatives})$", re.I)


def _heading(text: str, key: str) -> bool:
    return clean(text).lower() in word_set("furniture", key)


def is_furniture_line(text: str, *, clocks: bool = True) -> bool:
    """A line that is furniture on its own: "Text version", "MP3/5770kb", "END  1:26 P.M.".

    A clock time alone on a line closes White House transcripts; in a header it is the
    event's time, so header readers pass ``clocks=False``.
    """
    line = clean(text)
    return (
        bool(_line_patterns().match(line))
        or bool(_line_patterns().match(collapse(text)))
        or (clocks and parse_clock(line) is not None)
    )


def is_unpunctuated(text: str) -> bool:
    """A title-like line: no sentence punctuation at its end."""
    return not _TERMINAL.search(clean(text))


def remove(
    texts: Sequence[str],
    *,
    captions: bool = False,
    title: str | None = None,
    is_designation: Callable[[str], bool] | None = None,
    lines: Sequence[Sequence[str]] | None = None,
) -> list[bool]:
    """For each line (or paragraph) of a page body: True when it is furniture.

    ``lines`` gives each paragraph's lines when the page is hard-wrapped: a printed page's
    number and running header then share one paragraph, which is furniture when all of its
    lines are.
    """
    n = len(texts)
    furniture = _running_paragraphs(lines) if lines is not None else _running_lines(texts)
    i = 0
    while i < n:
        text = texts[i]
        if len(text) > _LONGEST_FURNITURE:
            i += 1
            continue
        if is_furniture_line(text):
            furniture[i] = True
            i += 1
            continue
        if _heading(text, "tag_blocks") and _tags_to_end(texts, i):
            for k in range(i, n):
                furniture[k] = True
            break
        if _heading(text, "link_blocks"):
            furniture[i] = True
            i = _skip_links(texts, i + 1, furniture)
            continue
        if _heading(text, "heading_with_link") and i + 1 < n and is_unpunctuated(texts[i + 1]):
            furniture[i] = furniture[i + 1] = True
            i += 2
            continue
        if captions and is_caption(text, title=title, is_designation=is_designation):
            furniture[i] = True
        i += 1
    return furniture


def _running_lines(texts: Sequence[str]) -> list[bool]:
    """Running headers and footers of a printed page: a short unpunctuated line printed beside
    a page number ("PRIME MINISTER" over "2"), and wherever else that same line recurs.

    A page number is the evidence: a short line repeated without one ("Thank you") may be
    what somebody said.
    """
    keys = [clean(t).lower() for t in texts]
    short = [
        len(t) <= _LONGEST_FURNITURE
        and len(t.split()) <= _RUNNING_MAX_WORDS
        and is_unpunctuated(t)
        and not key.startswith(("(", "["))  # "(inaudible)" is what a turn said
        for t, key in zip(texts, keys, strict=True)
    ]
    beside_numbers: set[str] = set()
    for i, key in enumerate(keys):
        if _PAGE_NUMBER.match(key):
            for k in (i - 1, i + 1):
                if 0 <= k < len(texts) and short[k] and not _PAGE_NUMBER.match(keys[k]):
                    beside_numbers.add(keys[k])
    return [s and key in beside_numbers for s, key in zip(short, keys, strict=True)]


def _running_paragraphs(lines: Sequence[Sequence[str]]) -> list[bool]:
    """Paragraphs made only of page numbers, running headers and furniture lines."""
    flat = [line for para in lines for line in para]
    running = _running_lines(flat)
    marks, k = [], 0
    for para in lines:
        marks.append(
            bool(para)
            and all(
                running[k + j] or _PAGE_NUMBER.match(clean(line)) or is_furniture_line(line)
                for j, line in enumerate(para)
            )
        )
        k += len(para)
    return marks


def _skip_links(texts: Sequence[str], i: int, furniture: list[bool]) -> int:
    """Mark (linked title, date) pairs after a "See also" heading; return the next index."""
    while i + 1 < len(texts):
        title, date = clean(texts[i]), clean(texts[i + 1])
        if not (_is_date_or_range(date) and len(title.split()) <= 25):
            break
        furniture[i] = furniture[i + 1] = True
        i += 2
    return i


_RANGE_DATE = re.compile(
    r"^[A-Za-z]+ \d{1,2}\s*[−–-]\s*(?:[A-Za-z]+ )?\d{1,2},? \d{4}$"
    r"|^\d{1,2}\s*[−–-]\s*\d{1,2} [A-Za-z]+,? \d{4}$"
)


def _is_date_or_range(text: str) -> bool:
    return parse_date(text) is not None or bool(_RANGE_DATE.match(text))


def _tags_to_end(texts: Sequence[str], i: int) -> bool:
    """Every line from i on is a short tag (or furniture): a closing tag list."""
    for text in texts[i:]:
        if len(text) > _LONGEST_FURNITURE:
            return False
        line = clean(text)
        if is_furniture_line(line) or _is_date_or_range(line):
            continue
        if len(line.split()) > _TAG_MAX_WORDS or not is_unpunctuated(line):
            return False
    return True


@cache
def _speech_words() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load("furniture")["captions"]["speech_words"])


def is_caption(
    text: str,
    *,
    title: str | None = None,
    is_designation: Callable[[str], bool] | None = None,
) -> bool:
    """A photo caption: "With President of Finland Sauli Niinisto.", "Meeting with employees."

    Captions are short, end with a full stop, have no pronoun or finite verb, and name the
    occasion or a person; spoken one-liners ("Thank you.", "Go ahead, please.") do not.
    """
    line = clean(text)
    rules = load("furniture")["captions"]
    words = _WORD.findall(line)
    if not words or not line.endswith(".") or len(words) > rules["max_words"]:
        return False
    if not line[0].isupper():
        return False
    lows = [w.lower() for w in words]
    if set(lows) & _speech_words():
        return False
    if title and line.rstrip(".").lower() == clean(title).rstrip(".").lower():
        return True
    head = " ".join(lows[: rules["occasion_window"] + 2])
    if any(re.search(rf"\b{w}\b", head) for w in rules["occasion_words"]):
        return True
    body = line.rstrip(".")
    if lows[0] in {p.lower() for p in rules["person_prefixes"]}:
        body = body.split(" ", 1)[1] if " " in body else ""
    return bool(is_designation and body and is_designation(body))

"""Text normalisation that never moves an offset.

The stored original must stay byte-for-byte what the user sent, yet parsing wants one kind of
space, one kind of line break and unwrapped paragraphs. So we build a *working text* of exactly
the same length: every offset found in it is an offset into the original.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from service.ingestion.datafiles import load
from service.ingestion.model import RejectedDocument, Span

# Characters replaced by a plain space in the working text (same length, so offsets hold).
_SPACE_LIKE = re.compile(r"[\t\r\f\v\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_LINE_SEPARATORS = re.compile(r"[\u0085\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_SENTENCE_END = re.compile(r"[.?!:;…\"”’)\]]$")

# Long lines needed before a page is judged hard-wrapped.
_MIN_WRAP_EVIDENCE = 5
# Wider lines than this are unwrapped paragraphs; a wrapped page has at most this share of them.
_WRAP_WIDTH = 100
_WIDE_SHARE = 0.1
# Share of control or replacement characters above which text is taken for binary data.
_BINARY_SHARE = 0.01


@dataclass(frozen=True)
class Line:
    """A non-blank line: the span of its content, surrounding whitespace excluded."""

    start: int
    end: int
    indent: int  # leading whitespace before ``start``

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def validate(text: str, max_chars: int) -> None:
    """Refuse text that cannot be a transcript page whatever its layout."""
    if len(text) > max_chars:
        raise RejectedDocument(
            "TOO_LARGE", f"The text has {len(text)} characters; the limit is {max_chars}."
        )
    if not text.strip():
        raise RejectedDocument("EMPTY_DOCUMENT", "The text is empty or only whitespace.")
    if "\x00" in text:
        raise RejectedDocument("BINARY_DOCUMENT", "The text contains NUL bytes: binary data.")
    odd = len(_CONTROL.findall(text)) + text.count("\ufffd")
    if odd > max(8, _BINARY_SHARE * len(text)):
        raise RejectedDocument(
            "BINARY_DOCUMENT",
            "The text is full of control or undecodable characters: binary data.",
        )


def working_text(original: str) -> str:
    """Same length as ``original``; odd spaces become " " and odd line breaks "\\n".

    Inline speaker tags (``<NAME>Chair Powell</NAME>. Good afternoon``) become a line break
    and a colon label, also of the same length, so that the label reads like any other.
    """
    work = _SPACE_LIKE.sub(" ", original)
    work = _LINE_SEPARATORS.sub("\n", work)
    work = _TIMESTAMPS.sub(_blank, work)
    work = _CAPTION_MARKS.sub(_blank, work)
    return _inline_tags().sub(_tag_as_label, work)


# Recording timestamps of subtitle, speech-recognition and transcription-service pages, blanked
# in the working text (same length): "[00:01:12] Reporter: ...", "00:01:12 Reporter: ...",
# "Joe Biden: (00:00)" over what he said, SRT cue lines "00:00:01,000 --> 00:00:04,000". A
# clock time without seconds at a line start stays: "12:33 P.M. EDT" is when an event began.
_STAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMESTAMPS = re.compile(
    rf"(?m)^[ \t]*\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?[ \t]*-->[ \t]*{_STAMP}[ \t]*$"
    rf"|^[ \t]*[\[(]{_STAMP}[\])](?=[ \t])"
    rf"|^[ \t]*\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?(?=[ \t]+(?![ap]\.?m\b)[^\W\d])"
    rf"|(?<=:)[ \t]*[\[(]{_STAMP}[\])](?=[ \t]*$)",
    re.I,
)


# Closed captions mark each change of speaker with ">>" at a line's start (">> KIRBY: ..."),
# named or not: a mark, never text.
_CAPTION_MARKS = re.compile(r"(?m)^[ \t]*>>+[ \t]*")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


@cache
def _inline_tags() -> re.Pattern[str]:
    names = "|".join(re.escape(str(n)) for n in load("labels")["inline_tags"])
    return re.compile(
        rf"<(?P<tag>{names})>(?P<label>[^<>\n]{{1,120}})</(?P=tag)>(?P<stop>[ \t]*[.:])?", re.I
    )


def _tag_as_label(m: re.Match[str]) -> str:
    """``<NAME>X</NAME>.`` -> ``\\n`` + spaces + ``X:`` + spaces: a label at a line start."""
    opening = "\n" + " " * (len(m["tag"]) + 1)
    closing = ":" + " " * (len(m["tag"]) + 2 + len(m["stop"] or ""))
    return opening + m["label"] + closing


def lines(work: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``work[start:end]`` with stripped content spans."""
    end = len(work) if end is None else end
    found: list[Line] = []
    pos = start
    while pos < end:
        nl = work.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = work[pos:stop]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            s = pos + lead
            found.append(Line(s, s + len(stripped), lead))
        pos = stop + 1
    return found


def is_hard_wrapped(work: str, all_lines: list[Line]) -> bool:
    """Whether paragraphs are wrapped over several lines (Markdown pages) or one per line.

    Wrapped text has many long lines that stop mid-sentence and are followed by another line,
    and almost none wider than a wrapping width: a page with one paragraph per line (titles
    and captions stopping without a full stop) has many lines far past any width.
    """
    long_lines = 0
    broken = 0
    too_wide = 0
    for here, after in itertools.pairwise(all_lines):
        if here.end - here.start < 40:
            continue
        long_lines += 1
        too_wide += here.end - here.start > _WRAP_WIDTH
        adjacent = work.count("\n", here.end, after.start) == 1
        if adjacent and not _SENTENCE_END.search(work[here.start : here.end]):
            broken += 1
    return (
        long_lines >= _MIN_WRAP_EVIDENCE
        and broken / long_lines > 0.3
        and too_wide / long_lines <= _WIDE_SHARE
    )


def collapse(text: str) -> str:
    """Whitespace of any kind collapsed to single spaces, ends stripped."""
    return " ".join(text.split())


def unescape_markdown(text: str) -> str:
    """``\\[senior official\\]`` reads as ``[senior official]``: Markdown escapes are not speech."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)

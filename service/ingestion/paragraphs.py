"""Grouping lines into paragraphs.

One-block-per-line pages (Kremlin, NATO) have a paragraph per line, save a line visibly broken
off mid-sentence. Hard-wrapped Markdown pages (White House) have paragraphs separated by blank
lines and wrapped over several lines; there a speaker label at the start of a line also opens a
new paragraph even without a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.ingestion.model import Span
from service.ingestion.text import Line

_CLOSED = re.compile(r"[.?!:;,…\"”’)\]>]$")


def group(
    work: str,
    all_lines: list[Line],
    wrapped: bool,
    opens: Callable[[int], bool],
    joins: Callable[[int], bool] = lambda i: False,
) -> list[tuple[Span, list[int]]]:
    """Paragraphs as (span, indexes of their lines); ``opens(i)`` says line i starts one,
    ``joins(i)`` that it goes on from the line before (the second half of a split label)."""
    if not wrapped:
        return _lines_as_paragraphs(work, all_lines, opens, joins)
    paragraphs: list[tuple[Span, list[int]]] = []
    current: list[int] = []
    for i, line in enumerate(all_lines):
        if current:
            previous = all_lines[current[-1]]
            blank_between = work.count("\n", previous.end, line.start) > 1
            if blank_between or opens(i):
                paragraphs.append(_close(all_lines, current))
                current = []
        current.append(i)
    if current:
        paragraphs.append(_close(all_lines, current))
    return paragraphs


def _lines_as_paragraphs(
    work: str, all_lines: list[Line], opens: Callable[[int], bool], joins: Callable[[int], bool]
) -> list[tuple[Span, list[int]]]:
    """One paragraph per line, except that a line broken off mid-sentence (no closing
    punctuation, the next line going on in lower case) is joined to the next."""
    paragraphs: list[tuple[Span, list[int]]] = []
    current: list[int] = []
    for i, line in enumerate(all_lines):
        if (
            current
            and not joins(i)
            and not _continues(work, all_lines[current[-1]], line, opens(i))
        ):
            paragraphs.append(_close(all_lines, current))
            current = []
        current.append(i)
    if current:
        paragraphs.append(_close(all_lines, current))
    return paragraphs


def _continues(work: str, previous: Line, line: Line, opens: bool) -> bool:
    if opens or work.count("\n", previous.end, line.start) != 1:
        return False
    return not _CLOSED.search(work[previous.start : previous.end]) and work[line.start].islower()


def _close(all_lines: list[Line], indexes: list[int]) -> tuple[Span, list[int]]:
    return Span(all_lines[indexes[0]].start, all_lines[indexes[-1]].end), indexes


def unwrap(work: str, spans: list[Span]) -> str:
    """The working text with the line breaks inside each paragraph turned into spaces."""
    chars = list(work)
    for span in spans:
        pos = work.find("\n", span.start, span.end)
        while pos >= 0:
            chars[pos] = " "
            pos = work.find("\n", pos + 1, span.end)
    return "".join(chars)

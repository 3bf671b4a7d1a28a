"""Splitting a paragraph into sentences, for the context of a figure.

A sentence ends at ".", "!", "?" or "…" followed by white space and a capital, a digit or an
opening quote. A decimal point ("60.3%") is never followed by white space, and the full stop of
an abbreviation ("Mr.", "U.S.") or an initial ("J. Smith") does not end a sentence.
"""

from __future__ import annotations

import re

from service.ingestion.figure_lexicon import lexicon
from service.ingestion.model import Span

_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")


def _abbreviation_before(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` - 1 belongs to an abbreviation or an initial."""
    match = _LAST_WORD.search(text, max(0, stop - 12), stop)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in lexicon().abbreviations


def sentence_spans(text: str, span: Span) -> list[Span]:
    """The sentences of ``text[span.start:span.end]``, stripped, in order."""
    spans: list[Span] = []
    start = span.start
    for match in _END.finditer(text, span.start, span.end):
        single_stop = match.group().startswith(".") and match.group().count(".") == 1
        if single_stop and _abbreviation_before(text, match.start() + 1):
            continue
        spans.append(Span(start, match.end()))
        start = match.end()
    spans.append(Span(start, span.end))
    return [_strip(text, s) for s in spans if text[s.start : s.end].strip()]


def _strip(text: str, span: Span) -> Span:
    chunk = text[span.start : span.end]
    lead = len(chunk) - len(chunk.lstrip())
    return Span(span.start + lead, span.start + len(chunk.rstrip()))


def sentence_at(sentences: list[Span], pos: int) -> Span:
    """The sentence containing offset ``pos`` (the nearest one if ``pos`` is between two)."""
    for sentence in sentences:
        if pos < sentence.end:
            return sentence
    return sentences[-1]

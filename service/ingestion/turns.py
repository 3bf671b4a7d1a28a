"""Speaker turns: a label opens a turn, unlabelled paragraphs continue it, furniture is dropped.

Stage directions and editorial marks ("(Laughter.)", "[Lukashenko]", "<…>") are ordinary text:
they never open or close a turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from service.ingestion import furniture
from service.ingestion.events import Para
from service.ingestion.labels import Label
from service.ingestion.model import Span
from service.ingestion.text import collapse, unescape_markdown


@dataclass
class RawTurn:
    """A turn before classification: its label (None for a labelless speech) and paragraphs."""

    label: Label | None
    paragraphs: list[Span] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def words(self) -> int:
        return sum(len(t.split()) for t in self.texts)


def build(
    body: list[Para],
    work: str,
    *,
    markdown: bool,
    captions: bool,
    title: str | None,
    is_designation: Callable[[str], bool],
) -> list[RawTurn]:
    """The turns of an event body (paragraphs after the header)."""
    wrapped = any(len(p.lines) > 1 for p in body)
    marks = furniture.remove(
        [p.text for p in body],
        captions=captions,
        title=title,
        is_designation=is_designation,
        lines=[p.lines or [p.text] for p in body] if wrapped else None,
    )
    turns: list[RawTurn] = []
    for para, is_furniture in zip(body, marks, strict=True):
        if para.label is not None:
            turns.append(RawTurn(para.label))
            span = Span(para.label.body_start, para.span.end)
        elif is_furniture:
            continue
        else:
            if not turns:
                turns.append(RawTurn(None))
            span = para.span
        text = _text(work, span, markdown)
        if text:
            turns[-1].paragraphs.append(_trim(work, span))
            turns[-1].texts.append(text)
    return [t for t in turns if t.paragraphs]


def _text(work: str, span: Span, markdown: bool) -> str:
    text = collapse(work[span.start : span.end])
    return unescape_markdown(text) if markdown else text


def _trim(work: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and work[start].isspace():
        start += 1
    while end > start and work[end - 1].isspace():
        end -= 1
    return Span(start, end)

"""What a figure is about: the topics of its own sentence, not of its whole statement.

A statement's topics are everything it mentions anywhere, so "figures Putin quoted about trade"
by statement would return a population figure from an answer that mentions trade three
sentences later. A figure's topics are found by the statements' matcher (mentions.py: themes
and places) in the figure's sentence (``Figure.context``). The rule when that sentence names
none:

- the topics of the sentence right before it in the same statement ("We discussed the grain
  harvest. It came to 120 million tonnes." is about agriculture): a figure often continues
  the sentence that set its subject;
- else none. Never the whole statement's topics: that is the mistake this avoids.

It works on the statement's text (paragraphs joined by newlines, as stored) and the figures'
contexts, so ingestion and migration 0013 (which fills stored figures) give the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.ingestion.mentions import find_mentions
from service.ingestion.model import Span
from service.ingestion.sentences import sentence_spans


def _normal(text: str) -> str:
    return " ".join(text.split())


def _sentences(text: str) -> list[Span]:
    """The sentences of each paragraph (line) of a statement's text, in order."""
    out: list[Span] = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            out += sentence_spans(text, Span(start, start + len(line)))
        start += len(line) + 1
    return out


def _topics(text: str, span: Span) -> list[str]:
    """Topic slugs mentioned in ``text[span]``, each once, in order of first mention."""
    return list(dict.fromkeys(m.ref for m in find_mentions(text, span)[1]))


def figure_topics(statement_text: str, contexts: Sequence[str]) -> list[list[str]]:
    """Topic slugs of each figure of one statement, given the figures' contexts in text
    order. A context not found among the statement's sentences (a figure whose sentence was
    read differently) gets the topics of the context alone."""
    if not contexts:
        return []  # most statements quote no figure: no need to split them into sentences
    sentences = _sentences(statement_text)
    normal = [_normal(statement_text[s.start : s.end]) for s in sentences]
    found: dict[int, list[str]] = {}

    def topics_of(i: int) -> list[str]:
        if i not in found:
            found[i] = _topics(statement_text, sentences[i])
        return found[i]

    out: list[list[str]] = []
    at = 0
    for context in contexts:
        wanted = _normal(context)
        i = next((j for j in range(at, len(normal)) if normal[j] == wanted), None)
        if i is None:
            i = next((j for j in range(at) if normal[j] == wanted), None)
        if i is None:
            out.append(_topics(context, Span(0, len(context))))
            continue
        at = i
        own = topics_of(i)
        out.append(own if own or i == 0 else topics_of(i - 1))
    return [list(t) for t in out]

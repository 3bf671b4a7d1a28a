"""Sentences and quoted figures for the synthetic corpus.

Each sentence comes back with the spans of what it mentions (topics, organisations, persons,
figures) relative to the sentence, so the generator can turn them into document offsets that
index into the stored text exactly as the real ingestion's offsets do.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import vocab

SLOT = re.compile(r"\{(\w+)(?::([^}]*))?\}")


@dataclass(frozen=True)
class FigureValue:
    """A figure as the real ingestion normalises it (see service.ingestion.model.Figure)."""

    text: str
    value: float
    unit: str
    kind: str
    qualifier: str
    high: float | None = None
    counted: str | None = None


# A mention inside a sentence: (what, ref, start, end); what is "topic", "org", "person" or
# "figure"; ref is the entity id, or a FigureValue for figures.
Mention = tuple[str, object, int, int]

Template = tuple[tuple[str, str | None, str | None], ...]


def compile_template(text: str) -> Template:
    """Split a template into (literal, slot, argument) parts once, not per sentence."""
    parts: list[tuple[str, str | None, str | None]] = []
    pos = 0
    for m in SLOT.finditer(text):
        parts.append((text[pos : m.start()], m.group(1), m.group(2)))
        pos = m.end()
    parts.append((text[pos:], None, None))
    return tuple(parts)


QUALIFIERS: list[tuple[str, str, float]] = [
    ("", "EXACT", 0.55),
    ("about ", "APPROXIMATE", 0.12),
    ("over ", "MORE_THAN", 0.1),
    ("more than ", "MORE_THAN", 0.08),
    ("almost ", "ALMOST", 0.05),
    ("less than ", "LESS_THAN", 0.04),
    ("at least ", "AT_LEAST", 0.03),
    ("up to ", "AT_MOST", 0.03),
]
_QUAL_CUM = [sum(q[2] for q in QUALIFIERS[: i + 1]) for i in range(len(QUALIFIERS))]

SCALES = [("thousand", 1e3), ("million", 1e6), ("billion", 1e9)]
WORD_NUMBERS = ["two", "three", "four", "five", "ten"]


def _qualifier(rng: random.Random) -> tuple[str, str]:
    word, qual, _ = QUALIFIERS[_bisect(_QUAL_CUM, rng.random() * _QUAL_CUM[-1])]
    return word, qual


def _bisect(cum: Sequence[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _number(rng: random.Random, low: int, high: int, decimals: float = 0.25) -> float:
    if rng.random() < decimals:
        return round(rng.uniform(low, min(high, 99)), 1)
    return float(rng.randint(low, high))


def _fmt(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def money(rng: random.Random, counted: str | None) -> FigureValue:
    word, qual = _qualifier(rng)
    scale_name, scale = SCALES[_bisect([0.1, 0.7, 1.0], rng.random())]
    n = _number(rng, 1, 950)
    r = rng.random()
    if r < 0.45:
        text, unit = f"${_fmt(n)} {scale_name}", "USD"
    elif r < 0.6:
        text, unit = f"{_fmt(n)} {scale_name} dollars", "USD"
    elif r < 0.8:
        text, unit = f"{_fmt(n)} {scale_name} euros", "EUR"
    elif r < 0.95:
        text, unit = f"{_fmt(n)} {scale_name} roubles", "RUB"
    else:
        text, unit = f"{_fmt(n)} {scale_name} tenge", "KZT"
    return FigureValue(word + text, n * scale, unit, "MONEY", qual, counted=counted or None)


def percentage(rng: random.Random, counted: str | None) -> FigureValue:
    r = rng.random()
    if r < 0.1:
        low = float(rng.randint(5, 60))
        high = low + rng.choice([2, 5, 10])
        return FigureValue(
            f"{_fmt(low)}–{_fmt(high)}%",
            low,
            "percent",
            "PERCENTAGE",
            "EXACT",
            high,
            counted or None,
        )
    word, qual = _qualifier(rng)
    n = _number(rng, 1, 95, 0.3)
    text = f"{_fmt(n)}%" if r < 0.7 else f"{_fmt(n)} percent"
    return FigureValue(word + text, n, "percent", "PERCENTAGE", qual, counted=counted or None)


def mass(rng: random.Random, counted: str | None) -> FigureValue:
    word, qual = _qualifier(rng)
    r = rng.random()
    if r < 0.35:
        n = float(rng.randint(1, 99) * 100)
        text, value, unit = f"{_fmt(n)} kilograms", n, "kg"
    elif r < 0.7:
        n = float(rng.randint(1, 900))
        text, value, unit = f"{_fmt(n)} tonnes", n, "t"
    else:
        n = _number(rng, 1, 90, 0.4)
        text, value, unit = f"{_fmt(n)} million tonnes", n * 1e6, "t"
    return FigureValue(word + text, value, unit, "MASS", qual, counted=counted or None)


def count(rng: random.Random, counted: str | None) -> FigureValue:
    word, qual = _qualifier(rng)
    n = float(rng.choice([rng.randint(2, 99) * 100, rng.randint(1, 60) * 1000]))
    noun = counted or "people"
    return FigureValue(f"{word}{_fmt(n)} {noun}", n, "count", "COUNT", qual, counted=noun)


def times(rng: random.Random, counted: str | None) -> FigureValue:
    if rng.random() < 0.5:
        i = rng.randrange(len(WORD_NUMBERS))
        value = float([2, 3, 4, 5, 10][i])
        text = f"{WORD_NUMBERS[i]} times"
    else:
        value = rng.choice([1.5, 2.5, 3.5])
        text = f"{value} times"
    return FigureValue(text, value, "times", "MULTIPLIER", "EXACT", counted=counted or None)


def years(rng: random.Random, counted: str | None) -> FigureValue:
    word, qual = _qualifier(rng)
    n = float(rng.randint(2, 25))
    return FigureValue(
        f"{word}{_fmt(n)} years", n, "years", "DURATION", qual, None, counted or None
    )


FIGURES: dict[str, Callable[[random.Random, str | None], FigureValue]] = {
    "money": money,
    "pct": percentage,
    "mass": mass,
    "count": count,
    "times": times,
    "years": years,
}


# Share of sentences of each kind, and the Zipf-Mandelbrot (offset, exponent) by which the
# templates of a kind are drawn (earlier ones commoner). Calibrated against the real corpus with
# `python -m bench termstats`: ~1.8 topics, ~0.5 figures and ~0.55 organisation mentions per
# statement, and the commonest filler sentence in ~23% of statements (the real corpus's
# commonest content words, "president", "question", "thank", are in 20-25%; before, each of
# 15 equally weighted fillers was in ~30%).
SENTENCE_SHARES = {"mention": 0.150, "figure": 0.049, "filler": 0.801}
TEMPLATE_ZIPF = {"mention": (4.0, 0.5), "figure": (3.0, 1.0), "filler": (6.0, 0.9)}


def template_kind(template: Template) -> str:
    slots = {s for _, s, _ in template if s}
    if slots & FIGURES.keys():
        return "figure"
    return "mention" if slots else "filler"


class Phrases:
    """Compiled templates with weights: filler sentences are commoner than figure ones."""

    def __init__(self) -> None:
        self.sentences = [compile_template(t) for t in vocab.SENTENCES]
        self.questions = [compile_template(t) for t in vocab.QUESTIONS]
        self.moderation = [compile_template(t) for t in vocab.MODERATION]
        self.intros = [compile_template(t) for t in vocab.QUESTION_INTROS]
        kinds = [template_kind(t) for t in self.sentences]
        weights = [0.0] * len(kinds)
        for kind, share in SENTENCE_SHARES.items():
            members = [i for i, k in enumerate(kinds) if k == kind]
            offset, exponent = TEMPLATE_ZIPF[kind]
            raw = [1 / (rank + offset) ** exponent for rank in range(len(members))]
            for i, w in zip(members, raw, strict=True):
                weights[i] = share * w / sum(raw)
        self.sentence_cum = [sum(weights[: i + 1]) for i in range(len(weights))]

    def pick_sentence(self, rng: random.Random, previous: Template | None = None) -> Template:
        """A weighted random sentence template, never the same one twice in a row."""
        while True:
            t = self.sentences[_bisect(self.sentence_cum, rng.random() * self.sentence_cum[-1])]
            if t is not previous:
                return t


MENTION_KINDS = {"place": "topic", "theme": "topic", "org": "org", "person": "person"}

# fill(slot, argument) -> (surface, ref, skip): the first ``skip`` characters of the surface
# (an article, "the ") are not part of the mention.
Filler = Callable[[str, str | None], tuple[str, object, int]]


def render(template: Template, fill: Filler, rng: random.Random) -> tuple[str, list[Mention]]:
    """The sentence text and its mentions; ``fill(slot, arg)`` gives (surface, ref)."""
    out: list[str] = []
    mentions: list[Mention] = []
    pos = 0
    for literal, slot, arg in template:
        out.append(literal)
        pos += len(literal)
        if slot is None:
            continue
        if slot in FIGURES:
            fig = FIGURES[slot](rng, arg)
            surface, kind, ref, skip = fig.text, "figure", fig, 0
        else:
            surface, ref, skip = fill(slot, arg)
            kind = MENTION_KINDS.get(slot, "")  # {a}, the speaker's country, is no mention
        if pos == 0:
            surface = surface[0].upper() + surface[1:]
            if kind == "figure":
                ref = FigureValue(**{**ref.__dict__, "text": surface})  # type: ignore[attr-defined]
        out.append(surface)
        if kind:
            mentions.append((kind, ref, pos + skip, pos + len(surface)))
        pos += len(surface)
    return "".join(out), mentions

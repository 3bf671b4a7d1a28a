"""Quoted figures in a paragraph: amounts of money, percentages, masses and other measures,
counts of things, multipliers and durations, each with its unit, qualifier, range and what it
counts.

Reading goes number by number (numbers.py finds them): a currency symbol before, a scale and a
unit after, a second number joined by a range connector ("35–40%", "from 30 to 45 million
tonnes", "between 500 and 600"), a qualifier before ("over", "about", "up to") or after ("or
more"). Numbers that are not quantities are dropped first: years, dates, clock times, ordinals,
numbers inside names ("F-35", "Rubezh-2004", "G20"), references ("Article 5"). A number with no
unit is a count only when a plural noun follows ("4,000 drug crimes"); otherwise it borrows the
unit of a list it ends ("15, 20 and even 25%") or, when it carries a scale word, of the figure
before it in the sentence ("one and a half billion dollars, of which half a billion ..."), or
it is dropped. counted.py says what each figure counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingestion import counted, currency_context
from service.ingestion.base_units import to_base
from service.ingestion.figure_lexicon import UnitForm, key, lexicon
from service.ingestion.model import Figure, FigureKind, FigureQualifier, Span
from service.ingestion.numbers import (
    Number,
    find_numbers,
    money_scale,
    multiplier_word,
    multiplier_words,
)
from service.ingestion.sentences import sentence_at, sentence_spans

_ORDINAL = re.compile(r"(?:st|nd|rd|th)(?!\w)", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.’']*)[ \t]*\n?[ \t]*$")
_WORD_AFTER = re.compile(r"[ \t]*\n?[ \t]*([A-Za-z][A-Za-z.]*)")
_MONTH_AFTER = re.compile(r"\s+(?:of\s+)?([A-Z][a-z]+\.?)")
_DASH = re.compile(r"[-–‒]|[ \t]*[–‒][ \t]*|[ \t]+-[ \t]+")
_SUSPENDED = re.compile(r"-(?=\s+(?:to|or|and)\s)")  # "$20- to $24 billion", "$30- or $40,000"
_TO = re.compile(r"\s+to\s+")
_AND = re.compile(r"\s+and\s+")
_OR = re.compile(r"\s+or\s+")
_OPENER = re.compile(r"(?<![\w-])(?P<word>from|between)\s+$", re.IGNORECASE)
_LIST = re.compile(
    r"\s*,\s*(?:(?:and|or)\s+)?(?:even\s+|perhaps\s+|maybe\s+)?|\s+(?:and|or)\s+"
    r"(?:even\s+|perhaps\s+|maybe\s+|up\s+to\s+)?"
)
_SPACES = re.compile(r"\s+")
# A figure shortly before "in N days" makes it the time taken: "220 million shots in 100 days".
_RATE_BEFORE = re.compile(r"\d[\d,.]*(?:\s+(?:thousand|million|billion))?\s+[A-Za-z][^.;:!?]*$")
_NUMBER_NEXT = re.compile(
    r"[ \t]*\n?[ \t]*-?[ \t]*[$€£]?(?:\d|(?:one|two|three|four|five|a)\b)", re.I
)
_WORD_NEXT = re.compile(r"[ \t]*\n?[ \t]*[A-Za-z]")
_MEASURED = (FigureKind.MONEY, FigureKind.PERCENTAGE, FigureKind.MASS, FigureKind.OTHER)


@dataclass(frozen=True)
class _Side:
    """One number with what is written around it: "$28 million", "5,000 kilograms"."""

    number: Number
    start: int  # the currency symbol when there is one
    end: int  # past the unit when there is one
    value: float
    currency: str | None
    unit: UnitForm | None
    hyphenated: bool  # "3-percent", "five-year"


@dataclass
class _Draft:
    start: int
    end: int
    core_end: int  # end of number and unit, before a counted noun
    value: float
    high: float | None
    unit: str | None
    kind: FigureKind | None
    qualifier: FigureQualifier
    spelled_small: bool
    scaled: bool
    decimal: bool
    grouped: bool = False
    hyphenated: bool = False
    counted: str | None = None
    phrase: counted.Phrase | None = None  # a noun phrase after a bare number


# ---------------------------------------------------------------- single numbers


def _word_before(text: str, pos: int, lo: int) -> str | None:
    match = _WORD_BEFORE.search(text, max(lo, pos - 30), pos)
    return match.group(1) if match else None


def _word_after(text: str, pos: int, hi: int) -> str | None:
    match = _WORD_AFTER.match(text, pos, hi)
    return match.group(1) if match else None


def _is_excluded(text: str, number: Number, lo: int, hi: int) -> bool:
    """Numbers that are not quantities: parts of names, times, dates, references."""
    if number.spelled:
        return False
    before = text[number.start - 1] if number.start > lo else " "
    before2 = text[number.start - 2] if number.start - 1 > lo else " "
    after = text[number.end] if number.end < hi else " "
    after2 = text[number.end + 1] if number.end + 1 < hi else " "
    if before in "/+#№:" or after in "/+" or (after == ":" and after2.isdigit()):
        return True  # "MP3/5770kb", "1+1", "20:33", "9/11"
    if before in "-‐" and before2.isalpha():
        return True  # "F-35", "Canal-2004", "COVID-19"
    if _ORDINAL.match(text, number.end, hi):
        return True  # "8th", "1st"
    lex = lexicon()
    if lex.clock_after.match(text, number.end, hi):
        return True  # "9 o'clock", "3 p.m."
    word = _word_before(text, number.start, lo)
    if word and word.lower() in lex.reference_words:
        return True  # "Article 5", "No. 354"
    return _is_date(text, number, lo, hi)


def _is_date(text: str, number: Number, lo: int, hi: int) -> bool:
    """ "May 10", "1 July", "10th of May", "August 2004", "December 31, 2015"."""
    if number.decimal or number.grouped or number.scaled:
        return False
    months = lexicon().months
    before = _WORD_BEFORE.search(text, max(lo, number.start - 30), number.start)
    if before and before.group(1) in months:
        return True
    after = _MONTH_AFTER.match(text, number.end, hi)
    return bool(after) and after.group(1) in months and number.value <= 31


def _is_year(number: Number) -> bool:
    return (
        not (number.spelled or number.decimal or number.grouped or number.scaled)
        and number.value.is_integer()
        and 1000 <= number.value <= 2100
    )


def _currency_before(text: str, pos: int, lo: int) -> tuple[str, int] | None:
    """(ISO code, start of the symbol or code) written right before ``pos``."""
    lex = lexicon()
    for gap in (0, 1):
        if gap and (pos - 1 < lo or text[pos - 1] not in " \t"):
            continue
        stop = pos - gap
        if stop - 1 < lo or text[stop - 1] not in lex.currency_symbol_ends:
            continue
        for symbol, code in lex.currency_symbols:
            if text.startswith(symbol, stop - len(symbol)) and stop - len(symbol) >= lo:
                return code, stop - len(symbol)
    match = lex.currency_prefix_code.search(text, max(lo, pos - 5), pos)
    return (match.group("code"), match.start()) if match else None


def _unit_at(text: str, pos: int, hi: int) -> tuple[UnitForm, int, bool] | None:
    """(unit, end, hyphenated) of a unit written at ``pos``, right after a number."""
    lex = lexicon()
    match = lex.unit_after.match(text, pos, hi)
    if not match:
        return None
    sep, written = match.group("sep"), match.group("unit")
    fits = [f for f in lex.unit_forms[key(written)] if not f.exact or f.form == written]
    if not fits:
        return None
    form = fits[0]
    if sep == "" and not form.attached:
        return None
    if match.group("gap") and form.kind is not FigureKind.MONEY:
        return None
    bracketed = "[" in sep
    if bracketed != bool(match.group("close")):
        return None if bracketed else (form, match.end("unit"), sep == "-")
    return form, match.end(), sep == "-"


def _side(text: str, number: Number, lo: int, hi: int) -> _Side | None:
    """The number with its currency and unit; None when letters glued to it make it no
    quantity ("5770kb", "70years")."""
    currency = _currency_before(text, number.start, lo)
    value, end = number.value, number.end
    if currency:
        suffix = re.match(r"[a-z]{1,2}(?!\w)", text[end:hi], re.IGNORECASE)
        scale = money_scale(suffix.group()) if suffix else None
        if scale:
            value, end = value * scale, end + suffix.end()
    found = _unit_at(text, end, hi)
    if end < hi and text[end].isalpha() and not (found and found[1] > end):
        return None
    glued = text[end] == "-" and _qualifier_after(text, end, hi) is not None if end < hi else False
    if end + 1 < hi and text[end] == "-" and text[end + 1].isalpha() and not (found or glued):
        return None  # "26-plus-1", "13-room"; not "50-plus"
    unit, hyphenated = None, False
    if found:
        form, unit_end, hyphenated = found
        if not currency or form.unit == currency[0]:
            unit, end, value = form, unit_end, value * form.factor
    start = currency[1] if currency else number.start
    code = currency[0] if currency else None
    return _Side(number, start, end, value, code, unit, hyphenated)


def _unit_of(side: _Side) -> tuple[str, FigureKind] | None:
    if side.currency:
        return side.currency, FigureKind.MONEY
    if side.unit:
        return side.unit.unit, side.unit.kind
    return None


# ---------------------------------------------------------------- ranges


def _changes_from(text: str, opener_start: int, lo: int) -> bool:
    """Whether "from" follows a verb of change ("increase the threshold from 2 to 3 percent"):
    then the two numbers are a before and an after, not a range."""
    words = re.findall(r"[A-Za-z]+", text[max(lo, opener_start - 60) : opener_start])[-5:]
    verbs = lexicon().multiplier_before - {"by"}
    return any(w.lower() in verbs for w in words)


def _range(text: str, low: _Side, high: _Side, lo: int) -> tuple[float, float] | None:
    """(low value, high value) when ``low`` and ``high`` form a range, else None."""
    between = text[low.end : high.start]
    suspended = bool(_SUSPENDED.match(between))
    if suspended:
        between = between[1:]
    low_unit, high_unit = _unit_of(low), _unit_of(high)
    if low_unit and high_unit and not currency_context.same_currency(low_unit[0], high_unit[0]):
        return None
    if low_unit and high_unit and low_unit[1] is not high_unit[1]:
        return None
    if low.unit and not high_unit and not low.currency:
        return None  # "five minutes to ten" is a time of day
    low_value = low.value
    written_high = high.number.value / high.number.scale
    if not low.number.scaled and high.number.scaled and low.number.value <= written_high:
        low_value = low.value * high.number.scale  # "30 to 45 million tonnes"
    elif _thousands_elided(low, high, suspended):
        low_value = low.value * 1000  # "50 - 51,000 people", "$30- or $40,000"
    opener = _OPENER.search(text, max(lo, low.start - 12), low.start)
    if _OR.fullmatch(between):
        if (low_unit and not suspended) or not high_unit:
            return None
        return min(low_value, high.value), max(low_value, high.value)
    if _AND.fullmatch(between):
        if not opener or opener.group("word").lower() != "between":
            return None
    elif _TO.fullmatch(between):
        if opener and _changes_from(text, opener.start(), lo):
            return None
    elif not _DASH.fullmatch(between):
        return None
    if low_value > high.value:
        return None
    return low_value, high.value


def _thousands_elided(low: _Side, high: _Side, suspended: bool) -> bool:
    """Whether a small bare low number shares the "thousand" of the high one: "50 - 51,000
    people" is 50,000 to 51,000. Without a suspended hyphen ("30- or 40,000") only when the
    two are then of one size, so "1 to 3,000" stays 1 to 3,000."""
    number = low.number
    if number.grouped or number.scaled or number.decimal or high.number.scaled:
        return False
    if not high.number.grouped or high.value % 1000 or low.value >= 1000:
        return False
    widened = low.value * 1000
    return widened <= high.value and (suspended or widened >= high.value / 2)


# ---------------------------------------------------------------- qualifiers


def _qualifier_before(text: str, pos: int, lo: int) -> tuple[FigureQualifier, int] | None:
    lex = lexicon()
    match = lex.qualifier_before.search(text, max(lo, pos - 40), pos)
    if not match:
        return None
    phrase = key(match.group("q"))
    void = lex.void_after.get(phrase)
    if void:
        before = _word_before(text, match.start(), lo)
        if before and before.lower() in void:
            return None
    return lex.qualifiers[phrase], match.start()


def _qualifier_after(text: str, pos: int, hi: int) -> tuple[FigureQualifier, int, str] | None:
    """(qualifier, end, phrase) written right after ``pos``: "or more", "-plus". Before another
    number it is no qualifier: "5 plus 3", "26-plus-1", "40,000 pharmacies and over 700"."""
    lex = lexicon()
    match = lex.qualifier_after.match(text, pos, hi)
    if not match or _NUMBER_NEXT.match(text, match.end(), hi):
        return None
    return lex.qualifiers[key(match.group("q"))], match.end(), key(match.group("q"))


def _is_multiplier(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """ "N times" compares ("grew by 2.5 times", "eight times higher"); "said it three times"
    counts occasions and is no figure."""
    lex = lexicon()
    after = _word_after(text, end, hi)
    if after and after.lower() in lex.multiplier_after:
        return True
    before = re.findall(r"[A-Za-z]+", text[max(lo, start - 40) : start])[-3:]
    return any(w.lower() in lex.multiplier_before for w in before)


# ---------------------------------------------------------------- drafts


def _draft(
    text: str, low: _Side, high: _Side | None, values: tuple[float, float] | None, lo: int, hi: int
) -> _Draft | None:
    last = high or low
    unit = _unit_of(last) or _unit_of(low)
    number = low.number
    start, end = low.start, last.end
    qualifier = FigureQualifier.EXACT
    found = _qualifier_before(text, start, lo)
    if found:
        qualifier, start = found
    if high is not None:
        opener = _OPENER.search(text, max(lo, start - 12), start)
        if opener:
            start = opener.start()
    value, high_value = values if values else (low.value, None)
    if high is None and _is_year(number) and not unit:
        return None
    if high is not None and _is_year(number) and _is_year(high.number) and not unit:
        return None
    spelled_small = number.spelled and not number.scaled and high is None and value < 10
    draft = _Draft(
        start=start,
        end=end,
        core_end=end,
        value=value,
        high=high_value,
        unit=unit[0] if unit else None,
        kind=unit[1] if unit else None,
        qualifier=qualifier,
        spelled_small=spelled_small,
        scaled=number.scaled or bool(high and high.number.scaled),
        decimal=number.decimal,
        grouped=number.grouped,
        hyphenated=last.hyphenated,
    )
    if draft.kind is FigureKind.DURATION and _is_point_in_time(text, draft, low.start, lo, hi):
        return None  # "two weeks ago", "in two weeks", "a 45-year-old"
    counts_occasions = last.unit is not None and last.unit.form == "times"
    if counts_occasions and not _is_multiplier(text, start, end, lo, hi):
        return None  # "I said it three times"
    after = _qualifier_after(text, draft.end, hi)
    if draft.kind is None and after and after[2] in lexicon().before_noun:
        draft.qualifier, draft.end = after[0], after[1]  # "50-plus countries"
    if draft.kind is None:
        _as_count(text, draft, lo, hi)
        after = _qualifier_after(text, draft.end, hi)
    if after and after[2] in lexicon().before_noun and _WORD_NEXT.match(text, after[1], hi):
        after = None  # "9 trillion rubles plus assets" adds; "$5 billion plus." qualifies
    if after and draft.kind is not None:
        draft.qualifier, draft.end = after[0], after[1]
        if draft.kind is not FigureKind.COUNT:
            draft.core_end = draft.end
    return draft


def _is_point_in_time(text: str, draft: _Draft, number_start: int, lo: int, hi: int) -> bool:
    """Whether a duration dates something or gives an age rather than being a length of time:
    a cue word after it ("ago", "later", "-old") or before it ("in", "aged")."""
    lex = lexicon()
    if lex.temporal_after.match(text, draft.end, hi):
        return True
    for pos in {number_start, draft.start}:
        cue = lex.temporal_before.search(text, max(lo, pos - 20), pos)
        if cue and not _RATE_BEFORE.search(text, max(lo, cue.start() - 50), cue.start()):
            return True
    return False


def _as_count(text: str, draft: _Draft, lo: int, hi: int) -> None:
    """Make a unit-less number a count when a plural noun follows ("12,500 crimes")."""
    if draft.value < 2 and not draft.scaled:
        return
    partitive = counted.partitive_phrase(text, draft.end, hi, owned=draft.spelled_small)
    if partitive is not None:  # "two of our citizens": the number counts citizens
        draft.kind, draft.unit, draft.end = FigureKind.COUNT, "count", partitive.end
        draft.counted = counted.clean(partitive.words)
        return
    phrase = counted.noun_phrase_after(text, draft.end, hi)
    if phrase is None:
        return
    draft.phrase = phrase
    phrase = counted.count_noun_phrase(phrase)
    if phrase is None or draft.spelled_small:
        return
    if _name_before(text, draft.start, lo):
        return  # a name with a number: "Trump 45", "Bucharest 9"
    draft.kind, draft.unit, draft.end = FigureKind.COUNT, "count", phrase.end
    draft.counted = counted.clean(phrase.words)


def _name_before(text: str, pos: int, lo: int) -> bool:
    """Whether a capitalised word that does not start a sentence stands right before ``pos``
    ("Trump 45", "Bucharest 9"), making the number part of a name."""
    match = _WORD_BEFORE.search(text, max(lo, pos - 30), pos)
    if not match:
        return False
    word = match.group(1)
    lex = lexicon()
    if not word[0].isupper() or word.endswith(("’s", "'s")) or word.lower() in lex.stopwords:
        return False
    opening = text[max(lo, match.start() - 3) : match.start()].strip()
    return bool(opening) and opening[-1] not in '.!?:"“('


def _multiplier_words(text: str, lo: int, hi: int) -> list[_Draft]:
    """ "twice as many", "a threefold increase": multipliers without a number."""
    drafts = []
    for match in multiplier_words().finditer(text, lo, hi):
        word = match.group().lower()
        factor = multiplier_word(word)
        if factor is None:
            continue
        if not word.endswith("fold") and not _is_multiplier(
            text, match.start(), match.end(), lo, hi
        ):
            continue  # "twice" compares only next to a comparison: "twice as many"
        start, qualifier = match.start(), FigureQualifier.EXACT
        found = _qualifier_before(text, start, lo)
        if found:
            qualifier, start = found
        drafts.append(
            _Draft(
                start,
                match.end(),
                match.end(),
                factor,
                None,
                "times",
                FigureKind.MULTIPLIER,
                qualifier,
                spelled_small=False,
                scaled=False,
                decimal=False,
            )
        )
    return drafts


def _drafts(text: str, span: Span) -> list[_Draft]:
    lo, hi = span.start, span.end
    numbers = find_numbers(text, lo, hi)
    sides = [None if _is_excluded(text, n, lo, hi) else _side(text, n, lo, hi) for n in numbers]
    drafts: list[_Draft] = []
    i = 0
    while i < len(numbers):
        low = sides[i]
        if low is None:
            i += 1
            continue
        high = sides[i + 1] if i + 1 < len(sides) else None
        values = _range(text, low, high, lo) if high else None
        draft = _draft(text, low, high if values else None, values, lo, hi)
        if draft:
            drafts.append(draft)
        i += 2 if values else 1
    drafts += _multiplier_words(text, lo, hi)
    drafts.sort(key=lambda d: (d.start, -d.end))
    kept: list[_Draft] = []
    for draft in drafts:
        if not kept or draft.start >= kept[-1].end:
            kept.append(draft)
    return kept


# ---------------------------------------------------------------- sentences


def _share_units(text: str, drafts: list[_Draft]) -> None:
    """Bare numbers ending a list take its unit ("15, 20 and even 25%"); a bare scaled,
    grouped or decimal number takes the unit of the figure before it in the sentence ("one and
    a half billion dollars, of which half a billion ..."), or is a plain count when written with
    a scale or thousands separators ("to 100,000"); other bare numbers are no figures."""
    for i in range(len(drafts) - 2, -1, -1):
        here, after = drafts[i], drafts[i + 1]
        if here.kind is not None or after.kind is None:
            continue
        if _LIST.fullmatch(text[here.end : after.start]):
            _borrow(here, after)
        elif (
            after.kind is FigureKind.COUNT
            and after.counted
            and here.phrase is not None
            and _LIST.fullmatch(text[here.phrase.end : after.start])
        ):  # "1,000 Russian and 200 foreign journalists": Russian journalists
            _borrow(here, after)
            head = after.counted.split(" ")[-1]
            here.counted, here.end = counted.clean((*here.phrase.words, head)), here.phrase.end
    for i, here in enumerate(drafts):
        if here.kind is not None or not (here.scaled or here.grouped or here.decimal):
            continue
        if here.scaled:
            kinds: tuple[FigureKind, ...] = (*_MEASURED, FigureKind.DURATION)
        elif here.grouped:
            kinds = _MEASURED
        else:
            kinds = (FigureKind.PERCENTAGE,)
        earlier = [d for d in drafts[:i] if d.kind in kinds]
        if here.scaled:  # "90 million tonnes ... just over 74 million": a scaled one first
            earlier = sorted(earlier, key=lambda d: d.scaled)
        if earlier:
            _borrow(here, earlier[-1])
        elif here.scaled or here.grouped:  # "troops in Europe to 100,000": a plain count
            here.kind, here.unit = FigureKind.COUNT, "count"


def _borrow(here: _Draft, other: _Draft) -> None:
    """Take another figure's unit (never its qualifier, which belongs to its own number)."""
    here.kind, here.unit = other.kind, other.unit
    if other.kind is FigureKind.COUNT:
        here.counted = other.counted


def _counted(text: str, draft: _Draft, clause_start: int, hi: int) -> str | None:
    """What a measured figure (money, percentage, mass...) is of."""
    if draft.kind is FigureKind.DURATION and draft.hyphenated:  # "a five-year farm bill"
        after = counted.noun_phrase_after(text, draft.core_end, hi, max_words=3)
        return counted.clean(after.words) if after and after.words[0][0].islower() else None
    if draft.kind is FigureKind.COUNT and not draft.counted:  # "job gains averaged 116,000"
        return counted.subject_before(text, clause_start, draft.start)
    if draft.kind in (FigureKind.COUNT, FigureKind.DURATION):
        return draft.counted
    phrase = counted.of_phrase(text, draft.core_end, hi)
    if phrase is None and draft.kind in (FigureKind.MASS, FigureKind.OTHER):
        phrase = counted.predicate_phrase(text, draft.core_end, hi)
    if phrase is None and (draft.hyphenated or _determiner_before(text, draft.start, clause_start)):
        after = counted.noun_phrase_after(text, draft.core_end, hi, max_words=3)
        if after and after.words[0][0].islower():
            phrase = after  # "a 3-percent deficit", "the 73% coordination"
    if phrase is not None:
        return counted.clean(phrase.words)
    return counted.subject_before(text, clause_start, draft.start)


def _determiner_before(text: str, pos: int, lo: int) -> bool:
    word = _word_before(text, pos, lo)
    return bool(word) and word.lower() in lexicon().determiners


def _figure(text: str, draft: _Draft, sentence: Span, hi: int, default_dollar: str) -> Figure:
    assert draft.unit is not None and draft.kind is not None
    if currency_context.is_placeholder(draft.unit):
        draft.unit, draft.kind = currency_context.resolve(
            draft.unit,
            draft.kind,
            text,
            draft.core_end,
            text[sentence.start : sentence.end],
            scaled=draft.scaled,
            default_dollar=default_dollar,
        )
    value = _significant(draft.value)
    high = None if draft.high is None else _significant(draft.high)
    base_value, base_unit = to_base(value, draft.unit)
    return Figure(
        text=text[draft.start : draft.end],
        value=value,
        high=high,
        unit=draft.unit,
        kind=draft.kind,
        qualifier=draft.qualifier,
        span=Span(draft.start, draft.end),
        context=_SPACES.sub(" ", text[sentence.start : sentence.end]).strip(),
        counted=_counted(text, draft, sentence.start, hi),
        base_value=base_value,
        base_high=None if high is None else to_base(high, draft.unit)[0],
        base_unit=base_unit,
    )


def _significant(value: float) -> float:
    """Drops binary noise from scaling ("33.3 trillion" is 33300000000000, not ...99.996)."""
    return float(f"{value:.12g}")


def find_figures(text: str, span: Span, *, default_dollar: str = "USD") -> list[Figure]:
    """The figures quoted in ``text[span.start:span.end]``, in order, with absolute spans:
    ``text[f.span.start:f.span.end] == f.text``. ``default_dollar`` is the currency a bare "$"
    or "dollars" names (the document's country: "AUD" on an Australian government page)."""
    drafts = _drafts(text, span)
    if not drafts:
        return []
    sentences = sentence_spans(text, span)
    by_sentence: dict[Span, list[_Draft]] = {}
    for draft in drafts:
        by_sentence.setdefault(sentence_at(sentences, draft.start), []).append(draft)
    figures = []
    for sentence, group in by_sentence.items():
        _share_units(text, group)
        figures += [
            _figure(text, d, sentence, span.end, default_dollar)
            for d in group
            if d.kind is not None
        ]
    return sorted(figures, key=lambda f: f.span.start)

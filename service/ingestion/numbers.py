"""Reading numbers as people write them: "5,000", "60.3", "4,2 million", "one and a half
billion", "half a billion", "twenty-five".

Only the number itself is read here (with its scale word, which is part of the value: "$28
million" is 28000000). Whether a number is a figure, and of what, is figures.py's business.
The word lists are data/numbers.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from service.ingestion.datafiles import load

_DIGITS = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)"  # 12,500 / 1,234.5
    r"|\d+,\d{1,2}(?=\s+(?:thousand|million|billion|trillion)\b|\s?%)"  # 4,2 million; 7,5%
    r"|\d+(?:\.\d+)?"
)
_WORD = re.compile(r"[A-Za-z]+")
_GAP = re.compile(r"[ \t]*\n?[ \t]*(?:-[ \t]*)?|-")  # one space, line break or hyphen


@dataclass(frozen=True)
class Number:
    """A number found in text: ``text[start:end]`` reads as ``value``."""

    start: int
    end: int
    value: float
    spelled: bool  # written in words ("five", "half a billion")
    scaled: bool  # a scale word is folded in ("28 million")
    decimal: bool  # written with a decimal part ("60.3")
    grouped: bool  # written with thousands separators ("5,000")
    scale: float = 1.0  # the scale word's factor folded into value ("million" -> 1e6)


@dataclass(frozen=True)
class _Words:
    ones: dict[str, int]
    tens: dict[str, int]
    hundreds: dict[str, int]
    scales: dict[str, float]
    abbreviations: dict[str, float]
    money_abbreviations: dict[str, float]
    fractions: dict[str, float]
    multipliers: dict[str, float]
    start: re.Pattern[str]
    scale_after_digits: re.Pattern[str]
    multiplier_pattern: re.Pattern[str]


@cache
def _words() -> _Words:
    raw = load("numbers")
    number_words = [*raw["ones"], *raw["tens"], *raw["fractions"], "a", "an"]
    alternation = "|".join(sorted(number_words, key=len, reverse=True))
    scales = {k: float(v) for k, v in raw["scales"].items()}
    abbreviations = {k: float(v) for k, v in raw["scale_abbreviations"].items()}
    scale_words = "|".join(sorted(scales, key=len, reverse=True))
    abbreviation_words = "|".join(sorted(abbreviations, key=len, reverse=True))
    return _Words(
        ones=raw["ones"],
        tens=raw["tens"],
        hundreds=raw["hundred"],
        scales=scales,
        abbreviations=abbreviations,
        money_abbreviations={k: float(v) for k, v in raw["money_scale_abbreviations"].items()},
        fractions={k: float(v) for k, v in raw["fractions"].items()},
        multipliers={k: float(v) for k, v in raw["multiplier_words"].items()},
        start=re.compile(rf"(?<![\w.,])(?:\d|(?:{alternation})\b)", re.IGNORECASE),
        scale_after_digits=re.compile(
            rf"(?:\s+(?P<word>{scale_words})|\s*(?P<abbr>{abbreviation_words}))(?!\w)",
            re.IGNORECASE,
        ),
        multiplier_pattern=re.compile(
            rf"(?<![\w-])(?:{'|'.join(raw['multiplier_words'])})(?![\w-])", re.IGNORECASE
        ),
    )


def multiplier_words() -> re.Pattern[str]:
    """Finds one-word multipliers ("twice", "threefold")."""
    return _words().multiplier_pattern


def multiplier_word(word: str) -> float | None:
    """The factor of a one-word multiplier ("twice" -> 2), else None."""
    return _words().multipliers.get(word.lower())


def money_scale(suffix: str) -> float | None:
    """Scale of an abbreviation glued to a money amount ("$5m" -> 1e6), else None."""
    return _words().money_abbreviations.get(suffix.lower())


def _digits_at(text: str, pos: int, end: int) -> Number | None:
    match = _DIGITS.match(text, pos, end)
    if not match:
        return None
    raw = match.group()
    european = "," in raw and len(raw.rsplit(",", 1)[1]) < 3
    value = float(raw.replace(",", ".") if european else raw.replace(",", ""))
    stop = match.end()
    factor = 1.0
    scale = _words().scale_after_digits.match(text, stop, end)
    if scale:
        words = _words()
        word = (scale.group("word") or scale.group("abbr")).lower()
        factor = words.scales.get(word) or words.abbreviations[word]
        stop = scale.end()
    return Number(
        start=pos,
        end=stop,
        value=value * factor,
        spelled=False,
        scaled=factor != 1.0,
        decimal="." in raw or european,
        grouped="," in raw and not european,
        scale=factor,
    )


def _next_word(text: str, pos: int, end: int) -> tuple[str, int, int] | None:
    """The word after ``pos`` (past one gap), as (lower-case word, start, end)."""
    gap = _GAP.match(text, pos, end)
    start = gap.end() if gap else pos
    match = _WORD.match(text, start, end)
    if not match:
        return None
    return match.group().lower(), match.start(), match.end()


def _spelled_at(text: str, pos: int, end: int) -> Number | None:
    """A number in words starting at ``pos``; None when the words there are not one.

    Reads word by word, remembering what came last so that only well-formed sequences join:
    "twenty-five", "two hundred and fifty thousand", "one and a half billion".
    """
    words = _words()
    first = _WORD.match(text, pos, end)
    if not first:
        return None
    word = first.group().lower()
    total, current, stop = 0.0, 0.0, first.end()
    last_scale = 0.0
    if word == "half":  # "half a billion", "half a percent"
        article = _next_word(text, stop, end)
        if not article or article[0] not in ("a", "an"):
            return None
        current, stop, last = 0.5, article[2], "fraction"
    elif word in ("a", "an"):  # "a billion", "a hundred", "a dozen"
        following = _next_word(text, stop, end)
        if not following or not (following[0] in words.scales or following[0] in words.hundreds):
            return None
        current, last = 1.0, "article"
    elif word in words.ones:
        current, last = float(words.ones[word]), "ones"
    elif word in words.tens:
        current, last = float(words.tens[word]), "tens"
    else:
        return None

    while following := _next_word(text, stop, end):
        word, _, word_end = following
        if word in words.ones and (
            last in ("hundred", "scale", "and") or (last == "tens" and words.ones[word] < 10)
        ):
            current, last = current + words.ones[word], "ones"
        elif word in words.tens and last in ("hundred", "scale", "and"):
            current, last = current + words.tens[word], "tens"
        elif word in words.hundreds and last in ("ones", "tens", "article"):
            current, last = current * words.hundreds[word], "hundred"
        elif word in words.scales and last != "scale":
            last_scale = words.scales[word]
            total, current, last = total + (current or 1.0) * last_scale, 0.0, "scale"
        elif word == "and" and last in ("ones", "tens", "hundred", "scale"):
            fraction = _fraction_after_and(text, word_end, end)
            after = _next_word(text, word_end, end)
            if fraction and last == "scale":  # "a billion and a half"
                total += fraction[0] * last_scale
                stop, last = fraction[1], "done"
                break
            if fraction:
                current, stop, last = current + fraction[0], fraction[1], "fraction"
                continue
            if (
                last in ("hundred", "scale")
                and after
                and (after[0] in words.ones or after[0] in words.tens)
            ):
                stop, last = word_end, "and"  # "two hundred and fifty"
                continue
            break
        else:
            break
        stop = word_end
    if last == "and":  # a dangling "and" is not part of the number
        return None
    return Number(
        pos,
        stop,
        total + current,
        spelled=True,
        scaled=last_scale > 0,
        decimal=False,
        grouped=False,
        scale=last_scale if last in ("scale", "done") else 1.0,
    )


def _fraction_after_and(text: str, pos: int, end: int) -> tuple[float, int] | None:
    """ "... and a half" -> (0.5, end of "half")."""
    article = _next_word(text, pos, end)
    if not article or article[0] not in ("a", "an"):
        return None
    fraction = _next_word(text, article[2], end)
    if not fraction or fraction[0] not in _words().fractions:
        return None
    return _words().fractions[fraction[0]], fraction[2]


def number_at(text: str, pos: int, end: int) -> Number | None:
    """The number written at ``pos`` (digits or words), or None."""
    if text[pos].isdigit():
        return _digits_at(text, pos, end)
    return _spelled_at(text, pos, end)


def find_numbers(text: str, start: int, end: int) -> list[Number]:
    """Every number in ``text[start:end]``, left to right, none overlapping."""
    found: list[Number] = []
    pos = start
    pattern = _words().start
    while True:
        match = pattern.search(text, pos, end)
        if not match:
            return found
        number = number_at(text, match.start(), end)
        if number is None:
            pos = match.end()
            continue
        found.append(number)
        pos = number.end

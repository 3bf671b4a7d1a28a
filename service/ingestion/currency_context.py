"""Which currency or unit an ambiguous money word names, read from the words around it.

"$", "dollars", "bucks", "cents" and "grand" name the dollar of the document's country: the
caller knows it (an Australian government page speaks of Australian dollars) and passes it as
``default_dollar``; explicit forms ("US$", "C$", "Canadian dollars") never come here. A bare
"pounds" is British money or a weight: the sentence decides (data/units.yaml, the cue words).
"""

from __future__ import annotations

import re

from service.ingestion.figure_lexicon import lexicon
from service.ingestion.model import FigureKind

DOLLAR = "DOLLAR"  # placeholder units written by data/units.yaml's "ambiguous" section
POUND = "POUND"
_OF = re.compile(r"\s+of\s")


def is_placeholder(unit: str | None) -> bool:
    return unit in (DOLLAR, POUND)


def same_currency(a: str, b: str) -> bool:
    """Whether two units may end one range: equal, or "$20 to 30 US dollars"."""
    return a == b or (DOLLAR in (a, b) and a.isupper() and b.isupper())


def resolve(
    unit: str,
    kind: FigureKind,
    text: str,
    end: int,
    sentence: str,
    *,
    scaled: bool,
    default_dollar: str,
) -> tuple[str, FigureKind]:
    """The unit and kind a placeholder stands for; other units unchanged. ``end`` is where the
    figure ends in ``text``, ``sentence`` the sentence it stands in."""
    if unit == DOLLAR:
        return default_dollar, FigureKind.MONEY
    if unit != POUND:
        return unit, kind
    return (
        ("GBP", FigureKind.MONEY)
        if _pound_is_money(text, end, sentence, scaled)
        else (
            "lb",
            FigureKind.MASS,
        )
    )


def _pound_is_money(text: str, end: int, sentence: str, scaled: bool) -> bool:
    lex = lexicon()
    money = bool(lex.pound_money_cues.search(sentence))
    mass = bool(lex.pound_mass_cues.search(sentence))
    if _OF.match(text, end):  # "300 pounds of cocaine", "2 billion pounds of investment"
        return money and not mass
    if mass and not scaled:
        return False
    return scaled or money

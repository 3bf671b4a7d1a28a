"""Folding of person and organisation names into comparison keys.

Two spellings of one name ("Nazarbayev", "NAZARBAEV", "Nazarbáev") fold to the same key, so
ingestion (matching a label to a person) and the API (finding a person by any name form) agree
on what "the same name" means. Keys are for comparison only and are never displayed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    raw = yaml.safe_load(
        resources.files("service.ingestion").joinpath("data/transliteration.yaml").read_text()
    )
    return tuple((re.compile(pattern), repl) for pattern, repl in raw["rules"])


def plain(text: str) -> str:
    """Lower-case ASCII with punctuation removed and spaces collapsed."""
    text = _APOSTROPHES.sub("", unidecode(text).lower())
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return _SPACES.sub(" ", text).strip()


def fold_word(word: str) -> str:
    for pattern, repl in _rules():
        word = pattern.sub(repl, word)
    return word


@cache
def fold_name(name: str) -> str:
    """The comparison key of a name: ``fold_name("NAZARBAYEV") == fold_name("Nazarbaev")``."""
    return " ".join(fold_word(w) for w in plain(name).split())

"""Folding of person and organisation names into comparison keys.

Two spellings of one name ("Nazarbayev", "NAZARBAEV", "Nazarbáev") fold to the same key, so
ingestion (matching a label to a person) and the API (finding a person by any name form) agree
on what "the same name" means. Keys are for comparison only and are never displayed.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib import resources

import yaml
from cachetools import LRUCache
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


# Folded keys kept per process: bounded in count, and names over _CACHED_NAME_CHARS are folded
# but not kept, so the cache holds at most about FOLD_CACHE_SIZE x 2 x 200 characters, some
# 30 MB (an unbounded functools.cache grew by the size of every distinct name any client
# sent). Large enough for one page: a page naming 25,000 people folds each name several times,
# and 8,192 entries made it fold every one of them again each time.
FOLD_CACHE_SIZE = 65536
_CACHED_NAME_CHARS = 200
_folded: LRUCache[str, str] = LRUCache(maxsize=FOLD_CACHE_SIZE)
_folded_lock = threading.Lock()  # cachetools' caches are not thread-safe


def fold_name(name: str) -> str:
    """The comparison key of a name: ``fold_name("NAZARBAYEV") == fold_name("Nazarbaev")``."""
    with _folded_lock:
        found = _folded.get(name)
    if found is None:
        found = " ".join(fold_word(w) for w in plain(name).split())
        if len(name) <= _CACHED_NAME_CHARS:
            with _folded_lock:
                _folded[name] = found
    return found

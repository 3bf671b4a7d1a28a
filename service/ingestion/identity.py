"""Whether a name-shaped run of words can name a person at all (issue 12).

A label, byline or header gives a run of capitalised words; ingestion makes a person from it
only when it could be someone's name. Refused by general rules over the vocabularies, never
by a list of pages: every word a role or office word ("Senior Administration Official",
"Moderator", "Interpreter"), a whole role of data/labels.yaml, a place or organisation the
mention vocabularies know ("Saint Lucia", "Associated Press"), a run ending in an outlet word
("Amur Pravda"), or one containing a word of a title or a thing (data/not_persons.yaml:
"Grace Hopper Day", "Press Conference").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from service.ingestion import designations, mentions
from service.ingestion.datafiles import load, word_set
from service.ingestion.model import Span
from service.ingestion.names import plain


@cache
def _roles() -> frozenset[str]:
    return frozenset(plain(str(r)) for side in load("labels")["roles"].values() for r in side)


@cache
def _role_vocabulary() -> frozenset[str]:
    """Every word of an office or a role: none of them alone or together is a name."""
    words = {plain(w) for w in designations.role_words()} | set(designations.honorifics())
    for role in _roles():
        words.update(role.split())
    words.update(word_set("not_persons", "nobody_words"))
    return frozenset(w for w in words if w)


def is_person_name(name: Sequence[str]) -> bool:
    """Whether these words can be a person's name (see the module docstring)."""
    words = [plain(t) for t in name]
    words = [w for w in words if w]
    if not words:
        return False
    text = " ".join(words)
    if text in _roles():
        return False
    lowered = [w for w in words if w not in designations.particles()]
    if not lowered or all(w in _role_vocabulary() for w in lowered):
        return False
    if any(w in word_set("not_persons", "thing_words") for w in lowered):
        return False
    if words[-1] in word_set("labels", "outlet_words"):
        return False
    return not _names_a_place_or_organisation(" ".join(name))


def _names_a_place_or_organisation(text: str) -> bool:
    """The whole run is a place, country, region or organisation of the vocabularies."""
    organisations, topics = mentions.find_mentions(text, Span(0, len(text)))
    for m in (*organisations, *topics):
        if m.span.start == 0 and m.span.end >= len(text.rstrip(" .,")):
            return True
    return False

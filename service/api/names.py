"""ONE resolver for every name argument (speaker, person, participant, organisation, topic).

Names are forgiving, per the contract: case, diacritics and transliteration variants fold
together (``fold_name``), a surname alone or first name + patronymic finds the person, and any
alias seen in the data works. Ambiguity is never guessed away: it raises AMBIGUOUS_NAME with
the candidates. An unknown name resolves to None (an empty result, or null).

Persons, in order, stopping at the first stage that finds anyone:
1. exact: a name form whose folded key equals the folded name (honorifics like "Mr" dropped);
   for a one-word name, also every person with that word in a name form ("Putin"), so a
   surname shared by two people is reported as ambiguous rather than half-matched;
2. words: every word of the name is a word of one name form ("Nursultan Nazarbaev");
3. patronymic: the same without the patronymic ("Nursultan Abishevich" -> "Nursultan");
4. fuzzy: pg_trgm similarity, only when one person is clearly the best match.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.api import ids
from service.api.errors import AmbiguousName
from service.api.reader import Reader
from service.ingestion.names import fold_name, plain
from service.storage import queries
from service.storage.persons import name_tokens

if TYPE_CHECKING:
    from service.api.name_cache import NameCache

_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:ovich|evich|ich|ovna|evna|ichna)$")
# Fuzzy matching: the best must be similar enough and clearly ahead of the runner-up.
_FUZZY_MIN = 0.45
_FUZZY_MARGIN = 0.1
_FUZZY_MIN_LENGTH = 4
# Never over longer names (the endpoint refuses them anyway, service.api.inputs): a trigram
# comparison of a long text costs seconds, and similarity to a name means nothing there.
_FUZZY_MAX_LENGTH = 300


@dataclass(frozen=True)
class Match:
    id: int
    name: str


def slug_of(name: str) -> str:
    return plain(name).replace(" ", "-")


def _matches(rows: Sequence[Any]) -> list[Match]:
    seen: dict[int, Match] = {}
    for row in rows:
        seen.setdefault(row["id"], Match(row["id"], row["name"]))
    return list(seen.values())


def _clear_best(rows: Sequence[Any]) -> Match | None:
    """The top-scoring row when it is good enough and well ahead of the next."""
    if not rows or rows[0]["score"] < _FUZZY_MIN:
        return None
    if len(rows) > 1 and rows[0]["score"] - rows[1]["score"] < _FUZZY_MARGIN:
        return None
    return Match(rows[0]["id"], rows[0]["name"])


class NameResolver:
    """Per request: each distinct (kind, name) is looked up once; with ``shared``, the process's
    NameCache, once per process until a write invalidates it (service/api/name_cache.py)."""

    def __init__(self, db: Reader, shared: NameCache | None = None) -> None:
        self.db = db
        self.shared = shared
        self._cache: dict[tuple[str, str], list[Match]] = {}

    async def person(self, name: str, argument: str) -> Match | None:
        found = await self._cached("person", name, self._persons)
        return _one("person", "Person", name, argument, found)

    async def organisation(self, name: str, argument: str) -> Match | None:
        found = await self._cached("organisation", name, self._organisations)
        return _one("organisation", "Organisation", name, argument, found)

    async def topic(self, name: str, argument: str) -> Match | None:
        found = await self._cached("topic", name, self._topics)
        return _one("topic", "Topic", name, argument, found)

    async def _cached(
        self, kind: str, name: str, look_up: Callable[[str], Awaitable[list[Match]]]
    ) -> list[Match]:
        key = (kind, name)
        if key in self._cache:
            return self._cache[key]
        shared = self.shared
        found = shared.get(key) if shared is not None else None
        if found is None:
            generation = shared.generation if shared is not None else 0
            found = await look_up(name)
            if shared is not None:
                shared.put(key, found, generation)  # not if invalidated meanwhile
        self._cache[key] = found
        return found

    async def _persons(self, name: str) -> list[Match]:
        key = fold_name(name)
        words = list(name_tokens(name))
        if not words:
            return []
        if len(words) == 1:
            # A surname alone: everyone who has it as a word of a name form (which includes
            # every form that is exactly this word).
            found = _matches(await queries.persons_by_name_words(self.db, words))
        else:
            keys = sorted({key, " ".join(words)})
            found = _matches(await queries.persons_by_name_keys(self.db, keys))
            if not found:
                found = _matches(await queries.persons_by_name_words(self.db, words))
        if found:
            return found
        given = [w for i, w in enumerate(words) if i == 0 or not _PATRONYMIC.match(w)]
        if len(given) < len(words):
            found = _matches(await queries.persons_by_name_words(self.db, given))
            if found:
                return found
        if _FUZZY_MIN_LENGTH <= len(key) <= _FUZZY_MAX_LENGTH:
            best = _clear_best(await queries.persons_by_similar_name(self.db, key))
            return [best] if best else []
        return []

    async def _organisations(self, name: str) -> list[Match]:
        key = plain(name)
        if not key:
            return []
        rows = await queries.organisations_by_name(
            self.db, sorted({key, fold_name(name)}), name.strip().lower(), slug_of(name)
        )
        found = _matches(rows)
        if not found and _FUZZY_MIN_LENGTH <= len(key) <= _FUZZY_MAX_LENGTH:
            best = _clear_best(await queries.organisations_by_similar_name(self.db, key))
            found = [best] if best else []
        return found

    async def _topics(self, name: str) -> list[Match]:
        if not plain(name):
            return []
        rows = await queries.topics_by_name(self.db, name.strip().lower(), slug_of(name))
        return _matches(rows)


def _one(kind: str, type_name: str, name: str, argument: str, found: list[Match]) -> Match | None:
    """The single match, None for none; several are an AMBIGUOUS_NAME error listing them."""
    if len(found) <= 1:
        return found[0] if found else None
    candidates = [{"id": ids.encode(type_name, m.id), "name": m.name} for m in found]
    listed = "; ".join(f"{c['name']} (id {c['id']})" for c in candidates)
    raise AmbiguousName(
        f"{argument}: the {kind} name {name!r} is ambiguous; it could be {listed}."
        " Use a fuller name or pass an id.",
        argument=argument,
        name=name,
        candidates=candidates,
    )

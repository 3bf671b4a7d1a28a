"""ONE resolver for every name argument (speaker, person, participant, organisation, topic).

Names are forgiving, per the contract: case, diacritics and transliteration variants fold
together (``fold_name``), a surname alone or first name + patronymic finds the person, and any
alias seen in the data works.

Persons, in order, stopping at the first stage that finds anyone:
1. exact: a name form whose folded key equals the folded name (honorifics like "Mr" dropped);
   for a one-word name, also every person with that word in a name form ("Putin"), so a
   surname shared by several people is weighed below rather than half-matched;
2. words: every word of the name is a word of one name form ("Nursultan Nazarbaev");
3. patronymic: the same without the patronymic ("Nursultan Abishevich" -> "Nursultan");
4. fuzzy: pg_trgm similarity, only when one person is clearly the best match (SIMILAR).

A stage that finds several persons is decided by ``dominant``: the candidate with the most
statements wins (DOMINANT) when a name form of theirs is the name given or ends with it (full
name or surname, never a first name alone), they have at least ``MIN_STATEMENTS`` statements
and at least ``DOMINANCE`` times as many as every other candidate. Otherwise the name is an
AMBIGUOUS_NAME error listing the candidates: a guess that is not overwhelming is never made.
An exact full-name match beats partial ones by the stage order (stage 1 before stage 2).

An unknown name resolves to None (an empty result, or null, as the contract says) and the
response says so with close matches ("did you mean"); every such decision (DOMINANT, SIMILAR,
UNKNOWN) is recorded in the request's ``NameReport``, which both read paths put in
``extensions.names``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strawberry.extensions import SchemaExtension

from service.api import ids
from service.api.errors import AmbiguousName
from service.api.reader import Reader
from service.ingestion.designations import is_patronymic
from service.ingestion.names import fold_name, plain
from service.storage import queries
from service.storage.persons import name_tokens

if TYPE_CHECKING:
    from service.api.name_cache import NameCache

# Fuzzy matching: the best must be similar enough and clearly ahead of the runner-up.
_FUZZY_MIN = 0.45
_FUZZY_MARGIN = 0.1
_FUZZY_MIN_LENGTH = 4
# Never over longer names (the endpoint refuses them anyway, service.api.inputs): a trigram
# comparison of a long text costs seconds, and similarity to a name means nothing there.
_FUZZY_MAX_LENGTH = 300

# Dominance: the most frequent candidate speaker is meant when they have at least this many
# statements, and at least DOMINANCE times as many as every other candidate.
MIN_STATEMENTS = 10
DOMINANCE = 5
# Listed at most: other candidates (in extensions.names and in an AMBIGUOUS_NAME error) and
# "did you mean" suggestions; the rest are counted.
MAX_CANDIDATES = 10
MAX_SUGGESTIONS = 5

# How a candidate's best name form fits the name given (queries._FIT for the words stage).
NAME = 3  # the whole form: "Joe Biden", or a person known only as "Biden"
SURNAME = 2  # the form ends with it: "Biden" in "Joe Biden"
WORDS = 1  # only somewhere in it: "Joe" in "Joe Biden", a first name and patronymic
SIMILAR = 0  # no form matches; the clearly closest one (fuzzy)
SUGGESTION = -1  # no form matches and none is clearly closest: only a "did you mean"

_FITS = {NAME: "a name form", SURNAME: "the surname"}


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    fit: int = NAME
    statements: int | None = None  # counted only when several candidates compete


@dataclass(frozen=True)
class Decision:
    """What a name resolved to: ``match`` (None: nothing), and the note for the response."""

    match: Match | None
    note: dict[str, Any] | None = None


class NameReport:
    """The request's notable name resolutions, once per (kind, argument, name), for
    ``extensions.names``; shared by every resolver of the request (both read paths)."""

    def __init__(self) -> None:
        self._notes: dict[tuple[str, str, str], dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._notes)

    def clear(self) -> None:
        self._notes.clear()

    def add(self, note: dict[str, Any]) -> None:
        self._notes.setdefault((note["argument"], note["kind"], note["name"]), note)

    def entries(self) -> list[dict[str, Any]]:
        """In a fixed order (the paths resolve concurrently, in different orders)."""
        return [self._notes[key] for key in sorted(self._notes)]


class NameReportExtension(SchemaExtension):
    """The reference path's ``extensions.names`` (the compiled path: compiler/execute.py)."""

    def on_operation(self) -> Iterator[None]:
        yield

    def get_results(self) -> dict[str, Any]:
        names = getattr(self.execution_context.context, "names", None)
        entries = names.report.entries() if names is not None else []
        return {"names": entries} if entries else {}


def slug_of(name: str) -> str:
    return plain(name).replace(" ", "-")


def _matches(rows: Sequence[Any], fit: int | None = None) -> list[Match]:
    """One Match per person; ``fit`` None: the row's score is the fit (the words stage)."""
    seen: dict[int, Match] = {}
    for row in rows:
        row_fit = fit if fit is not None else int(row["score"])
        seen.setdefault(row["id"], Match(row["id"], row["name"], row_fit))
    return list(seen.values())


def _fuzzy(rows: Sequence[Any]) -> list[Match]:
    """The top-scoring row when it is good enough and well ahead of the next (SIMILAR); else
    the closest rows as suggestions."""
    if not rows:
        return []
    clear = rows[0]["score"] >= _FUZZY_MIN and (
        len(rows) == 1 or rows[0]["score"] - rows[1]["score"] >= _FUZZY_MARGIN
    )
    if clear:
        return [Match(rows[0]["id"], rows[0]["name"], SIMILAR)]
    return [Match(r["id"], r["name"], SUGGESTION) for r in rows[:MAX_SUGGESTIONS]]


def dominant(found: Sequence[Match]) -> Match | None:
    """The candidate that clearly dominates by statements (see the module docstring)."""
    if len(found) < 2 or any(m.statements is None for m in found):
        return None
    top, *rest = sorted(found, key=lambda m: (-(m.statements or 0), -m.fit, m.name, m.id))
    runner_up = max(m.statements or 0 for m in rest)
    count = top.statements or 0
    if top.fit >= SURNAME and count >= MIN_STATEMENTS and count >= DOMINANCE * runner_up:
        return top
    return None


class NameResolver:
    """Per request: each distinct (kind, name) is looked up once; with ``shared``, the process's
    NameCache, once per process until a write invalidates it (service/api/name_cache.py).
    Notable decisions go to ``report`` (pass the request's, to share it)."""

    def __init__(
        self, db: Reader, shared: NameCache | None = None, report: NameReport | None = None
    ) -> None:
        self.db = db
        self.shared = shared
        self.report = report if report is not None else NameReport()
        self._cache: dict[tuple[str, str], list[Match]] = {}

    async def person(self, name: str, argument: str) -> Match | None:
        found = await self._cached("person", name, self._persons)
        return self._decide("person", "Person", name, argument, found)

    async def organisation(self, name: str, argument: str) -> Match | None:
        found = await self._cached("organisation", name, self._organisations)
        return self._decide("organisation", "Organisation", name, argument, found)

    async def topic(self, name: str, argument: str) -> Match | None:
        found = await self._cached("topic", name, self._topics)
        return self._decide("topic", "Topic", name, argument, found)

    def _decide(
        self, kind: str, type_name: str, name: str, argument: str, found: list[Match]
    ) -> Match | None:
        decision = decide(kind, type_name, name, argument, found)
        if decision.note is not None:
            self.report.add(decision.note)
        return decision.match

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
        found = await self._person_candidates(name)
        if len(found) > 1 and found[0].fit > SUGGESTION:
            # Several candidates: their statement counts decide (see ``dominant``).
            counts = await queries.person_statement_counts(self.db, [m.id for m in found])
            found = [
                Match(m.id, m.name, m.fit, counts.get(m.id, 0))
                for m in sorted(found, key=lambda m: (-counts.get(m.id, 0), -m.fit, m.name))
            ]
        return found

    async def _person_candidates(self, name: str) -> list[Match]:
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
            found = _matches(await queries.persons_by_name_keys(self.db, keys), NAME)
            if not found:
                found = _matches(await queries.persons_by_name_words(self.db, words))
        if found:
            return found
        given = [w for i, w in enumerate(words) if i == 0 or not is_patronymic(w)]
        if len(given) < len(words):
            found = _matches(await queries.persons_by_name_words(self.db, given), WORDS)
            if found:
                return found
        if _FUZZY_MIN_LENGTH <= len(key) <= _FUZZY_MAX_LENGTH:
            return _fuzzy(await queries.persons_by_similar_name(self.db, key))
        return []

    async def _organisations(self, name: str) -> list[Match]:
        key = plain(name)
        if not key:
            return []
        rows = await queries.organisations_by_name(
            self.db, sorted({key, fold_name(name)}), name.strip().lower(), slug_of(name)
        )
        found = _matches(rows, NAME)
        if not found and _FUZZY_MIN_LENGTH <= len(key) <= _FUZZY_MAX_LENGTH:
            found = _fuzzy(await queries.organisations_by_similar_name(self.db, key))
        return found

    async def _topics(self, name: str) -> list[Match]:
        key = plain(name)
        if not key:
            return []
        rows = await queries.topics_by_name(self.db, name.strip().lower(), slug_of(name))
        found = _matches(rows, NAME)
        if not found and _FUZZY_MIN_LENGTH <= len(key) <= _FUZZY_MAX_LENGTH:
            rows = await queries.topics_by_similar_name(self.db, key, slug_of(name))
            found = [Match(r["id"], r["name"], SUGGESTION) for r in rows[:MAX_SUGGESTIONS]]
        return found


def _described(type_name: str, match: Match) -> dict[str, Any]:
    described: dict[str, Any] = {"id": ids.encode(type_name, match.id), "name": match.name}
    if match.statements is not None:
        described["statementCount"] = match.statements
    return described


def decide(kind: str, type_name: str, name: str, argument: str, found: list[Match]) -> Decision:
    """The match for ``found`` and the note saying why, or an AMBIGUOUS_NAME error."""
    note: dict[str, Any] = {"argument": argument, "kind": kind, "name": name}
    if not found or found[0].fit == SUGGESTION:
        suggestions = [_described(type_name, m) for m in found]
        named = [repr(s["name"]) for s in suggestions]
        hint = ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else "".join(named)
        message = f"No {kind} is known by the name {name!r}" + (
            f"; did you mean {hint}?" if hint else "."
        )
        note |= {"resolution": "UNKNOWN", "chosen": None, "reason": message}
        return Decision(None, note | {"suggestions": suggestions})
    if len(found) == 1:
        match = found[0]
        if match.fit != SIMILAR:
            return Decision(match)  # the one person the name fits: nothing to say
        reason = f"No name form is {name!r}; {match.name!r} is by far the closest."
        note |= {"resolution": "SIMILAR", "chosen": _described(type_name, match)}
        return Decision(match, note | {"reason": reason, "candidates": []})
    chosen = dominant(found)
    others = [m for m in found if chosen is None or m.id != chosen.id]
    listed = [_described(type_name, m) for m in others[:MAX_CANDIDATES]]
    if chosen is None:
        raise _ambiguous(kind, name, argument, listed, len(others) - len(listed))
    runner_up = max(m.statements or 0 for m in others)
    reason = (
        f"{name!r} is {_FITS[chosen.fit]} of {chosen.name!r}, who has {chosen.statements}"
        f" statements: at least {MIN_STATEMENTS}, and at least {DOMINANCE} times as many as"
        f" any other candidate (next: {runner_up}). Use a fuller name or an id for another."
    )
    note |= {"resolution": "DOMINANT", "chosen": _described(type_name, chosen)}
    note |= {"reason": reason, "candidates": listed, "moreCandidates": len(others) - len(listed)}
    return Decision(chosen, note)


def _ambiguous(
    kind: str, name: str, argument: str, candidates: list[dict[str, Any]], more: int
) -> AmbiguousName:
    listed = "; ".join(f"{c['name']} (id {c['id']})" for c in candidates)
    if more:
        listed += f"; and {more} more"
    return AmbiguousName(
        f"{argument}: the {kind} name {name!r} is ambiguous; it could be {listed}."
        " No candidate dominates; use a fuller name or pass an id.",
        argument=argument,
        name=name,
        candidates=candidates,
        moreCandidates=more,
    )

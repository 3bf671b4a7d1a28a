"""The people of one page: who is who, under which names and titles.

Every label, header designation and self-introduction on a page names someone. We merge the
names that must be one person ("NURSULTAN NAZARBAYEV", "NAZARBAYEV", "Mr Nazarbaev") and keep
apart those that may not be ("Serzh Sargsyan" / "Tigran Sargsyan"; a bare "Sargsyan" between
them stays unresolved). Names are compared through ``names.fold_name`` so spelling variants
agree. ``data/people.yaml`` supplies canonical spellings of well-known people; it is never
needed to tell two people apart or together except by their full names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz.distance import DamerauLevenshtein

from service.ingestion import designations, offices
from service.ingestion.datafiles import load, word_set
from service.ingestion.designations import display_name, given_tokens, surname_tokens
from service.ingestion.identity import is_person_name
from service.ingestion.model import PersonRef
from service.ingestion.names import fold_name, plain
from service.ingestion.text import collapse


@dataclass(frozen=True)
class Reference:
    """A well-known person from ``data/people.yaml``."""

    name: str
    aliases: tuple[str, ...]
    by_title: tuple[str, ...]


@cache
def _references() -> tuple[Reference, ...]:
    return tuple(
        Reference(
            str(p["name"]),
            tuple(str(a) for a in p.get("aliases") or ()),
            tuple(str(t) for t in p.get("by_title") or ()),
        )
        for p in load("people")["people"]
    )


@cache
def _reference_by_name() -> dict[str, Reference]:
    table: dict[str, Reference] = {}
    for ref in _references():
        for form in (ref.name, *ref.aliases):
            table[fold_name(form)] = ref
    return table


@cache
def _reference_by_title() -> dict[str, Reference]:
    table: dict[str, Reference] = {}
    for ref in _references():
        for form in ref.by_title:
            table[fold_name(form)] = ref
    return table


def _fold_tokens(tokens: list[str]) -> list[str]:
    return fold_name(" ".join(tokens)).split()


def _strip_patronymics(tokens: list[str]) -> list[str]:
    """ "Nursultan Abishevich Nazarbayev" -> "Nursultan Nazarbayev" (middle patronymics)."""
    if len(tokens) < 3:
        return tokens
    return (
        [tokens[0]] + [t for t in tokens[1:-1] if not designations.is_patronymic(t)] + [tokens[-1]]
    )


def _normal_title(title: str) -> str:
    words = [designations.correct_role(w) for w in title.lower().split() if w != "the"]
    return " ".join(words)


@dataclass
class Person:
    """A person of the page while names are still being gathered."""

    forms: list[list[str]] = field(default_factory=list)  # name tokens as printed
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    affiliation: str | None = None
    reference: Reference | None = None
    key: str = ""

    @property
    def surname(self) -> str:
        return " ".join(_fold_tokens(surname_tokens(self.forms[0])))

    def given(self) -> set[str]:
        names: set[str] = set()
        for form in self.forms:
            names.update(_fold_tokens(given_tokens(_strip_patronymics(form))))
        return names

    @property
    def display(self) -> str:
        if self.reference is not None:
            return self.reference.name
        best = max(
            (_strip_patronymics(f) for f in self.forms),
            key=lambda f: (len(f), not all(t.isupper() for t in f if len(t) > 1)),
        )
        return display_name(best)

    def add_title(self, title: str | None) -> None:
        if title and title not in self.titles:
            self.titles.append(title)

    def add_alias(self, alias: str | None) -> None:
        alias = collapse(alias or "")
        if alias and alias not in self.aliases:
            self.aliases.append(alias)


_MIN_MISSPELT = 5  # letters a name needs before one letter off is read as a misprint


class Registry:
    """Names seen on one page, merged into persons."""

    def __init__(self) -> None:
        self.persons: list[Person] = []
        # Indexes, so that a page of many names is resolved in linear time.
        self._by_surname: dict[str, list[Person]] = {}
        self._near_surnames = NearSurnames()  # their surnames, for names one letter off
        # full names with their spaces taken out: a label printed "VladimirPutin"
        self._run_together: dict[str, list[Person]] = {}
        self._by_reference: dict[int, Person] = {}

    def _new(self, name: list[str]) -> Person | None:
        """A new person of the page; None for words that name no person (a role, a place, an
        outlet, a title: ``identity.is_person_name``)."""
        if not is_person_name(name):
            return None
        person = Person(forms=[name])
        self.persons.append(person)
        self._by_surname.setdefault(person.surname, []).append(person)
        self._near_surnames.add(person.surname)
        self._note_form(person, name)
        return person

    # ------------------------------------------------------------ adding names

    def add(
        self,
        name: list[str],
        *,
        title: str | None = None,
        alias: str | None = None,
        create: bool = True,
    ) -> Person | None:
        """Register a name (two words or more) and return its person."""
        if not name:
            return None
        person = self._match_full(name) if len(name) > 1 and not is_surname_only(name) else None
        if person is None and (len(name) == 1 or is_surname_only(name)):
            return self.resolve_surname(name, title=title, alias=alias, create=create)
        if person is None:
            if not create:
                return None
            person = self._new(name)
            if person is None:
                return None
        if name not in person.forms:
            person.forms.append(name)
            self._note_form(person, name)
        person.add_title(title)
        person.add_alias(alias)
        self._attach_reference(person, name, title)
        return person

    def knows_surname(self, name: list[str]) -> bool:
        """Whether a person of the page has this surname (``name``: the surname's words)."""
        return " ".join(_fold_tokens(name)) in self._by_surname

    def resolve_surname(
        self,
        name: list[str],
        *,
        title: str | None = None,
        alias: str | None = None,
        create: bool = True,
    ) -> Person | None:
        """A surname alone: the one person of the page with that surname, else nobody."""
        surname = " ".join(_fold_tokens(name))
        candidates = list(self._by_surname.get(surname, ()))
        if len(candidates) > 1 and title:
            wanted = _normal_title(title)
            titled = [p for p in candidates if wanted in {_normal_title(t) for t in p.titles}]
            candidates = titled or candidates
        if len(candidates) > 1:
            return None  # two people share the surname: better unresolved than wrong
        if not candidates and len(name) == 1:
            joined = {id(p): p for p in self._run_together.get(surname, ())}
            if len(joined) == 1:  # "VladimirPutin": a full name with its space lost
                person = next(iter(joined.values()))
                person.add_alias(alias)
                return person
            misprint = self._misspelt_surname(surname, title)
            if misprint is not None:
                candidates = [misprint]
        if candidates:
            person = candidates[0]
        elif create:
            person = self._new(name)
            if person is None:
                return None
        else:
            return None
        if name not in person.forms:
            person.forms.append(name)
            self._note_form(person, name)
        person.add_title(title)
        person.add_alias(alias)
        self._attach_reference(person, name, title)
        return person

    def _misspelt_surname(self, surname: str, title: str | None) -> Person | None:
        """ "PRESIDENT PUTN" beside "President Vladimir Putin": a titled surname one letter
        off the surname of the one person the page names in full, who is also the only one of
        the page with that title. The edit must be inside the word (Petrov/Petrova,
        Brown/Browne are other people), and a label with no title, or with only an honorific,
        never joins: "MR. FISHER" beside "Joschka Fischer" may be someone else."""
        wanted = _normal_title(title) if title else ""
        if not wanted or wanted in designations.honorifics():
            return None
        close = [
            p
            for near in self._near_surnames.misprinted_by(surname)
            for p in self._by_surname.get(near, ())
            if p.given()
        ]
        titled = [p for p in self.persons if _holds(p, wanted)]
        # the one person of the page with that title: in a hearing of many senators, a
        # "SENATOR SMYTH" may be another senator than the one named in full
        return close[0] if len(close) == 1 and titled == close else None

    def _note_form(self, person: Person, name: list[str]) -> None:
        if len(name) > 1:
            key = "".join(_fold_tokens(name))
            self._run_together.setdefault(key, []).append(person)

    def by_title(self, title: str) -> Person | None:
        """The one person holding an office ("THE PRESIDENT" -> the President of the page)."""
        wanted = _normal_title(title)
        holders = [p for p in self.persons if wanted in {_normal_title(t) for t in p.titles}]
        if len(holders) != 1:
            holders = [p for p in holders if any(_normal_title(t) == wanted for t in p.titles[:1])]
        return holders[0] if len(holders) == 1 else None

    def by_given(self, given: str) -> Person | None:
        """The one person whose first name is ``given`` (for "Nursultan Abishevich")."""
        folded = fold_name(given)
        found = [p for p in self.persons if folded in p.given()]
        return found[0] if len(found) == 1 else None

    def _match_full(self, name: list[str]) -> Person | None:
        ref = _reference_by_name().get(fold_name(" ".join(name)))
        if ref is not None and id(ref) in self._by_reference:
            return self._by_reference[id(ref)]
        sur = " ".join(_fold_tokens(surname_tokens(name)))
        given = set(_fold_tokens(given_tokens(_strip_patronymics(name))))
        matches = []
        for p in self._by_surname.get(sur, ()):
            theirs = p.given()
            if not theirs or not given or given <= theirs or theirs <= given:
                matches.append(p)
        if len(matches) == 1:
            return matches[0]
        exact = [p for p in matches if p.given() == given]
        if len(exact) == 1:
            return exact[0]
        return self._match_misspelt(sur, given) if not matches else None

    def _match_misspelt(self, sur: str, given: set[str]) -> Person | None:
        """ "Vladmir Putin", "Vladimir Putn" beside "Vladimir Putin": one letter off in one
        name, the other name exact, and nobody else on the page that close."""
        close = [p for p in self._by_surname.get(sur, ()) if _one_letter_off(given, p.given())]
        if given:
            for near in self._near_surnames.near(sur) - {sur}:
                if _one_letter_off({sur}, {near}):
                    close += [p for p in self._by_surname.get(near, ()) if given <= p.given()]
        return close[0] if len(close) == 1 else None

    def _attach_reference(self, person: Person, name: list[str], title: str | None) -> None:
        if person.reference is not None:
            return
        ref = _reference_by_name().get(fold_name(" ".join(name)))
        if ref is None and title and len(name) <= 3:
            ref = _reference_by_title().get(fold_name(f"{title} {' '.join(name)}"))
        if ref is None:
            return
        if self._by_reference.get(id(ref), person) is not person:
            return
        person.reference = ref
        self._by_reference[id(ref)] = person

    # ------------------------------------------------------------ address forms

    def learn_address_forms(self, text: str) -> None:
        """ "Nursultan Abishevich Nazarbayev" / "Aleksandr Grigor’evich [Lukashenko]" in the
        text make "Nursultan Abishevich" an alias of that person."""
        for m in _address_pattern().finditer(text):
            given, patronymic, surname = m["given"], m["patronymic"], m["surname"]
            form = f"{given} {patronymic}"
            person: Person | None = None
            if surname:
                person = self._match_full([given, surname])
            if person is None:
                ref = _reference_by_name().get(fold_name(form))
                person = self._by_reference.get(id(ref)) if ref else None
            if person is None:
                person = self.by_given(given)
            if person is not None:
                person.add_alias(form)

    # ------------------------------------------------------------ output

    def finish(self) -> list[PersonRef]:
        """Give every person a key and a PersonRef (canonical name, aliases, titles)."""
        refs: list[PersonRef] = []
        used: set[str] = set()
        for person in self.persons:
            display = person.display
            key = _slug(display) or "person"
            base, n = key, 2
            while key in used:
                key, n = f"{base}-{n}", n + 1
            used.add(key)
            person.key = key
            aliases: list[str] = []
            for alias in [
                *person.aliases,
                *(display_name(f) for f in person.forms),
                *(" ".join(f) for f in person.forms),
                *(display_name(surname_tokens(f)) for f in person.forms),
                *(person.reference.aliases if person.reference else ()),
            ]:
                alias = collapse(alias)
                if alias and alias != display and alias not in aliases:
                    aliases.append(alias)
            refs.append(
                PersonRef(
                    key=key,
                    name=display,
                    aliases=aliases,
                    titles=list(person.titles),
                    affiliation=person.affiliation,
                )
            )
        return refs


def _holds(person: Person, title: str) -> bool:
    """The person has this title ("President"), or one that starts with it ("President of
    Russia")."""
    titles = {_normal_title(t) for t in person.titles}
    return any(t == title or t.startswith(title + " ") for t in titles)


def _one_letter_off(mine: set[str], theirs: set[str]) -> bool:
    """One name of each set one edit apart (long enough to tell), the others equal."""
    if len(mine) != 1 or len(theirs) != 1:
        return False
    a, b = next(iter(mine)), next(iter(theirs))
    return (
        a != b
        and max(len(a), len(b)) >= _MIN_MISSPELT
        and DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1
    )


def misprints(word: str, surname: str) -> bool:
    """Two folded surnames one letter apart inside the word ("putn" / "putin"): the first
    and last letters agree, since an edit at either end makes another name (Petrov/Petrova,
    Brown/Browne), and the longer has five letters or more (Khan/Kahn are two names)."""
    return (
        word[:1] == surname[:1] and word[-1:] == surname[-1:] and _one_letter_off({word}, {surname})
    )


_MIN_BARE_MISPRINT = 4  # letters of a bare label word read as a misprinted surname ("PUTN")


class NearSurnames:
    """Folded surnames indexed by themselves and each form with one letter left out, so a
    word finds the surnames it misprints (``misprints``) without being compared with every
    surname: a page's speakers, or an archive's full-name persons."""

    def __init__(self, surnames: Iterable[str] = ()) -> None:
        self._near: dict[str, set[str]] = {}
        for surname in surnames:
            self.add(surname)

    def add(self, surname: str) -> None:
        for key in _deletions(surname):
            self._near.setdefault(key, set()).add(surname)

    def near(self, word: str) -> set[str]:
        """The surnames that may be one edit from ``word`` (folded), and ``word`` if held."""
        near: set[str] = set()
        for key in _deletions(word):
            near.update(self._near.get(key, ()))
        return near

    def misprinted_by(self, word: str) -> list[str]:
        """The surnames ``word`` (folded) is one letter off inside the word."""
        return sorted(s for s in self.near(word) if misprints(word, s))


class SpeakerSurnames:
    """The surnames of a page's speakers under a full or titled label ("Vladimir Putin:",
    "PRESIDENT PUTIN:"), and the one a bare label misprints ("PUTN:")."""

    def __init__(self) -> None:
        self._printed: dict[str, str] = {}  # folded surname -> as first printed
        self._near = NearSurnames()

    def add(self, token: str) -> None:
        surname = fold_name(token)
        if not surname or " " in surname or surname in self._printed:
            return
        self._printed[surname] = token
        self._near.add(surname)

    def __contains__(self, surname: object) -> bool:
        return surname in self._printed

    def misprinted(self, word: str) -> str | None:
        """The speaker's surname, as printed, that the bare label word ``word`` misprints:
        capitals or a capital first ("PUTN", "Putn"), four letters or more, one letter off
        inside the word (``misprints``) the surname of exactly one speaker, and no word in
        its own right (``may_be_misprint``). Else None."""
        if (
            len(word) < _MIN_BARE_MISPRINT
            or not word.isalpha()
            or not (word.isupper() or word.istitle())
        ):
            return None
        folded = fold_name(word)
        if not folded or " " in folded or folded in self._printed:
            return None
        close = self._near.misprinted_by(folded)
        if len(close) != 1 or not may_be_misprint(word):
            return None
        return self._printed[close[0]]


def _deletions(word: str) -> set[str]:
    """The word and every form of it with one letter left out: two words one insertion,
    deletion, substitution or swap apart share one of these."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def may_be_misprint(word: str) -> bool:
    """A capitalised word that is no word of its own: not an English word, not a role, an
    office word (even misspelt), a place, a city, an organisation or another vocabulary word,
    and not the surname of a known person (``data/people.yaml``, ``data/offices.yaml``):
    "WRONG", "OMAN", "SCHOLZ" are what they say, not a misprinted "Wong", "Omran", "Scholtz"."""
    low = plain(word)
    return (
        bool(low)
        and low not in _english_words()
        and fold_name(word) not in _known_surnames()
        and not designations.is_misspelt_role(word)
        and low not in word_set("journalists", "cities")  # "Bishkek", as labels read them
        and is_person_name([word])
    )


@cache
def _english_words() -> frozenset[str]:
    """The words of Webster's Second International (the public-domain ``web2`` list that
    Unix systems ship as ``/usr/share/dict/web2``), lower case, proper nouns included."""
    from english_words import get_english_words_set  # loaded on first use: some 230,000 words

    return frozenset(get_english_words_set(["web2"], alpha=True, lower=True))


@cache
def _known_surnames() -> frozenset[str]:
    names = [name for ref in _references() for name in (ref.name, *ref.aliases)]
    names += offices.holder_names()
    found = set()
    for name in names:
        tokens = surname_tokens(name.split())
        if len(tokens) == 1:
            found.add(fold_name(tokens[0]))
    return frozenset(found)


def is_surname_only(name: list[str]) -> bool:
    """ "DE HOOP SCHEFFER": a particle first means the whole is a surname."""
    return len(name) > 1 and name[0].lower() in designations.particles()


@cache
def _address_pattern() -> re.Pattern[str]:
    endings = "|".join(
        sorted((re.escape(e) for e in load("titles")["patronymic_endings"]), key=len, reverse=True)
    )
    return re.compile(
        rf"\b(?P<given>[A-Z][^\W\d_]+)\s+(?P<patronymic>[A-Z][\w’'`\-]*(?:{endings}))\b"
        rf"(?:\s+\[?(?P<surname>[A-Z][\w’'\-]+)\]?)?"
    )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")

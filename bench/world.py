"""The fixed cast of the synthetic corpus: topics, organisations, speakers and journalists.

Names are keyed exactly as the real ingestion keys them (``fold_name`` for persons, the storage
module's key for organisation aliases), so the API resolves "Nazarbaev", "NAZARBAYEV" or
"Nursultan Abishevich" in the synthetic database as it would in a real one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from unidecode import unidecode

from bench import vocab
from bench.textgen import _bisect
from service.ingestion.names import fold_name, plain

try:  # the key the storage layer writes; plain() is what it was when this was written
    from service.storage.documents import organisation_key
except ImportError:  # pragma: no cover - storage not importable
    organisation_key = plain


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")


@dataclass
class Topic:
    id: int
    slug: str
    name: str
    kind: str  # PLACE or THEME
    adjective: str | None = None


@dataclass
class Organisation:
    id: int
    slug: str
    name: str
    acronym: str | None
    kind: str
    aliases: list[str]

    @property
    def surfaces(self) -> list[str]:
        """How the text names it: mostly the acronym when there is one."""
        return [self.acronym, self.acronym, self.name] if self.acronym else [self.name]


@dataclass
class Person:
    id: int
    name: str
    surname: str
    titles: list[str]
    home: Topic
    favourites: list[Topic]
    weight: float
    outlet: Organisation | None = None  # journalists only
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> source

    @property
    def is_president(self) -> bool:
        return self.titles[0].startswith("President")

    def label(self, fmt: str, first: bool, rng: random.Random) -> str:
        """The label as printed for one turn on a page of the given format."""
        if self.outlet is not None:
            label = self.name
        elif fmt == "nato":
            label = f"{self.name.upper()} ({self.titles[0]})" if first else self.surname.upper()
        elif fmt == "whitehouse":
            office = self.titles[0].split(" of ")[0].upper()
            office = office.removeprefix("NATO ").removeprefix("WHITE HOUSE ")
            label = f"{office} {self.surname.upper()}"
        elif fmt == "kremlin" and self.is_president and rng.random() < 0.3:
            label = f"President {self.name}"
        else:
            label = self.name
        self.aliases.setdefault(label, "label")  # storage keeps labels as printed
        return label


# Zipf-Mandelbrot weights (offset, exponent): rank r (from 0) is drawn with weight
# 1 / (r + offset) ** exponent. Calibrated with `python -m bench termstats` so that probe
# searches match about as large a fraction of statements as in the real corpus (bench/README.md).
PLACE_ZIPF = (1.5, 1.0)
THEME_ZIPF = (7.0, 1.4)
ORG_ZIPF = (1.0, 1.1)
# Share of places among a synthetic politician's favourite topics (the rest are themes).
PLACE_FAVOURITES = 0.4


def zipf(n: int, offset: float, exponent: float) -> list[float]:
    return [1 / (r + offset) ** exponent for r in range(n)]


SURNAME_OVERRIDES = {
    "Jaap de Hoop Scheffer": "de Hoop Scheffer",
    "Ban Ki-moon": "Ban",
    "Xi Jinping": "Xi",
    "Hu Jintao": "Hu",
}


class World:
    """Every entity the generator may reference, with the weights it draws them by."""

    def __init__(self, rng: random.Random, speakers: int = 200, journalists: int = 150) -> None:
        self.topics: list[Topic] = []
        for name, adjective in vocab.PLACES:
            self._topic(name, "PLACE", adjective)
        for name in vocab.THEMES:
            self._topic(name, "THEME", None)
        self.topic_by_name = {t.name: t for t in self.topics}
        self.places = [t for t in self.topics if t.kind == "PLACE"]
        self.countries = [t for t in self.places if t.adjective]
        self.themes = [t for t in self.topics if t.kind == "THEME"]
        # earlier entries in the vocabulary are the commoner subjects (Zipf-Mandelbrot)
        self.place_cum = _cumulative(zipf(len(self.places), *PLACE_ZIPF))
        self.theme_cum = _cumulative(zipf(len(self.themes), *THEME_ZIPF))

        self.organisations = [
            Organisation(i + 1, slug, name, acronym, kind, _org_aliases(name, acronym, extra))
            for i, (slug, name, acronym, kind, extra) in enumerate(vocab.ORGANISATIONS)
        ]
        self.org_by_slug = {o.slug: o for o in self.organisations}
        self.media = [o for o in self.organisations if o.kind == "MEDIA"]
        self.non_media = [o for o in self.organisations if o.kind != "MEDIA"]
        self.org_cum = _cumulative(zipf(len(self.non_media), *ORG_ZIPF))

        self.persons: list[Person] = []
        self._taken: set[str] = set()
        for rank, (name, forms, titles, home, favourites) in enumerate(vocab.FAMOUS, 1):
            person = self._person(name, titles, self.topic_by_name[home], 1 / rank)
            person.favourites = [self.topic_by_name[f] for f in favourites]
            for form in forms:
                person.aliases.setdefault(form, "text")
        rank = len(self.persons)
        while len(self.persons) < speakers:
            rank += 1
            home = rng.choice(self.countries)
            name = self._fresh_name(rng, unique_surname=True)
            office = rng.choice(vocab.OFFICES).format(country=home.name)
            person = self._person(name, [office], home, 1 / rank)
            person.favourites = [home, *self._favourites(rng, home, rng.randint(2, 4))]
        self.speakers = list(self.persons)
        self.speaker_cum = _cumulative([p.weight for p in self.speakers])
        self.journalists: list[Person] = []
        for _ in range(journalists):
            outlet = rng.choice(self.media)
            name = self._fresh_name(rng, unique_surname=False)
            person = self._person(name, ["Journalist"], self.places[0], 1.0, surname_alias=False)
            person.outlet = outlet
            person.favourites = []
            self.journalists.append(person)

    def _favourites(self, rng: random.Random, home: Topic, n: int) -> list[Topic]:
        """``n`` distinct topics besides ``home``, drawn by the same Zipf weights as the text:
        a synthetic minister's pet subjects are as common or rare as everyone's."""
        out: list[Topic] = []
        while len(out) < n:
            if rng.random() < PLACE_FAVOURITES:
                t = self.places[_bisect(self.place_cum, rng.random() * self.place_cum[-1])]
            else:
                t = self.themes[_bisect(self.theme_cum, rng.random() * self.theme_cum[-1])]
            if t is not home and t not in out:
                out.append(t)
        return out

    def _topic(self, name: str, kind: str, adjective: str | None) -> None:
        self.topics.append(Topic(len(self.topics) + 1, slugify(name), name, kind, adjective))

    def _fresh_name(self, rng: random.Random, unique_surname: bool) -> str:
        """A new name; a speaker's surname alone must name only them (else it is ambiguous)."""
        free = [s for s in vocab.SURNAMES if fold_name(s) not in self._taken]
        while True:
            name = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(free)}"
            if fold_name(name) not in self._taken:
                if unique_surname:
                    self._taken.add(fold_name(name.split()[-1]))
                return name

    def _person(
        self, name: str, titles: list[str], home: Topic, weight: float, surname_alias: bool = True
    ) -> Person:
        surname = SURNAME_OVERRIDES.get(name, name.split()[-1])
        person = Person(len(self.persons) + 1, name, surname, titles, home, [], weight)
        person.aliases[name] = "name"
        if surname_alias:
            person.aliases.setdefault(surname, "text")
            person.aliases.setdefault(f"Mr {surname}", "text")
            if person.is_president:
                person.aliases.setdefault(f"President {surname}", "text")
            self._taken.add(fold_name(surname))
        self._taken.add(fold_name(name))
        self.persons.append(person)
        return person


def _org_aliases(name: str, acronym: str | None, extra: list[str]) -> list[str]:
    aliases = [name]
    for alias in [acronym, *extra]:
        if alias and alias not in aliases:
            aliases.append(alias)
    return aliases


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out

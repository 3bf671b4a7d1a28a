"""The organisations, places and themes ingestion recognises, loaded once from data files.

Organisations come from data/organisations.yaml, themes from data/themes.yaml, places from
pycountry plus data/places.yaml. Besides look-ups by slug and by any name, this module hands
mentions.py the flat list of surface forms to search for, so the matching code never needs to
know where a form came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import pycountry
from unidecode import unidecode

from service.ingestion.datafiles import load
from service.ingestion.model import OrganisationKind, OrganisationRef, TopicKind, TopicRef
from service.ingestion.names import plain

Category = Literal["organisation", "topic", "blocker"]

_CHOICE = re.compile(r"\(([^()]*)\)")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Surface:
    """One written form to look for in text, and what finding it means."""

    form: str
    category: Category
    ref: str | None  # organisation or topic slug; None for a blocker
    first_name: bool = False  # a place that is also a first name ("Jordan")
    standalone: bool = False  # not when part of a longer capitalised name ("... Dialogue Congress")

    @property
    def exact(self) -> bool:
        """Forms without lower-case letters ("UN", "U.S.") must match case exactly."""
        return not any(c.islower() for c in self.form)


@dataclass(frozen=True)
class _Vocabulary:
    organisations: dict[str, OrganisationRef]
    topics: dict[str, TopicRef]
    surfaces: tuple[Surface, ...]
    organisation_keys: dict[str, str]  # name key -> slug
    topic_keys: dict[str, str]
    demonyms: frozenset[str]
    function_words: frozenset[str]


def slugify(name: str) -> str:
    """Stable lower-case id from a display name: "United States" -> "united-states"."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower().replace("'", "")).strip("-")


def expand(form: str) -> list[str]:
    """All forms a data phrase stands for: "terrorist(s)" -> ["terrorist", "terrorists"]."""
    match = _CHOICE.search(form)
    if not match:
        return [_SPACES.sub(" ", form).strip()]
    head, tail = form[: match.start()], form[match.end() :]
    choices = ["", *match.group(1).split("|")]
    return [out for choice in choices for out in expand(head + choice + tail)]


def _name_key(name: str) -> str:
    key = plain(name)
    return key[4:] if key.startswith("the ") else key


def _spelling_variants(form: str, pairs: list[list[str]]) -> list[str]:
    forms = [form]
    for a, b in pairs:
        for f in list(forms):
            for x, y in ((a, b), (b, a)):
                if re.search(rf"\b{x}\b", f):
                    forms.append(re.sub(rf"\b{x}\b", y, f))
    return list(dict.fromkeys(forms))


def _organisations(raw: dict[str, Any]) -> tuple[list[OrganisationRef], list[Surface]]:
    pairs = raw.get("spelling_variants", [])
    refs: list[OrganisationRef] = []
    surfaces: list[Surface] = []
    for entry in raw["organisations"]:
        forms = [entry["name"], *entry.get("aliases", [])]
        if entry.get("acronym"):
            forms.insert(1, entry["acronym"])
        forms = list(dict.fromkeys(v for f in forms for v in _spelling_variants(f, pairs)))
        aliases = [f for f in forms if f not in (entry["name"], entry.get("acronym"))]
        refs.append(
            OrganisationRef(
                slug=entry["slug"],
                name=entry["name"],
                kind=OrganisationKind(entry["kind"]),
                acronym=entry.get("acronym"),
                aliases=aliases,
            )
        )
        alone = set(entry.get("standalone", []))
        surfaces += [
            Surface(f, "organisation", entry["slug"], standalone=f in alone) for f in forms
        ]
    surfaces += [Surface(f, "blocker", None) for b in raw.get("blockers", []) for f in expand(b)]
    return refs, surfaces


def _country_forms(country: Any) -> list[str]:
    """pycountry's names for a country, minus inverted ones ("Korea, Republic of")."""
    forms = []
    for attr in ("name", "common_name", "official_name"):
        value = getattr(country, attr, None)
        if not value or "," in value:
            continue
        value = _PARENTHESES.sub("", value).strip()
        forms.append(value[4:] if value.startswith("the ") else value)
    return forms


def _places(raw: dict[str, Any]) -> tuple[list[TopicRef], list[Surface], set[str]]:
    extra: dict[str, dict[str, Any]] = raw.get("countries", {})
    skip = set(raw.get("skip", []))
    first_names = set(raw.get("first_names", []))
    refs: list[TopicRef] = []
    surfaces: list[Surface] = []
    demonyms: set[str] = set()
    for country in pycountry.countries:
        data = extra.get(country.alpha_2, {})
        pyc_forms = _country_forms(country)
        name = data.get("name") or getattr(country, "common_name", None) or pyc_forms[0]
        slug = slugify(name)
        refs.append(TopicRef(slug=slug, name=name, kind=TopicKind.PLACE))
        if country.alpha_2 in skip:
            continue
        names = [name, *pyc_forms, *(f for a in data.get("aliases", []) for f in expand(a))]
        nationals = [f for d in data.get("demonyms", []) for f in expand(d)]
        demonyms.update(nationals)
        for form in dict.fromkeys([*names, *nationals]):
            surfaces.append(Surface(form, "topic", slug, first_name=form in first_names))
    for region in raw.get("regions", []):
        refs.append(TopicRef(slug=region["slug"], name=region["name"], kind=TopicKind.PLACE))
        forms = [region["name"], *(f for a in region.get("aliases", []) for f in expand(a))]
        surfaces += [Surface(f, "topic", region["slug"]) for f in dict.fromkeys(forms)]
    surfaces += [Surface(f, "blocker", None) for b in raw.get("blockers", []) for f in expand(b)]
    return refs, surfaces, demonyms


def _themes(raw: dict[str, Any]) -> tuple[list[TopicRef], list[Surface]]:
    """Themes with their phrases in both spellings, and their negative contexts as blockers."""
    pairs = raw.get("spelling_variants", [])
    refs: list[TopicRef] = []
    surfaces: list[Surface] = []
    for theme in raw["themes"]:
        refs.append(TopicRef(slug=theme["slug"], name=theme["name"], kind=TopicKind.THEME))
        forms = dict.fromkeys(
            v for p in theme["phrases"] for f in expand(p) for v in _spelling_variants(f, pairs)
        )
        alone = bool(theme.get("not_beside_names"))
        surfaces += [Surface(f, "topic", theme["slug"], standalone=alone) for f in forms]
        blocked = dict.fromkeys(
            v
            for p in theme.get("not_in", [])
            for f in expand(p)
            for v in _spelling_variants(f, pairs)
        )
        surfaces += [Surface(f, "blocker", None) for f in blocked if f not in forms]
    return refs, surfaces


def _keys(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Name key -> slug; the first claim on a key wins (data order is priority order)."""
    keys: dict[str, str] = {}
    for form, slug in pairs:
        keys.setdefault(_name_key(form), slug)
    return keys


@cache
def _vocabulary() -> _Vocabulary:
    organisations, org_surfaces = _organisations(load("organisations"))
    places, place_surfaces, demonyms = _places(load("places"))
    themes, theme_surfaces = _themes(load("themes"))
    topics = places + themes
    surfaces = org_surfaces + place_surfaces + theme_surfaces
    org_pairs = [(o.slug, o.slug) for o in organisations] + [
        (s.form, s.ref) for s in org_surfaces if s.ref
    ]
    topic_pairs = [(t.slug, t.slug) for t in topics] + [(t.name, t.slug) for t in topics]
    topic_pairs += [(s.form, s.ref) for s in place_surfaces + theme_surfaces if s.ref]
    return _Vocabulary(
        organisations={o.slug: o for o in organisations},
        topics={t.slug: t for t in topics},
        surfaces=tuple(surfaces),
        organisation_keys=_keys(org_pairs),
        topic_keys=_keys(topic_pairs),
        demonyms=frozenset(demonyms),
        function_words=frozenset(load("places").get("function_words", [])),
    )


def organisation(slug: str) -> OrganisationRef:
    """The organisation with this slug; KeyError for an unknown slug."""
    return _vocabulary().organisations[slug]


def organisation_by_name(name: str) -> OrganisationRef | None:
    """The organisation any of whose names, acronym or aliases is ``name`` (case, diacritics
    and a leading "the" ignored), else None."""
    vocabulary = _vocabulary()
    slug = vocabulary.organisation_keys.get(_name_key(name))
    return vocabulary.organisations[slug] if slug else None


def topic(slug: str) -> TopicRef:
    """The place or theme with this slug; KeyError for an unknown slug."""
    return _vocabulary().topics[slug]


def topic_by_name(name: str) -> TopicRef | None:
    """The topic whose slug, name or any matched form is ``name`` ("Afghan" -> Afghanistan)."""
    vocabulary = _vocabulary()
    slug = vocabulary.topic_keys.get(_name_key(name))
    return vocabulary.topics[slug] if slug else None


def all_organisations() -> list[OrganisationRef]:
    return list(_vocabulary().organisations.values())


def all_topics() -> list[TopicRef]:
    return list(_vocabulary().topics.values())


def surfaces() -> tuple[Surface, ...]:
    """Every form to search for in text: organisations, places, themes and blockers."""
    return _vocabulary().surfaces


def is_function_word(word: str) -> bool:
    """True for a capitalised function word that only starts a sentence ("In", "And")."""
    return word in _vocabulary().function_words


def is_demonym(word: str) -> bool:
    """True for a nationality word such as "Iraqis" or "Kazakh" (figures use it for counts)."""
    return word in _vocabulary().demonyms

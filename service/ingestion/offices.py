"""Dated office holders: who "THE PRESIDENT" or "CHAIR POWELL" was on the day of an event.

A role label names an office, not a person. Within a page the header or an introduction often
says who holds it (``speakers``); when it does not, ``data/offices.yaml`` does, given the
event's date and the page's jurisdiction (``layouts.country``). A bare title ("President")
needs that jurisdiction; a title naming it ("President of Russia") does not. An office and a
surname together ("Chair Powell") need neither when only one holder ever fits, and are checked
against the date when there is one. Anything less than one clear holder gives no one: an
unresolved role keeps its label rather than borrow a wrong person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from service.ingestion.datafiles import load
from service.ingestion.designations import correct_role, role_words, surname_tokens
from service.ingestion.names import fold_name

# Words a bare title may have besides role words: "the President", "Minister of Finance".
_FILLER = frozenset({"the", "of", "and", "for", "pm"})


@dataclass(frozen=True)
class Holder:
    """One term of one person in one office."""

    name: str  # as transcripts print it
    office: str
    title: str  # the office's shortest title, given to the person at the event
    start: dt.date
    end: dt.date | None  # the first day out of office; None while in office
    wikidata: str | None

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def name_tokens(self) -> list[str]:
        return self.name.split()


@dataclass(frozen=True)
class _Office:
    name: str
    country: str
    titles: frozenset[str]  # title keys
    holders: tuple[Holder, ...]


def title_key(title: str) -> str:
    """ "THE PRESIDENT" and "President" compare equal; so do "Secretary-General" and
    "Secretary General"."""
    words = [correct_role(w) for w in title.split()]  # "PRIME MINSTER" is the prime minister
    return " ".join(w for w in fold_name(" ".join(words)).split() if w != "the")


def _is_bare(key: str) -> bool:
    """A title made of role words only ("prime minister") does not say whose office it is."""
    roles = {fold_name(w) for w in role_words()}
    return all(w in roles or w in _FILLER for w in key.split())


@cache
def _offices() -> tuple[_Office, ...]:
    offices = []
    for entry in load("offices")["offices"]:
        titles = [str(t) for t in entry["titles"]]
        short = min(titles, key=len) if len(min(titles, key=len)) > 2 else titles[0]
        holders = tuple(
            Holder(
                name=str(h["name"]),
                office=str(entry["office"]),
                title=short,
                start=h["from"],
                end=h.get("to"),
                wikidata=h.get("wikidata"),
            )
            for h in entry["holders"]
        )
        offices.append(
            _Office(
                str(entry["office"]),
                str(entry["country"]),
                frozenset(map(title_key, titles)),
                holders,
            )
        )
    return tuple(offices)


def holder_names() -> tuple[str, ...]:
    """The name of every holder of every office, as the data prints it."""
    return tuple(h.name for o in _offices() for h in o.holders)


def _offices_titled(key: str, country: str | None) -> list[_Office]:
    found = [o for o in _offices() if key in o.titles]
    if _is_bare(key):
        return [o for o in found if o.country == country] if country else []
    return found


def holder(title: str, day: dt.date | None, country: str | None) -> Holder | None:
    """The one person holding the office called ``title`` on ``day`` in ``country``."""
    if day is None:
        return None
    key = title_key(title)
    if not key:
        return None
    found = {h.name: h for o in _offices_titled(key, country) for h in o.holders if h.held_on(day)}
    return next(iter(found.values())) if len(found) == 1 else None


def holder_named_in(title: str, day: dt.date | None, texts: Sequence[str]) -> Holder | None:
    """A bare title whose office the page's header names in full: "THE PRESIDENT" on a page
    headed "Press conference, President of the United States and Prime Minister Howard"."""
    key = title_key(title)
    if day is None or not key:
        return None
    header = f" {title_key(' '.join(texts))} "
    found = {
        h.name: h
        for o in _offices()
        if key in o.titles
        and any(f" {t} " in header for t in o.titles if t != key and not _is_bare(t))
        for h in o.holders
        if h.held_on(day)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def holder_by_surname(
    title: str | None, name: Sequence[str], day: dt.date | None, country: str | None
) -> Holder | None:
    """The office holder an office and surname designate ("CHAIR POWELL", "President Biden").

    The surname is evidence enough to look beyond the page's country, but the office must
    match, and so must the date when the event has one.
    """
    key = title_key(title or "")
    surname = fold_name(" ".join(surname_tokens(list(name))))
    if not key or not surname:
        return None
    offices = [o for o in _offices() if key in o.titles]
    if country and any(o.country == country for o in offices):
        offices = [o for o in offices if o.country == country]
    found = {
        h.name: h
        for o in offices
        for h in o.holders
        if fold_name(" ".join(surname_tokens(h.name_tokens))) == surname
        and (day is None or h.held_on(day))
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _country_code(country: str) -> str | None:
    """An office's jurisdiction as a person's country: ISO codes only (not 'NATO', 'UN')."""
    return country if len(country) == 2 and country.isupper() else None


@dataclass(frozen=True)
class HolderFacts:
    """What the office-holder data says of one person: external id, country, dated terms."""

    name: str
    wikidata: str | None
    country: str | None
    terms: tuple[tuple[Holder, str | None], ...]  # (term, the office's country code)


@cache
def _terms_by_name() -> dict[str, list[tuple[Holder, str]]]:
    table: dict[str, list[tuple[Holder, str]]] = {}
    for o in _offices():
        for h in o.holders:
            table.setdefault(fold_name(h.name), []).append((h, o.country))
    return table


def holder_facts(
    name: str, titles: Sequence[str], days: Sequence[dt.date | None]
) -> HolderFacts | None:
    """The office holder a page's person is, when the data agrees with the page.

    The full name must be the holder's (after spelling folds), and the page must place the
    person in one of the holder's offices: an event on a day of a term, or a title of the
    office. A namesake on an unrelated page is no holder.
    """
    terms = _terms_by_name().get(fold_name(name))
    if not terms:
        return None
    keys = {title_key(t) for t in titles}
    offices = {o.name: o for o in _offices()}
    agree = any(
        any(d is not None and h.held_on(d) for d in days) or keys & offices[h.office].titles
        for h, _ in terms
    )
    if not agree:
        return None
    wikidata = next((h.wikidata for h, _ in terms if h.wikidata), None)
    # the country of the office held on the page's date, else of the first office listed
    dated = [c for h, c in terms if any(d is not None and h.held_on(d) for d in days)]
    country = _country_code(dated[0] if dated else terms[0][1])
    return HolderFacts(
        name=terms[0][0].name,
        wikidata=wikidata,
        country=country,
        terms=tuple((h, _country_code(c)) for h, c in terms),
    )


def is_bare_title(title: str) -> bool:
    """A title of role words only ("Prime Minister", "THE PRESIDENT"): it names no office
    without a jurisdiction, so it is no evidence that two people are one."""
    key = title_key(title)
    return not key or _is_bare(key)

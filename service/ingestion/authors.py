"""Who speaks a page without speaker labels: a speech, a statement, a message.

Such a page names its speaker in its header, in one of three ways:
- a byline: "Remarks as Prepared for Delivery by President Biden — Address to ...",
  "Statement from the Press Secretary on ...": the designation right after "by"/"from", up to
  the words that start what follows (" at ", " to ", " — ");
- a lede whose subject is the author: "Vladimir Putin sent his condolences to ...";
- for a message (greetings, condolences, a letter), never the person in its title: that one is
  the addressee ("Condolences to President of Azerbaijan Ilham Aliyev").
An office with a surname only ("President Biden") is named in full from the office-holder
data (``offices``) when the date and office allow one holder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from service.ingestion import designations, namefinder, offices
from service.ingestion.datafiles import load
from service.ingestion.dates import find_date
from service.ingestion.designations import Designation
from service.ingestion.people import is_surname_only

_MAX_BYLINE_WORDS = 8
_DATELINE_WORDS = 6  # words at most in a line that is only a dateline


@dataclass(frozen=True)
class Author:
    name: list[str]
    title: str | None


@cache
def _byline() -> re.Pattern[str]:
    words = "|".join(load("authors")["byline_words"])
    return re.compile(rf"(?:^|\s)(?:{words})\s+(?P<who>\S.*)$", re.I)


@cache
def _byline_stops() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in load("authors")["byline_stops"])
    return re.compile(rf"\s+(?:{words})\s+|\s*[—–:;|(]\s*|\s+-\s+", re.I)


@cache
def _message() -> re.Pattern[str]:
    words = "|".join(load("authors")["message_words"])
    return re.compile(rf"^\W*(?:{words})\b", re.I)


def is_message(title: str) -> bool:
    """Greetings, condolences, a letter: the title names whom it is addressed to."""
    return bool(_message().search(title))


def from_byline(texts: list[str]) -> Designation | None:
    """The designation after "by"/"from" in the first of ``texts`` that has a byline."""
    for text in texts:
        m = _byline().search(text)
        if not m:
            continue
        who = _byline_stops().split(m["who"], maxsplit=1)[0]
        words = who.split()[:_MAX_BYLINE_WORDS]
        for end in range(len(words), 0, -1):  # the longest leading run that names a person
            d = designations.parse(" ".join(words[:end]))
            if d is not None and (d.name or (d.contextual and d.title)):
                return d
    return None


def lede_subject(lede: list[str]) -> Designation | None:
    """ "Vladimir Putin sent ..." : the person the first lede sentence starts with. A short
    line holding a date is a dateline ("Aired March 3, 2023"), no sentence: nobody's name."""
    for text in lede[:1]:
        if len(text.split()) <= _DATELINE_WORDS and find_date(text) is not None:
            continue
        for found in namefinder.find(text):
            if found.start <= 1 and found.designation.name:
                return found.designation
    return None


def author(
    title: str,
    lede: list[str],
    day: dt.date | None,
    country: str | None,
    *,
    title_may_name: bool,
) -> Author | None:
    """The speaker of a labelless page, or None when its header names nobody for sure.

    ``title_may_name``: the page's kind lets a person named in its title be the speaker
    (a speech or briefing, not a meeting, where the title names the guest).
    """
    candidates: list[Designation | None] = []
    if is_message(title):
        candidates.append(lede_subject(lede))
    else:
        candidates.append(from_byline([title, *lede]))
        candidates.append(lede_subject(lede))
        if title_may_name:
            candidates.extend(namefinder.people(title)[:1])
    for d in candidates:
        if d is None:
            continue
        found = _full(d, day, country)
        if found is not None:
            return found
    return None


def _full(d: Designation, day: dt.date | None, country: str | None) -> Author | None:
    title = d.title_text if d.title_known else None
    if d.name and len(d.name) > 1 and not is_surname_only(d.name):
        return Author(d.name, title)
    if d.name and d.title_text:
        holder = offices.holder_by_surname(d.title_text, d.name, day, country)
        if holder is not None:
            return Author(holder.name_tokens, holder.title)
        return Author(d.name, title)
    if d.contextual and d.title_text:  # "Statement from the Press Secretary"
        holder = offices.holder(d.title_text, day, country)
        if holder is not None:
            return Author(holder.name_tokens, holder.title)
    return None

"""The analysis half of ingestion (organisations, topics, figures) as the pipeline calls it.

One place adapts the mentions/figures modules to the pipeline: they search the working text,
and the texts of what they find are taken from the original so that original[span] == text.
"""

from __future__ import annotations

import dataclasses
import re

from service.ingestion import vocabulary
from service.ingestion.datafiles import word_set
from service.ingestion.figures import find_figures
from service.ingestion.mentions import find_mentions
from service.ingestion.model import (
    Figure,
    Mention,
    OrganisationKind,
    OrganisationRef,
    Span,
    TopicKind,
    TopicRef,
)


def mentions(original: str, work: str, span: Span) -> tuple[list[Mention], list[Mention]]:
    """(organisation mentions, topic mentions) in one paragraph; texts from the original."""
    orgs, topics = find_mentions(work, span)
    return _fixed(original, orgs), _fixed(original, topics)


def figures(original: str, work: str, span: Span, default_dollar: str = "USD") -> list[Figure]:
    """Figures in one paragraph. ``default_dollar`` is what a bare "$" or "dollars" means on
    this page (the speaker's or publisher's country: "AUD" for an Australian government page);
    explicit forms ("US$", "Canadian dollars") keep their own currency."""
    found = find_figures(work, span, default_dollar=default_dollar)
    return [dataclasses.replace(f, text=original[f.span.start : f.span.end]) for f in found]


def _fixed(original: str, found: list[Mention]) -> list[Mention]:
    return [dataclasses.replace(m, text=original[m.span.start : m.span.end]) for m in found]


def organisation(slug: str) -> OrganisationRef | None:
    try:
        return vocabulary.organisation(slug)
    except KeyError:
        return None


def organisation_by_name(name: str) -> OrganisationRef | None:
    return vocabulary.organisation_by_name(name)


def is_acronym(token: str) -> bool:
    """An organisation's acronym as written ("NATO")."""
    ref = organisation_by_name(token)
    return ref is not None and ref.acronym == token


def is_organisation(name: str) -> bool:
    return organisation_by_name(name) is not None


def is_place(name: str) -> bool:
    found = vocabulary.topic_by_name(name)
    return found is not None and found.kind == TopicKind.PLACE


def topic(slug: str) -> TopicRef | None:
    try:
        return vocabulary.topic(slug)
    except KeyError:
        return None


def media_outlet(name: str) -> OrganisationRef:
    """The organisation for a journalist's outlet: the vocabulary's (also under a news word
    printed beside its name: "Reuters news agency", "Rossiya TV channel"), or a new one.

    A new one is MEDIA unless its name says business and no news word says otherwise: an
    investor introducing himself at a forum ("Aberdeen Asset Management", "XYZ Capital") names
    no news organisation.
    """
    known = _known_outlet(name)
    if known is not None:
        return known
    slug = vocabulary.slugify(name)
    kind = OrganisationKind.OTHER if _is_business(name) else OrganisationKind.MEDIA
    return organisation(slug) or OrganisationRef(slug=slug, name=name, kind=kind)


_WORDS = re.compile(r"[\s\-]+")


def _known_outlet(name: str) -> OrganisationRef | None:
    """The vocabulary's organisation by the name, or by the name without the outlet words
    printed after or before it, one at a time ("Reuters news agency" -> "Reuters news" ->
    "Reuters"; "newspaper Komsomolskaya Pravda")."""
    news = word_set("labels", "outlet_words")
    words = name.split()
    while words:
        known = organisation_by_name(" ".join(words))
        if known is not None:
            return known
        if len(words) > 1 and words[-1].lower() in news:
            words = words[:-1]
        elif len(words) > 1 and words[0].lower() in news:
            words = words[1:]
        else:
            return None
    return None


def _is_business(name: str) -> bool:
    words = {w.strip(".,&") for w in _WORDS.split(name.lower())}
    if words & word_set("labels", "outlet_words"):
        return False
    business = word_set("journalists", "business_words")
    # a business word may close a word of the name: "Swedbank", "Sberbank"
    return any(w in business or any(w.endswith(b) for b in business if len(b) > 3) for w in words)

"""Journalists who say who they are: "Paul Ames from the Associated Press.",
"My name is Maria Solovyenko, Narodnoye Veche newspaper.", "Diana Khachatryan, Novaya Gazeta."

Also the introductions a moderator or a principal makes just before a question ("For our
first question we'll go to Aamer Madhani with the Associated Press.", "Cecilia Vega of ABC.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingestion import analysis, designations
from service.ingestion.datafiles import word_set
from service.ingestion.model import OrganisationKind
from service.ingestion.names import fold_name

# a sentence ends at . ? ! unless the dot closes an abbreviation ("Mr.", "U.S.", "J.")
_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<![\s.][A-Z])"
    r"[.?!]+(?=\s|$)"
)
_OPENERS = re.compile(
    r"^(?:(?:my name is|i am|i'm|i’m|this is|it's|it’s|hello|hi|good (?:morning|afternoon|"
    r"evening)|thank you|thanks)[,\s]+)+",
    re.I,
)
_SEPARATOR = re.compile(r"(\s*,\s*|\s+(?:from|of|with|at|for)\s+(?:the\s+)?)", re.I)
_ADDRESS = re.compile(
    r"^(?:(?:mr|mrs|ms|madam|madame|dear)\.?\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\s*,\s*)+", re.I
)
_INTRODUCTION = re.compile(
    r"(?:go(?:ing)? (?:to|with)|turn to|call on|recogni[sz]e|hear from|question (?:from|goes to)|"
    r"next is|over to)\s+(?P<rest>[^.?!]+)[.?!]?\s*$",
    re.I,
)
_BRACKETS = re.compile(r"\s*\[[^\]]*\]")
_MAX_SENTENCE_WORDS = 16
_MAX_OUTLET_WORDS = 8


@dataclass(frozen=True)
class Introduction:
    name: list[str]  # name tokens
    outlet: str | None


def self_introduction(paragraph: str, exclude: set[str] | None = None) -> Introduction | None:
    """A journalist naming himself in the first sentences of a question."""
    for sentence in sentences(paragraph[:600])[:3]:
        sentence = sentence.strip()
        if "?" in sentence or len(sentence.split()) > _MAX_SENTENCE_WORDS:
            continue
        text = _ADDRESS.sub("", _OPENERS.sub("", sentence).strip())
        found = _name_and_outlet(_OPENERS.sub("", text).strip(" .!"), exclude or set())
        if found is not None:
            return found
    return None


_FROM = re.compile(r"^(?:i am|i'm|i’m|we are|we're|we’re)\s+(?:from|with)\s+(?:the\s+)?", re.I)


def outlet_only(paragraph: str) -> str | None:
    """An outlet named without a person: "RIA Novosti.", "I am from the Novaya Gazeta."."""
    for sentence in sentences(paragraph[:300])[:2]:
        text = _FROM.sub("", _OPENERS.sub("", sentence).strip()).strip(" .!")
        if not text or len(text.split()) > _MAX_OUTLET_WORDS or "?" in sentence:
            continue
        known = analysis.organisation_by_name(text)
        if known is not None and known.kind == OrganisationKind.MEDIA:
            return text
        if _is_media(text) and _clean_outlet(text) and not analysis.is_place(text):
            return _clean_outlet(text)
    return None


def introduced(paragraph: str, exclude: set[str] | None = None) -> Introduction | None:
    """A journalist introduced just before his question, at the end of the previous turn."""
    last = sentences(paragraph.strip()[-400:])
    if not last:
        return None
    sentence = last[-1].strip()
    m = _INTRODUCTION.search(sentence)
    if m:
        return _name_and_outlet(m["rest"].strip(), exclude or set())
    if len(paragraph.split()) <= _MAX_OUTLET_WORDS and len(last) == 1:
        return _name_and_outlet(sentence.strip(" .!"), exclude or set(), need_outlet=True)
    return None


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its closing punctuation."""
    found, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        found.append(text[start : m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    return [s for s in [*found, rest] if s]


def _name_and_outlet(
    text: str, exclude: set[str], need_outlet: bool = False
) -> Introduction | None:
    pieces = _SEPARATOR.split(_BRACKETS.sub("", text))
    parts, seps = pieces[0::2], pieces[1::2]
    for i, part in enumerate(parts):
        if i > 0 and "," not in seps[i - 1]:
            continue  # after "from"/"of" comes the outlet, not the name
        name = part.split()
        if not _is_personal_name(name, exclude):
            continue
        before = [_clean_outlet(p) for p in parts[:i]]
        if any(b is None for b in before):
            continue  # "this was your first meeting with Kim Jong-un"
        after = _clean_outlet(parts[i + 1]) if i + 1 < len(parts) else None
        previous = before[-1] if before else None
        outlet = previous if previous and (_is_media(previous) or not after) else after
        if need_outlet and outlet is None:
            return None
        return Introduction(name, outlet)
    return None


def _is_media(text: str) -> bool:
    return bool(set(re.split(r"[\s\-]+", text.lower())) & word_set("labels", "outlet_words"))


def _is_personal_name(tokens: list[str], exclude: set[str]) -> bool:
    if not 2 <= len(tokens) <= 4:
        return False
    if any(designations.is_patronymic(t) for t in tokens):
        return False  # "Vladimir Vladimirovich" addresses the President
    if any(t.lower().rstrip(".") in designations.honorifics() for t in tokens):
        return False
    if fold_name(" ".join(tokens)) in exclude or not all(t[0].isupper() for t in tokens):
        return False
    if set(re.split(r"[\s\-]+", " ".join(tokens).lower())) & word_set("labels", "outlet_words"):
        return False  # "Youth TV Channel"
    if analysis.is_organisation(" ".join(tokens)) or analysis.is_place(" ".join(tokens)):
        return False  # "RIA Novosti"
    d = designations.parse(" ".join(tokens))
    return d is not None and not d.title and not d.contextual and d.name == tokens


def _clean_outlet(text: str) -> str | None:
    text = re.sub(r"^(?:the)\s+", "", text.strip(" .,"), flags=re.I)
    words = text.split()
    if not words or len(words) > _MAX_OUTLET_WORDS or not any(w[0].isupper() for w in words):
        return None
    if words[0][0].islower():
        return None
    return text

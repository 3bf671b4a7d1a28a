"""Journalists who say who they are: "Paul Ames from the Associated Press.",
"My name is Maria Solovyenko, Narodnoye Veche newspaper.", "Diana Khachatryan, Novaya Gazeta."

Also the introductions a moderator or a principal makes just before a question ("For our
first question we'll go to Aamer Madhani with the Associated Press.", "Cecilia Vega of ABC.").

An introduction is split at its commas and prepositions into parts; one part is the name, the
outlet is found among the parts beside it. A part with news evidence (an outlet word or a known
news organisation) wins over a plain one, so "Sergei Brilyov, Moscow, Rossiya TV channel" gives
the channel; a place ("Moscow", "Komi Republic"), a title ("Chairman") or a sentence fragment
("I'm ...", "Thank you") is never an outlet. The words are data: ``data/journalists.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from service.ingestion import analysis, designations
from service.ingestion.datafiles import load, word_set
from service.ingestion.model import OrganisationKind
from service.ingestion.names import fold_name

# a sentence ends at . ? ! unless the dot closes an abbreviation ("Mr.", "U.S.", "J.")
_SENTENCE_END = re.compile(  # the lookahead first: the lookbehinds only where a stop stands
    r"(?=[.?!])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<![\s.][A-Z])"
    r"[.?!]+(?=\s|$)"
)
_OPENERS = re.compile(
    r"^(?:(?:my name is|i am|i'm|i’m|this is|it's|it’s|hello|hi|good (?:morning|afternoon|"
    r"evening)|thank you(?: very much)?|thanks|yes|fine)[,\s]+)+",
    re.I,
)
# "," or a preposition, with or without a comma before it ("Howard Schneider, with Reuters")
_SEPARATOR = re.compile(
    r"(\s*,\s*(?:(?:from|of|with|at|for)\s+(?:the\s+)?)?|\s+(?:from|of|with|at|for)\s+(?:the\s+)?)",
    re.I,
)
_ADDRESS = re.compile(
    r"^(?:(?:mr|mrs|ms|madam|madame|dear)\.?\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\s*[,!]\s*)+", re.I
)
_INTRODUCTION = re.compile(
    r"(?:go(?:ing)? (?:to|with)|turn to|call on|recogni[sz]e|hear from|question (?:from|goes to)|"
    r"next is|over to)\s+(?P<rest>[^.?!]+)[.?!]?\s*$",
    re.I,
)
_BRACKETS = re.compile(r"\s*\[[^\]]*\]")
_LOCATED = re.compile(r"\s+(?:in|from)\s+[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*$")  # "... in Poland"
_WORDS = re.compile(r"[\s\-]+")
_MAX_SENTENCE_WORDS = 16
_MAX_OUTLET_WORDS = 8
_HEAD_SENTENCES = 3  # an introduction opens the question


@dataclass(frozen=True)
class Introduction:
    name: list[str]  # name tokens
    outlet: str | None


def self_introduction(paragraph: str, exclude: set[str] | None = None) -> Introduction | None:
    """A journalist naming himself in the first sentences of a question; an outlet named in
    the sentence after a bare name ("Alexander Gamov. Radio, television and the newspaper
    Komsomolskaya Pravda.") is his."""
    head = sentences(paragraph[:600])[:_HEAD_SENTENCES]
    for n, sentence in enumerate(head):
        sentence = sentence.strip()
        if "?" in sentence or len(sentence.split()) > _MAX_SENTENCE_WORDS:
            continue
        found = _name_and_outlet(_strip_openers(sentence), exclude or set())
        if found is None:
            continue
        if found.outlet is None:
            following = " ".join(head[n + 1 : n + 2])
            if following:
                return Introduction(found.name, outlet_only(following))
        return found
    return None


def outlet_only(paragraph: str) -> str | None:
    """An outlet named without a person: "RIA Novosti.", "I am from the Novaya Gazeta.",
    "I represent the TVN television company in Poland."."""
    for sentence in sentences(paragraph[:300])[:2]:
        if "?" in sentence:
            continue
        text = _strip_openers(sentence).strip(" .!:")
        text = _LOCATED.sub("", _outlet_opener().sub("", text)).strip(" .!")
        if not text or len(text.split()) > _MAX_OUTLET_WORDS:
            continue
        if _is_fragment(text) or is_place(text):
            continue
        known = analysis.organisation_by_name(text)
        if known is not None:
            if known.kind == OrganisationKind.MEDIA:
                return text
            continue
        # "Radio, television and the newspaper Komsomolskaya Pravda": the named part
        for part in reversed(re.split(r"\s*,\s*|\s+and\s+(?:the\s+)?", text)):
            cleaned = _clean_outlet(part)
            if cleaned is not None and _is_media(cleaned) and not is_place(cleaned):
                return cleaned
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
    if len(sentence.split()) > _MAX_OUTLET_WORDS:
        return None
    found = _name_and_outlet(sentence.strip(" .!"), exclude or set(), need_outlet=True)
    if found is None or (len(last) > 1 and not _is_news(found.outlet or "")):
        return None  # after other sentences, only "Jane Doe, Reuters." calls on someone
    return found


def greets(paragraph: str) -> bool:
    """A turn that opens with a greeting ("Hi, Mr. President.", "Good afternoon."): a new
    questioner taking the floor, not a follow-up."""
    return bool(_GREETING.match(paragraph.strip()))


def hands_floor(paragraph: str) -> bool:
    """The end of a turn gives the floor to someone ("Go ahead, Tom.", "Next question.",
    "Jane Doe, Reuters.")."""
    last = sentences(paragraph.strip()[-400:])
    if not last:
        return False
    if _floor_cue().search(last[-1]):
        return True
    if len(paragraph.split()) <= _MAX_OUTLET_WORDS and outlet_only(paragraph) is not None:
        return True  # "Deutsche Welle."
    return introduced(paragraph) is not None


_GREETING = re.compile(r"(?:hello|hi|hey|good (?:morning|afternoon|evening|day))\b", re.I)


@cache
def _floor_cue() -> re.Pattern[str]:
    cues = "|".join(re.escape(str(c)) for c in load("labels")["floor_cues"])
    return re.compile(rf"\b(?:{cues})\b", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its closing punctuation."""
    found, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        found.append(text[start : m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    return [s for s in [*found, rest] if s]


def is_place(text: str) -> bool:
    """A place said beside a name ("Moscow", "Komi Republic", "Republic of Tuva", "Tbilisi,
    Georgia"), which is where the journalist comes from, never his outlet."""
    text = re.sub(r"^the\s+", "", text.strip(" .,"), flags=re.I)
    if not text:
        return False
    if analysis.is_place(text) or text.lower() in word_set("journalists", "cities"):
        return True
    words = [w for w in _WORDS.split(text.lower()) if w]
    if words and (words[-1] in _place_words() or words[0] in _place_words()):
        return not _is_media(text)
    return False


def _strip_openers(sentence: str) -> str:
    text = _OPENERS.sub("", sentence.strip())
    text = _ADDRESS.sub("", text).strip()
    return _OPENERS.sub("", text).strip(" .!")


@cache
def _place_words() -> frozenset[str]:
    return word_set("journalists", "place_words")


@cache
def _outlet_opener() -> re.Pattern[str]:
    forms = sorted((str(f) for f in load("journalists")["outlet_openers"]), key=len, reverse=True)
    return re.compile(rf"^(?:{'|'.join(re.escape(f) for f in forms)})\s+(?:the\s+)?", re.I)


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
        if any(_clean_outlet(p) is None for p in parts[:i]):
            continue  # "this was your first meeting with Kim Jong-un"
        outlet = _outlet_beside(parts, seps, i)
        if outlet is None and i + 1 < len(parts) and not _introductory(parts[i + 1]):
            continue  # "Enough Khodorkovsky, enough Magnitsky": no introduction
        if any(designations.is_patronymic(t) for t in name[1:]) and not _is_news(outlet or ""):
            continue  # "Vladimir Vladimirovich" addresses the President; "Yelena Milenchich, RT"
        if need_outlet and outlet is None:
            return None
        return Introduction(name, outlet)
    return None


def _outlet_beside(parts: list[str], seps: list[str], i: int) -> str | None:
    """The outlet among the parts around the name ``parts[i]``: the nearest with news evidence,
    else the plain part right after the name, else the one right before it."""
    after: list[str] = []
    for j in range(i + 1, len(parts)):
        cleaned = _clean_outlet(parts[j])
        if cleaned is None:
            if _is_role(parts[j]) and j + 1 < len(parts) and seps[j].strip(" ,"):
                continue  # "columnist for the Kuzbass newspaper"
            break
        after.append(cleaned)
    before = [c for c in (_clean_outlet(p) for p in reversed(parts[:i])) if c is not None]
    nearest = [p for pair in _zip_longest(after, before) for p in pair]
    for candidate in nearest:
        if _is_news(candidate) and not _is_fragment(candidate) and not is_place(candidate):
            return candidate
    for candidate in after[:1] + before[:1]:
        if _plain_outlet(candidate):
            return candidate
    return None


def _introductory(part: str) -> bool:
    """What may follow a name in an introduction: a place, an outlet, a role ("a freelance
    correspondent") or a new clause ("I represent ...", "I have asked you ...")."""
    return _clean_outlet(part) is not None or _is_role(part) or _is_fragment(part)


def _zip_longest(a: list[str], b: list[str]) -> list[list[str]]:
    return [[x for x in (a[k : k + 1] + b[k : k + 1])] for k in range(max(len(a), len(b)))]


def _plain_outlet(text: str) -> bool:
    """A part with no news word that may still be an outlet ("Bankrate"), unless it is a place,
    a title, an address or a fragment of a sentence."""
    if _is_fragment(text) or is_place(text):
        return False
    first = _WORDS.split(text.lower())[0]  # "Chairman, Mark Hamrick, with Bankrate"
    return first not in designations.role_words() and first not in designations.honorifics()


def _is_news(text: str) -> bool:
    known = analysis.organisation_by_name(text)
    if known is not None:
        return known.kind == OrganisationKind.MEDIA
    return _is_media(text)


def _is_media(text: str) -> bool:
    return bool(set(_WORDS.split(text.lower())) & word_set("labels", "outlet_words"))


def _is_fragment(text: str) -> bool:
    """ "I'm a fixed income portfolio manager", "I have asked you ...", "Thank you"."""
    first = _WORDS.split(text.strip().lower())[0]
    return first in word_set("journalists", "fragment_words")


def _is_role(text: str) -> bool:
    """ "a freelance correspondent", "columnist": what the speaker is, before his outlet."""
    words = [w for w in _WORDS.split(text.strip().lower()) if w]
    return bool(words) and all(w in word_set("journalists", "role_words") for w in words)


def _is_personal_name(tokens: list[str], exclude: set[str]) -> bool:
    if not 2 <= len(tokens) <= 4:
        return False
    if designations.is_patronymic(tokens[0]):
        return False
    if any(t.lower().rstrip(".") in designations.honorifics() for t in tokens):
        return False
    if fold_name(" ".join(tokens)) in exclude or not all(t[0].isupper() for t in tokens):
        return False
    if set(_WORDS.split(" ".join(tokens).lower())) & word_set("labels", "outlet_words"):
        return False  # "Youth TV Channel"
    if analysis.is_organisation(" ".join(tokens)) or is_place(" ".join(tokens)):
        return False  # "RIA Novosti"
    d = designations.parse(" ".join(tokens))
    return d is not None and not d.title and not d.contextual and d.name == tokens


def _clean_outlet(text: str) -> str | None:
    """The outlet as printed, without "the"; a lower-case news word may open it ("channel
    TV9", "newspaper Krasny Sever"), and is dropped before a name the vocabulary knows."""
    text = re.sub(r"^(?:the)\s+", "", text.strip(" .,"), flags=re.I)
    words = text.split()
    if not words or len(words) > _MAX_OUTLET_WORDS:
        return None
    if not any(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    if words[0][0].islower():
        if words[0].lower() not in word_set("labels", "outlet_words") or len(words) < 2:
            return None
        if analysis.organisation_by_name(" ".join(words[1:])) is not None:
            return " ".join(words[1:])
    return text

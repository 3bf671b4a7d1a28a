"""Reading a person designation: "President of Russia Vladimir Putin" -> title + name.

Labels, titles and ledes name people with an office in front ("SECRETARY GENERAL STOLTENBERG",
"Prime Minister of Hungary Viktor Orban", "Mr Putin") and sometimes a misspelt one ("Resident of
Kazakhstan Nursultan Nazarbayev"). We split such a designation into the office and the trailing
personal name by the shape of the words and the vocabularies in ``data/titles.yaml``; the set
of names already known on the page settles ambiguous splits.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pycountry
from rapidfuzz.distance import DamerauLevenshtein

from service.ingestion import analysis
from service.ingestion.datafiles import load, word_set
from service.ingestion.names import fold_name

_TOKEN = re.compile(r"[^\s]+")
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w’'`\-.]*|[^\W\d_]\.)$")
_INITIAL = re.compile(r"^[^\W\d_]\.$")
_EDGE_PUNCT = '"“”«»()[]{}'
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_MAX_NAME_TOKENS = 5


@dataclass
class Designation:
    """A person designation split into office and name; both as printed."""

    name: list[str] = field(default_factory=list)  # name tokens as printed
    title: list[str] = field(default_factory=list)  # office tokens as printed
    title_known: bool = False  # the office starts with a known role word (not a typo)
    honorific: bool = False  # "Mr", "Ms." etc. were present
    contextual: bool = False  # "THE PRESIDENT": an office standing for its holder

    def copy(self) -> Designation:
        return dataclasses.replace(self, name=list(self.name), title=list(self.title))

    @property
    def name_text(self) -> str:
        return " ".join(self.name)

    @property
    def title_text(self) -> str | None:
        return display_title(self.title) if self.title else None


def _lower_set(key: str) -> frozenset[str]:
    return word_set("titles", key)


def honorifics() -> frozenset[str]:
    return _lower_set("honorifics")


def role_words() -> frozenset[str]:
    return _lower_set("role_words")


def particles() -> frozenset[str]:
    return _lower_set("particles")


def not_names() -> frozenset[str]:
    return word_set("labels", "not_names")


@cache
def _countries() -> frozenset[tuple[str, ...]]:
    """Country names as lower-case token tuples (ISO names, official and common names, extras)."""
    names: set[str] = {str(n) for n in load("titles")["country_names"]}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            if ", " in value:  # "Iran, Islamic Republic of" -> "Islamic Republic of Iran"
                head, _, tail = value.partition(", ")
                names.add(f"{tail} {head}")
            names.add(value)
    return frozenset(tuple(n.lower().replace("the ", "", 1).split()) for n in names)


@cache
def _country_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(c) for c in _countries()}, reverse=True))


def tokens(text: str) -> list[str]:
    return [t.strip(_EDGE_PUNCT) for t in _TOKEN.findall(text) if t.strip(_EDGE_PUNCT)]


def _low(token: str) -> str:
    return token.lower().rstrip(",")


def is_capitalised(token: str) -> bool:
    return bool(token) and token[0].isupper()


def is_name_token(token: str) -> bool:
    """Could be part of a personal name: capitalised word, initial, or a particle."""
    low = token.lower()
    if low in particles():
        return True
    if not _NAME_TOKEN.match(token) or not token[0].isupper():
        return False
    core = low.rstrip(".")
    return core not in not_names() and low not in honorifics()


def is_patronymic(token: str) -> bool:
    word = re.sub(r"[’'`]", "", token.lower())
    return len(word) > 5 and any(word.endswith(e) for e in word_set("titles", "patronymic_endings"))


def _country_at(toks: list[str], i: int) -> int:
    """Length of the longest country name starting at token i (0 if none)."""
    lows = [_low(t) for t in toks]
    for n in _country_lengths():
        if i + n <= len(toks) and tuple(lows[i : i + n]) in _countries():
            return n
    return 0


def _object_end(toks: list[str], i: int, limit: int) -> int:
    """End of the "of ..." complement of an office that starts at token i."""
    if i < limit and _low(toks[i]) == "the":
        i += 1
    if i >= limit:
        return i
    n = _country_at(toks, i)
    if n:
        end = i + n
        if end < limit and _low(toks[end]) in {"of", "for"}:
            return _object_end(toks, end + 1, limit)
        return end
    last_institution = None
    k = i
    while k < limit:
        low = _low(toks[k])
        if low in {"of", "for"} and k > i:
            return _object_end(toks, k + 1, limit)
        if low in {"and", "&"} and k > i and k + 1 < limit and is_capitalised(toks[k + 1]):
            k += 1
            continue
        if not is_capitalised(toks[k]) and low not in {"the"}:
            break
        if _POSSESSIVE.sub("", low) in word_set("titles", "institution_words"):
            last_institution = k
        k += 1
    if last_institution is not None:
        return last_institution + 1
    return i + 1


def _valid_name(toks: list[str]) -> bool:
    if not toks or len(toks) > _MAX_NAME_TOKENS:
        return False
    if not all(is_name_token(t) for t in toks):
        return False
    if all(t.lower() in particles() for t in toks):
        return False
    low = {_low(t) for t in toks}
    return not (low & word_set("titles", "institution_words")) and not (low & _OFFICE_CORE)


_MIN_MISSPELT = 6  # shorter words are too close to names ("Mayer" / "mayor")


def is_misspelt_role(word: str) -> bool:
    """A role word with one letter swapped, missing or extra ("presidnet", "secretray")."""
    return correct_role(word) != word.lower()


@lru_cache(maxsize=4096)  # bounded: words come from user text
def correct_role(word: str) -> str:
    """The role word ``word`` misspells, if exactly one is one edit away; else ``word``."""
    low = word.lower()
    if len(low) < _MIN_MISSPELT or low in role_words():
        return low
    close = [
        role
        for role in role_words()
        if len(role) >= _MIN_MISSPELT
        and abs(len(low) - len(role)) <= 1
        and DamerauLevenshtein.distance(low, role, score_cutoff=1) <= 1
    ]
    return close[0] if len(close) == 1 else low


@cache
def office_abbreviations() -> dict[str, str]:
    """Offices printed as initials ("PM", "P.M.", "VP"), by their letters, from labels.yaml."""
    return {
        str(k).replace(" ", "").replace(".", "").upper(): str(v)
        for k, v in load("labels")["office_abbreviations"].items()
    }


def _expand_office(text: str) -> str:
    """ "PM Netanyahu" -> "Prime Minister Netanyahu": an office's initials before a name."""
    first, _, rest = text.strip().partition(" ")
    letters = first.replace(".", "")
    office = office_abbreviations().get(letters) if letters.isupper() else None
    return f"{office} {rest}" if office and rest else text


def parse(text: str, known: Collection[str] = ()) -> Designation | None:
    """Split a designation into office and name; None when it is not a person designation.

    ``known`` holds folded full names already seen on the page: when the designation ends with
    one of them, that split wins over the shape rules.
    """
    toks = tokens(_expand_office(text))
    toks = [_POSSESSIVE.sub("", t) if i == len(toks) - 1 else t for i, t in enumerate(toks)]
    if not toks:
        return None
    d = Designation()
    i = 0
    if _low(toks[0]) == "the":
        d.contextual = True
        i = 1
    start = i
    roles = role_words()
    while i < len(toks):
        low = _low(toks[i])
        if low in honorifics() or low.rstrip(".") in honorifics():
            d.honorific = True
            i += 1
        elif low in roles or (
            low in {"and", "&"} and d.title and i + 1 < len(toks) and _low(toks[i + 1]) in roles
        ):
            d.title.append(toks[i])
            i += 1
        elif (
            (i == start or d.title)
            and (i + 1 < len(toks) or d.title or d.contextual)
            and toks[i].isupper()
            and is_misspelt_role(low)
        ):
            d.title.append(toks[i])  # "PRESIDNET PUTIN": a letter swapped in the office
            i += 1
        elif low in {"of", "for"} and d.title:
            end = _object_end(toks, i + 1, len(toks))
            d.title.extend(toks[i:end])
            i = end
        elif (
            i == start
            and i + 1 < len(toks)
            and _low(toks[i + 1]) in roles
            and is_capitalised(toks[i])
            and not d.honorific
            and (toks[i].isupper() or _name_follows_roles(toks, i + 1))
        ):
            d.title.append(toks[i])  # "NATO Secretary General", "Turkish President"
            i += 1
        elif (
            i == start
            and not d.title
            and not d.honorific
            and _unknown_office_end(toks, i) is not None
        ):
            end = _unknown_office_end(toks, i)
            assert end is not None
            d.title.extend(toks[i:end])
            i = end
        else:
            break
    d.title_known = _known_office(d.title)
    rest = toks[i:]
    split = _known_split(toks, start, known)
    if split is not None and split > start:
        d.title = [t for t in toks[start:split] if _low(t) not in honorifics()]
        rest = toks[split:]
        d.title_known = _known_office(d.title)
    if not rest:
        if d.honorific and d.title and _low(d.title[-1]) not in _OFFICE_CORE:
            rest = [d.title.pop()]  # "MR. KING": the role word is the surname
        elif d.title and not d.honorific:
            d.contextual = True
            return d
        else:
            return None
    if d.contextual and rest:
        return None  # "The Kremlin Palace" is no person
    if not _valid_name(rest):
        if d.title_known and _portfolio_rest(d.title, rest):
            d.title.extend(rest)  # "MINISTER FOR IMMIGRATION AND BORDER PROTECTION"
            d.contextual = True
            return d
        return None
    d.name = rest
    return d


def _portfolio_rest(title: list[str], rest: list[str]) -> bool:
    """ "... AND BORDER PROTECTION" after "Minister for Immigration": the rest of a portfolio
    joined by "and", in the same capitals, not a name."""
    if _low(title[-1]) in {"of", "for"} or _low(rest[0]) not in {"and", "&"}:
        return False
    words = [t for t in rest if _low(t) not in {"and", "&", "of", "the", "for"}]
    return bool(words) and all(is_capitalised(t) for t in words) and len(words) <= 4


def _known_office(title: list[str]) -> bool:
    """The office starts with a role word we know (not a misspelt one)."""
    roles = role_words()
    return bool(title) and (_low(title[0]) in roles or (len(title) > 1 and _low(title[1]) in roles))


# Offices that are never a surname on their own ("Mr President").
_OFFICE_CORE = frozenset(
    {
        "president",
        "minister",
        "secretary",
        "chancellor",
        "chairman",
        "chair",
        "ambassador",
        "governor",
        "mayor",
        "senator",
        "director",
        "premier",
        "prime",
        "general",
        "deputy",
        "vice",
        "first",
        "press",
        "foreign",
        "secretary-general",
        "speaker",
    }
)


def _name_follows_roles(toks: list[str], i: int) -> bool:
    """After the role words from i on, some other word (the name) follows."""
    while i < len(toks) and _low(toks[i]) in role_words():
        i += 1
    return i < len(toks)


def _unknown_office_end(toks: list[str], i: int) -> int | None:
    """End of an office whose role word we do not know: "Resident of Kazakhstan ...".

    One to three capitalised words, "of", a complement, and a personal name after it.
    """
    for n in (1, 2, 3):
        j = i + n
        if j >= len(toks) or _low(toks[j]) != "of":
            continue
        if not all(is_capitalised(t) for t in toks[i:j]):
            return None
        end = _object_end(toks, j + 1, len(toks))
        if end < len(toks) and _valid_name(toks[end:]):
            return end
        return None
    return None


def _known_split(toks: list[str], start: int, known: Collection[str]) -> int | None:
    """The start of the longest trailing run of tokens that is a name known on the page."""
    if not known:
        return None
    for k in range(start, len(toks) - 1):
        if fold_name(" ".join(toks[k:])) in known and _valid_name(toks[k:]):
            return k
    return None


def display_title(toks: list[str]) -> str:
    """An office in readable case: "SECRETARY GENERAL OF NATO" -> "Secretary General of NATO"."""
    if not all(t.isupper() for t in toks if any(c.isalpha() for c in t)):
        return " ".join(toks)
    return " ".join(_title_word(t, i) for i, t in enumerate(toks))


_SMALL_WORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "at"})


def _title_word(token: str, position: int) -> str:
    low = token.lower()
    if low in _SMALL_WORDS and position > 0:
        return low
    if len(token) <= 3 and low not in role_words():
        return token  # "US", "UN", "VTB"
    if analysis.is_acronym(token):
        return token  # "NATO", "CSTO"
    return "-".join(part.capitalize() for part in low.split("-"))


def display_name(toks: list[str]) -> str:
    """A name in readable case: "DE HOOP SCHEFFER" -> "de Hoop Scheffer"; mixed case kept."""
    return " ".join(display_token(t) for t in toks)


def display_token(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters) or len(letters) == 1:
        return token
    low = token.lower()
    if low in particles():
        return low
    parts = re.split(r"([\-’'])", low)
    out = []
    for part in parts:
        if part in {"-", "’", "'"}:
            out.append(part)
        elif part.startswith("mc") and len(part) > 2:
            out.append("Mc" + part[2:].capitalize())
        else:
            out.append(part.capitalize())
    return "".join(out)


def surname_tokens(name: list[str]) -> list[str]:
    """The surname part of a name: from the first inner particle, else the last word."""
    for i, t in enumerate(name):
        if t.lower() in particles() and i < len(name) - 1 and (i > 0 or len(name) > 1):
            return name[i:]
    return name[-1:]


def given_tokens(name: list[str]) -> list[str]:
    sur = surname_tokens(name)
    return name[: len(name) - len(sur)]

"""What a figure counts or measures, read from the words around it.

There is no part-of-speech tagger here, only word lists (data/figure_words.yaml) and the few
shapes in which speakers say what a number is about:

- the noun after a count: "4,000 drug crimes" -> "drug crimes";
- "of" after a unit: "5,000 kilograms of drugs" -> "drugs";
- a predicate after a quantity: "23 tons were heroin" -> "heroin";
- a noun right after a unit: "a 60% increase", "a 3-percent deficit";
- a noun before "of": "a nominal capital of one and a half billion dollars" -> "nominal capital";
- the subject of the verb that reaches the figure: "trade turnover between our countries has
  grown by two and a half times" -> "trade turnover".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingestion.figure_lexicon import lexicon
from service.ingestion.numbers import find_numbers
from service.ingestion.vocabulary import is_demonym

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")
_TOKEN_OR_NUMBER = re.compile(rf"{_TOKEN.pattern}|\d[\d,.]*")
_SPACE = re.compile(r"[ \t]*\n?[ \t]*")
_OF = re.compile(r"\s+of\s+")
_COPULA = re.compile(r"\s+(?:were|was|is|are)\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[.!?,;:)\]–—]|$)")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—\"“”]|\s-\s")


@dataclass(frozen=True)
class Phrase:
    """A run of words in the text: ``words`` are what ``text[start:end]`` says."""

    start: int
    end: int
    words: tuple[str, ...]
    ends: tuple[int, ...] = ()  # where each word ends

    @property
    def head(self) -> str:
        return self.words[-1]


def _tokens_after(text: str, pos: int, end: int) -> list[tuple[str, int, int]]:
    """Words after ``pos`` separated only by white space, up to the first punctuation."""
    tokens = []
    while pos < end:
        gap = _SPACE.match(text, pos, end)
        if not gap or (gap.end() == pos and tokens):
            break
        token = _TOKEN.match(text, gap.end(), end)
        if not token:
            break
        tokens.append((token.group(), token.start(), token.end()))
        pos = token.end()
    return tokens


def _is_stop(word: str) -> bool:
    if word[0].isdigit():
        return True
    lower = word.lower()
    lex = lexicon()
    return lower in lex.stopwords or word in lex.months or lower in lex.vague


def _ends_phrase(word: str, so_far: int, previous: str = "") -> bool:
    """A function word or adverb, or a verb form after the noun ("individuals crossed"); not
    a participle after an adverb ("highly trained troops")."""
    lower = word.lower()
    if _is_stop(word):
        return True
    if previous.lower().endswith("ly"):
        return False
    return so_far > 0 and (lower.endswith("ed") or lower.endswith("ing"))


def _coordinates(last: str, following: str) -> bool:
    """Whether "and"/"or" joins ``following`` to the phrase ending in ``last`` ("drugs and
    psychotropic substances"), rather than starting something new ("states and Rosatom's")."""
    if _ends_phrase(following, 0) or _is_possessive(following):
        return False
    return not (following[0].isupper() and last[0].islower())


def _is_possessive(word: str) -> bool:
    return word.endswith(("’s", "'s", "s’", "s'"))


def noun_phrase_after(
    text: str, pos: int, end: int, *, max_words: int = 5, coordination: bool = True
) -> Phrase | None:
    """The noun phrase starting right after ``pos``: "drugs and psychotropic substances"."""
    tokens = _tokens_after(text, pos, end)
    words: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens) and len(words) < max_words:
        word = tokens[i][0]
        if word.lower() in ("and", "or") and coordination and words:
            if i + 1 < len(tokens) and _coordinates(words[-1][0], tokens[i + 1][0]):
                words += [tokens[i], tokens[i + 1]]
                i += 2
                continue
            break
        if _ends_phrase(word, len(words), words[-1][0] if words else ""):
            break
        words.append(tokens[i])
        i += 1
    if not words:
        return None
    return Phrase(
        words[0][1], words[-1][2], tuple(w for w, _, _ in words), tuple(e for _, _, e in words)
    )


def count_noun_phrase(phrase: Phrase) -> Phrase | None:
    """The longest start of ``phrase`` that names things counted ("people live" -> people)."""
    for size in range(len(phrase.words), 0, -1):
        if phrase.words[size - 1].lower() in ("and", "or"):
            continue
        shorter = Phrase(phrase.start, phrase.ends[size - 1], phrase.words[:size])
        if is_count_noun_phrase(shorter):
            return shorter
    return None


def is_count_noun_phrase(phrase: Phrase) -> bool:
    """Whether a phrase after a number names things counted: a plural head noun, lower-case
    unless the phrase is a name plus noun ("NATO Allies") or a nationality ("Iraqis")."""
    head = phrase.head
    lower = head.lower()
    lex = lexicon()
    if lower in lex.irregular_plurals or (lower.endswith("men") and len(lower) > 5):
        return True  # "people", "servicemen"
    if _is_possessive(head):
        return False
    if is_demonym(head):
        return lower.endswith("s")  # "Iraqis", "Israelis" (not "Iraqi")
    if head[0].isupper() and len(phrase.words) == 1:
        return False
    if lower in lex.not_plural or not lower.endswith("s"):
        return False
    return not lower.endswith(("ss", "us", "is"))


def of_phrase(text: str, pos: int, end: int) -> Phrase | None:
    """ "... of [the] drugs and psychotropic substances" right after ``pos``."""
    match = _OF.match(text, pos, end)
    if not match:
        return None
    tokens = _tokens_after(text, match.end() - 1, end)
    skip = match.end()
    for word, _, word_end in tokens:
        if word.lower() not in lexicon().determiners:
            break
        skip = word_end
    return noun_phrase_after(text, skip, end)


def partitive_phrase(text: str, pos: int, end: int, *, owned: bool = False) -> Phrase | None:
    """The things counted in "two of our citizens", "55 of the nation’s biggest corporations"
    (right after ``pos``): a determiner after "of" (with ``owned``, a possessive one: "our"),
    then a plural noun phrase, of which the part after a possessive ("nation’s") is kept."""
    match = _OF.match(text, pos, end)
    if not match:
        return None
    tokens = _tokens_after(text, match.end() - 1, end)
    lex = lexicon()
    wanted = lex.possessive_determiners if owned else lex.determiners
    if not tokens or tokens[0][0].lower() not in wanted:
        return None
    phrase = noun_phrase_after(text, tokens[0][2], end, coordination=False)
    if phrase is None:
        return None
    words, ends = list(phrase.words), list(phrase.ends)
    owners = [i for i, word in enumerate(words[:-1]) if _is_possessive(word)]
    if owners:
        cut = owners[-1] + 1
        start = ends[cut - 1] + 1
        words, ends = words[cut:], ends[cut:]
        phrase = Phrase(start, ends[-1], tuple(words), tuple(ends))
    if find_numbers(text, phrase.start, phrase.end):
        return None  # "three of the four longest": a number of a number
    return count_noun_phrase(phrase)


def predicate_phrase(text: str, pos: int, end: int) -> Phrase | None:
    """ "... were heroin." right after ``pos``: a bare noun phrase closing the clause."""
    match = _COPULA.match(text, pos, end)
    if not match:
        return None
    phrase = noun_phrase_after(text, match.end() - 1, end, max_words=3)
    if phrase is None or not _CLAUSE_END.match(text, phrase.end, end):
        return None
    return phrase


def _words_before(text: str, start: int, stop: int) -> list[str]:
    """The words of the clause ending at ``stop`` (after the last clause break), with time
    phrases ("over the last four years") removed."""
    breaks = list(_CLAUSE_BREAK.finditer(text, start, stop))
    clause = text[breaks[-1].end() if breaks else start : stop]
    for pattern in lexicon().time_phrases:
        clause = pattern.sub(" ", clause)
    return _TOKEN_OR_NUMBER.findall(clause)


def _skip_fillers(words: list[str], i: int, *, stop_at_verb: bool = False) -> int:
    """Index of the first word at or before ``i`` that is not a filler ("has", "only", "by");
    with ``stop_at_verb``, a linking verb ("is") is not skipped even though it can be one."""
    lex = lexicon()
    while i >= 0 and words[i].lower() in lex.verb_fillers:
        if stop_at_verb and words[i].lower() in lex.trend_verbs:
            break
        i -= 1
    return i


def _subject_words(words: list[str], i: int) -> list[str]:
    """The subject noun phrase ending at ``words[i]``, without trailing prepositional phrases
    ("trade turnover between our countries" -> trade turnover) but with "of" phrases ("level
    of trade turnover") and coordination ("integration and trade")."""
    lex = lexicon()
    collected: list[str] = []
    while i >= 0:
        word = words[i]
        lower = word.lower()
        if not _is_stop(word):
            collected.insert(0, word)
            i -= 1
            continue
        j = i - 1 if lower in lex.determiners else i
        prepositional = j > 0 and words[j].lower() in lex.subject_prepositions
        if prepositional and collected:
            collected = []  # a prepositional phrase: its head is before the preposition
            i = j - 1
            continue
        if lower == "of" and collected and i > 0:
            collected.insert(0, word)
            i -= 1
            continue
        if lower in ("and", "or") and collected and i > 0 and not _is_stop(words[i - 1]):
            collected.insert(0, word)
            i -= 1
            continue
        break
    while collected and collected[0].lower() in ("of", "and", "or"):
        collected.pop(0)
    return collected


def subject_before(text: str, clause_start: int, figure_start: int) -> str | None:
    """The subject the sentence gives the figure: "integration and trade between our countries
    has reached $28 million" -> "integration and trade"; "nominal capital of ..." ->
    "nominal capital"."""
    words = _words_before(text, clause_start, figure_start)
    i = len(words) - 1
    if i >= 0 and words[i].lower() == "of":  # "a nominal capital of ..."
        found = []
        for word in reversed(words[:i]):
            if _is_stop(word):
                break
            found.insert(0, word)
        return clean(found) if found else None
    i = _skip_fillers(words, i, stop_at_verb=True)
    if i < 0 or words[i].lower() not in lexicon().trend_verbs:
        return None
    i = _skip_fillers(words, i - 1)
    found = _subject_words(words, i)
    return clean(found) if found else None


def clean(words: list[str] | tuple[str, ...]) -> str | None:
    """The counted phrase as stored: leading determiners and "additional"-type modifiers
    dropped, known misspellings corrected."""
    lex = lexicon()
    kept = list(words)
    while kept and (kept[0].lower() in lex.modifiers_dropped or kept[0].lower() in lex.determiners):
        kept.pop(0)
    if not kept:
        return None
    return " ".join(lex.counted_spelling.get(w.lower(), w) for w in kept)

"""Mentions of the page's people inside what is said ("President Nazarbayev's visit").

Only people who speak on the page are looked for (a name met only in a header may be a
misreading), under the forms the page used: full names, address forms, and a surname alone
when no two people of the page share it.
"""

from __future__ import annotations

import re

from service.ingestion.designations import display_name, surname_tokens
from service.ingestion.model import Span
from service.ingestion.people import Person, Registry

_MIN_SURNAME = 4
_WORD = re.compile(r"[^\W_]+")


class Finder:
    """Finds the registry's people in text; built once per page, after names are resolved."""

    def __init__(self, registry: Registry, speakers: set[int]) -> None:
        self.registry = registry
        self.speakers = speakers  # id() of the people who speak on the page
        self._compiled = False
        self._owner: dict[str, Person] = {}
        self._by_words: dict[tuple[str, ...], list[str]] = {}
        self._longest = 0
        self._first_words: set[str] = set()  # most words start no form: skipped at once

    def _compile(self) -> None:
        if self._compiled:
            return
        forms: dict[str, Person | None] = {}
        surnames: dict[str, list[Person]] = {}
        for person in self.registry.persons:
            if id(person) not in self.speakers:
                continue
            for form in person.forms:
                for text in (" ".join(form), display_name(form)):
                    if len(form) > 1 or text[:1].isupper():
                        _own(forms, text, person)
                sur = display_name(surname_tokens(form))
                surnames.setdefault(sur, [])
                if person not in surnames[sur]:
                    surnames[sur].append(person)
            for alias in person.aliases:
                if len(alias.split()) > 1 and "(" not in alias:
                    _own(forms, alias, person)
            if person.reference is not None:
                _own(forms, person.reference.name, person)
                for alias in person.reference.aliases:
                    _own(forms, alias, person)
        for sur, people in surnames.items():
            if len(people) == 1 and len(sur) >= _MIN_SURNAME:
                _own(forms, sur, people[0])
        self._owner = {k: v for k, v in forms.items() if v is not None}
        for form in self._owner:
            key = tuple(_WORD.findall(form))
            if key:
                self._by_words.setdefault(key, []).append(form)
                self._longest = max(self._longest, len(key))
                self._first_words.add(key[0])
        self._compiled = True

    def find(self, text: str, span: Span) -> list[tuple[Person, Span]]:
        """The forms found in ``text[span]``, longest first, each as a whole word run.

        Word runs are looked up in a dictionary rather than one alternation of every form,
        so a page naming thousands of people is still read in linear time.
        """
        self._compile()
        words = list(_WORD.finditer(text, span.start, span.end))
        found: list[tuple[Person, Span]] = []
        i = 0
        while i < len(words):
            step = 1
            if words[i].group() not in self._first_words:
                i += 1
                continue
            for n in range(min(self._longest, len(words) - i), 0, -1):
                forms = self._by_words.get(tuple(w.group() for w in words[i : i + n]))
                if not forms:
                    continue
                start, end = words[i].start(), words[i + n - 1].end()
                if text[start:end] in forms and _bounded(text, start, end):
                    found.append((self._owner[text[start:end]], Span(start, end)))
                    step = n
                    break
            i += step
        return found


def _bounded(text: str, start: int, end: int) -> bool:
    """Not part of a longer word or hyphenated name ("Pierre" in "Jean-Pierre")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-")


def _own(forms: dict[str, Person | None], text: str, person: Person) -> None:
    """Record that ``text`` names ``person``; a form two people claim names nobody."""
    text = text.strip()
    if not text:
        return
    if text in forms and forms[text] is not person:
        forms[text] = None
    else:
        forms[text] = person

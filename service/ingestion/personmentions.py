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


class Finder:
    """Finds the registry's people in text; built once per page, after names are resolved."""

    def __init__(self, registry: Registry, speakers: set[int]) -> None:
        self.registry = registry
        self.speakers = speakers  # id() of the people who speak on the page
        self._pattern: re.Pattern[str] | None = None
        self._owner: dict[str, Person] = {}

    def _compile(self) -> re.Pattern[str]:
        if self._pattern is not None:
            return self._pattern
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
        if not self._owner:
            self._pattern = re.compile(r"(?!x)x")
        else:
            alternation = "|".join(re.escape(f) for f in sorted(self._owner, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w\-])")
        return self._pattern

    def find(self, text: str, span: Span) -> list[tuple[Person, Span]]:
        pattern = self._compile()
        return [
            (self._owner[m.group()], Span(m.start(), m.end()))
            for m in pattern.finditer(text, span.start, span.end)
        ]


def _own(forms: dict[str, Person | None], text: str, person: Person) -> None:
    """Record that ``text`` names ``person``; a form two people claim names nobody."""
    text = text.strip()
    if not text:
        return
    if text in forms and forms[text] is not person:
        forms[text] = None
    else:
        forms[text] = person

"""Export parameters: which filters each export takes, parsed from text.

Separate from service.api.export so the CLI can declare its options without importing the
API (strawberry and the types cost most of a second at every start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

ENTITIES = ("statements", "figures", "persons")
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class ExportError(Exception):
    """Input the caller can fix: an unknown parameter or name, a malformed value."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details  # e.g. an ambiguous name's candidates


# ------------------------------------------------------------------ parameters -> filters


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"{name}: {value!r} is not a date (YYYY-MM-DD).") from None


def _float(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ExportError(f"{name}: {value!r} is not a number.") from None


def _enums(enum_name: str) -> Callable[[str, str], list[Any]]:
    """A parser of comma-separated members of the API enum ``enum_name`` (imported when
    used: the API's types are not needed to declare the CLI's options)."""

    def parse(value: str, name: str) -> list[Any]:
        from service.api.types import enums

        enum = getattr(enums, enum_name)
        out = []
        for item in filter(None, (v.strip().upper() for v in value.split(","))):
            if item not in enum.__members__:
                allowed = ", ".join(enum.__members__)
                raise ExportError(f"{name}: {item!r} is not one of {allowed}.")
            out.append(enum[item])
        return out

    return parse


def _text(value: str, name: str) -> str:
    return value


# Query parameter -> (filter field, parser), per entity; parameters are the GraphQL names.
_PARAMETERS: dict[str, dict[str, tuple[str, Callable[[str, str], Any]]]] = {
    "statements": {
        "speaker": ("speaker", _text),
        "speakerId": ("speaker_id", _text),
        "topic": ("topic", _text),
        "organisation": ("organisation", _text),
        "eventId": ("event_id", _text),
        "kinds": ("kinds", _enums("StatementKind")),
        "text": ("text", _text),
        "dateFrom": ("date_from", _date),
        "dateTo": ("date_to", _date),
    },
    "figures": {
        "speaker": ("speaker", _text),
        "topic": ("topic", _text),
        "eventId": ("event_id", _text),
        "kinds": ("kinds", _enums("FigureKind")),
        "unit": ("unit", _text),
        "minValue": ("min_value", _float),
        "maxValue": ("max_value", _float),
        "dateFrom": ("date_from", _date),
        "dateTo": ("date_to", _date),
    },
    "persons": {"name": ("name", _text)},
}


def parameters(entity: str) -> tuple[str, ...]:
    """The filter parameters ``entity`` accepts (for help texts)."""
    return tuple(_PARAMETERS[entity])


def filter_values(entity: str, params: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Query parameters -> filter field values; ``kinds`` may repeat or be comma-separated."""
    known = _PARAMETERS[entity]
    values: dict[str, Any] = {}
    for name, raw in params:
        if name not in known:
            allowed = ", ".join(known)
            raise ExportError(f"unknown parameter {name!r} for {entity}; known: {allowed}.")
        field, parse = known[name]
        value = parse(raw, name)
        if field == "kinds":
            values[field] = [*values.get(field, []), *value]
        elif field in values:
            raise ExportError(f"{name}: given more than once.")
        else:
            values[field] = value
    return values

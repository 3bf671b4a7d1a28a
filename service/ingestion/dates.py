"""Dates and clock times as pages print them ("June 23, 2005", "4 Dec. 2006", "9:28 P.M. CEST")."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DATE_FORMS = [
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$", re.I),
    re.compile(rf"^{_WEEKDAY}(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}})$", re.I),
    re.compile(r"^(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})$"),
    re.compile(r"^(?P<day>\d{1,2})-(?P<month>[A-Za-z]{3})-(?P<year>\d{4})$"),
]
_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})[:.](?P<m>\d{2})"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?"
    r"(?:\s+(?P<zone>[A-Z]{2,5}|\([A-Za-z ]+\)))?$",
    re.I,
)


def parse_date(text: str) -> dt.date | None:
    """A line that is nothing but a date, as a date; else None."""
    text = text.strip().rstrip(".")
    for form in _DATE_FORMS:
        m = form.match(text)
        if not m:
            continue
        parts = m.groupdict()
        month = int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].lower())
        if not month:
            continue
        try:
            return dt.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            return None
    return None


_DATE_IN_TEXT = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day1>\d{{1,2}}),?\s+(?P<year1>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>[A-Za-z]{{3,9}})\.?,?\s+(?P<year2>\d{{4}}))\b"
)


def find_date(text: str) -> dt.date | None:
    """The first date written out in a line of other words ("debated on Wednesday 10 May
    2023"); only forms with a month name, so no number passes for a date."""
    for m in _DATE_IN_TEXT.finditer(text):
        found = parse_date(m.group(0))
        if found is not None:
            return found
    return None


def parse_clock(text: str) -> str | None:
    """A line that is nothing but a clock time, as 24-hour "HH:MM"; else None."""
    m = _CLOCK.match(text.strip())
    if not m:
        return None
    hour, minute = int(m["h"]), int(m["m"])
    ampm = (m["ampm"] or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    if not ampm and not m["zone"] and ":" not in text:
        return None  # "20.33" alone is more likely a number than a time
    return f"{hour:02d}:{minute:02d}"


# A clock time inside a longer line: "Monday, 13 March 2023, 10 a.m.", "..., at 3:30 p.m.",
# "... 2005, 20:33". 24-hour times need a colon ("13.03.2023" holds none).
_CLOCK_IN = re.compile(
    r"(?<![\w:.])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
    r"|(?<![\w:.])(?P<h24>\d{1,2}):(?P<m24>\d{2})(?![\w:])",
    re.I,
)


def clock_in(text: str) -> str | None:
    """The first clock time written inside ``text``, as 24-hour "HH:MM"; else None."""
    for m in _CLOCK_IN.finditer(text):
        if m["h24"] is not None:
            hour, minute = int(m["h24"]), int(m["m24"])
        else:
            hour, minute = int(m["h"]), int(m["m"] or 0)
            if hour < 1 or hour > 12:
                continue
            if m["ampm"].lower() == "p" and hour < 12:
                hour += 12
            elif m["ampm"].lower() == "a" and hour == 12:
                hour = 0
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    return None


_FILENAME_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})[-_.]?(?P<mon>\d{2})[-_.]?(?P<day>\d{2})(?!\d)"
)


def from_filename(filename: str | None) -> dt.date | None:
    """ "fomc-2021-12-15-powell.txt", "FOMCpresconf20211215.txt": archives name files by date.

    Only a fallback for a page that prints no date of its own.
    """
    for m in _FILENAME_DATE.finditer(filename or ""):
        try:
            return dt.date(int(m["year"]), int(m["mon"]), int(m["day"]))
        except ValueError:
            continue
    return None

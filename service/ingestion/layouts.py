"""Layout families (nato, kremlin, whitehouse, generic) and Markdown front matter.

The family decides how a page's header is read and who published it; markers and publishers are
in ``data/layouts.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from service.ingestion.datafiles import load
from service.ingestion.model import Span

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_EDGE_LINES = 12  # markers are looked for in this many lines at each end of the page


@dataclass
class FrontMatter:
    """YAML front matter of a Markdown page (White House briefing room exports)."""

    span: Span
    fields: dict[str, Any] = field(default_factory=dict)
    title_span: Span | None = None

    def get(self, key: str) -> str | None:
        value = self.fields.get(key)
        return None if value is None else str(value)


def front_matter(work: str) -> FrontMatter | None:
    """The front matter block at the top of the page, parsed; None when there is none."""
    m = _FRONT_MATTER.match(work)
    if not m:
        return None
    try:
        fields = yaml.safe_load(m["body"])
    except yaml.YAMLError:
        fields = None
    if not isinstance(fields, dict):
        return None
    fm = FrontMatter(Span(m.start(), m.end()), {str(k): v for k, v in fields.items()})
    t = re.search(r"^title:[ \t]*(?P<value>.*(?:\n[ \t]+.*)*)", m["body"], re.M)
    if t:
        start = m.start("body") + t.start("value")
        fm.title_span = Span(start, m.start("body") + t.end("value"))
    return fm


def _edges(work: str) -> list[str]:
    """The first and last lines of the page, where markers are printed."""
    lines = [ln.strip() for ln in work.splitlines() if ln.strip()]
    return lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]


def detect(work: str, fm: FrontMatter | None, source_url: str | None) -> str:
    """The layout family of a page."""
    url = (source_url or (fm.get("source_url") if fm else None) or "").lower()
    edges = _edges(work)
    for family in load("layouts")["families"]:
        if family.get("front_matter_required") and fm is None:
            continue
        if url and any(marker in url for marker in family["url"]):
            return family["name"]
        patterns = [re.compile(p) for p in family["text"]]
        if any(p.search(line) for p in patterns for line in edges):
            return family["name"]
    return "generic"


def country(work: str, fm: FrontMatter | None, source_url: str | None) -> str | None:
    """The jurisdiction the page speaks for (``countries`` in data/layouts.yaml), if known."""
    url = (source_url or (fm.get("source_url") if fm else None) or "").lower()
    host = re.sub(r"^[a-z]+://", "", url).split("/")[0]
    edges = _edges(work)
    for entry in load("layouts")["countries"]:
        if host and any(host.endswith(m) or m.lstrip(".") == host for m in entry["url"]):
            return str(entry["country"])
        patterns = [re.compile(p) for p in entry["text"]]
        if any(p.search(line) for p in patterns for line in edges):
            return str(entry["country"])
    return None


def dollar(country: str | None) -> str:
    """The currency a bare "$" means on a page of ``country``: its own dollar, else USD."""
    for entry in load("layouts")["countries"]:
        if entry["country"] == country and entry.get("dollar"):
            return str(entry["dollar"])
    return "USD"


def publisher(family: str) -> str | None:
    for entry in load("layouts")["families"]:
        if entry["name"] == family:
            return entry.get("publisher")
    return None

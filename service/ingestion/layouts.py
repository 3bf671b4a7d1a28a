"""Layout families (nato, kremlin, whitehouse, generic) and Markdown front matter.

A family is data (``data/layouts.yaml``): its markers, its publisher, the reader that cuts its
pages into events (registered in ``events``) and a few switches. Adding a publisher is one
entry there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
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


@dataclass(frozen=True)
class Layout:
    """One family of ``data/layouts.yaml``: how its pages are recognised and read."""

    name: str
    publisher: str | None
    url_markers: tuple[str, ...]
    text_markers: tuple[re.Pattern[str], ...]
    front_matter_required: bool = False
    reader: str = "single"  # a reader registered in service.ingestion.events
    markdown: bool = False  # turn text is Markdown
    captions: bool = False  # photo captions stand between paragraphs
    opening_speech: bool = False  # prose before the first label is the byline speaker's
    host: str | None = None  # organisation hosting every event of the family

    def marks(self, url: str, edges: list[str], fm: FrontMatter | None) -> bool:
        if self.front_matter_required and fm is None:
            return False
        if url and any(marker in url for marker in self.url_markers):
            return True
        return any(p.search(line) for p in self.text_markers for line in edges)


@cache
def families() -> tuple[Layout, ...]:
    """The families in the order they are tried; the last one is the fallback."""
    return tuple(
        Layout(
            name=entry["name"],
            publisher=entry.get("publisher"),
            url_markers=tuple(entry["url"]),
            text_markers=tuple(re.compile(p) for p in entry["text"]),
            front_matter_required=bool(entry.get("front_matter_required")),
            reader=entry.get("reader", "single"),
            markdown=bool(entry.get("markdown")),
            captions=bool(entry.get("captions")),
            opening_speech=bool(entry.get("opening_speech")),
            host=entry.get("host"),
        )
        for entry in load("layouts")["families"]
    )


def detect(work: str, fm: FrontMatter | None, source_url: str | None) -> Layout:
    """The layout family of a page: the first that marks it, else the last (generic)."""
    url = (source_url or (fm.get("source_url") if fm else None) or "").lower()
    edges = _edges(work)
    every = families()
    return next((layout for layout in every if layout.marks(url, edges, fm)), every[-1])


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

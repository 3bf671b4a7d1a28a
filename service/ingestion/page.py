"""One entry point from what a user hands us (file bytes or posted text) to a parsed document.

The CLI, the ingest mutation and the sample loader all read pages here, so that a page is
decoded, recognised as HTML and turned into transcript text the same way everywhere. The
parser (pipeline.parse_document) only ever sees text: for an HTML page, the article text
extracted from it, which is also the stored document text every offset points into. The HTML
itself is kept beside it as the document's original.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from pathlib import PurePath

from service.ingestion.decoding import charset_of, decode
from service.ingestion.html import extract
from service.ingestion.model import ParsedDocument, RejectedDocument
from service.ingestion.pipeline import DEFAULT_MAX_CHARS, parse_document

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
# Tags of HTML itself (not the <NAME>...</NAME> speaker tags some plain transcripts carry).
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|a|b|i|em|strong|h[1-6]|li|ul|ol|table|tr|td|th|section|article|main"
    r"|header|footer|nav|body|head|title|meta|link|script|style|blockquote)(?:\s[^<>]*)?/?>",
    re.I,
)
# Tags needed before a page without a doctype is taken for HTML (a few <br> in a text do not).
_MIN_HTML_TAGS = 10


@dataclass(frozen=True)
class Page:
    """A page ready for the parser."""

    text: str  # what is parsed and stored; every offset points into it
    original: str | None  # the page as given, when ``text`` was extracted from it
    source_url: str | None  # the page's own canonical URL, when it names one
    content_type: str  # "text/html" or "text/plain"
    encoding: str | None = None  # codec the bytes were read with; None when given as text

    @property
    def original_format(self) -> str | None:
        return "html" if self.original is not None else None


def read_page(
    raw: bytes | str, *, filename: str | None = None, content_type: str | None = None
) -> Page:
    """Decode ``raw`` (any common encoding) and, if it is HTML, extract its article text."""
    encoding = None
    if isinstance(raw, bytes):
        decoded = decode(raw, declared=charset_of(content_type))
        raw, encoding = decoded.text, decoded.encoding
    if not is_html(raw, filename=filename, content_type=content_type):
        return Page(raw, None, None, "text/plain", encoding)
    found = extract(raw)
    if not found.text.strip():
        raise RejectedDocument("EMPTY_DOCUMENT", "The HTML page has no article text.")
    return Page(found.text, raw, found.source_url, "text/html", encoding)


def is_html(text: str, *, filename: str | None = None, content_type: str | None = None) -> bool:
    """Whether ``text`` is an HTML page: by content type, file name or its own content."""
    if content_type and content_type.split(";")[0].strip().lower() in _HTML_TYPES:
        return True
    if filename and PurePath(filename).suffix.lower() in HTML_SUFFIXES:
        return True
    head = text[:4096].lstrip("\ufeff")
    if _HTML_START.match(head):
        return True
    tags = _HTML_TAG.finditer(text)
    return sum(1 for _ in itertools.islice(tags, _MIN_HTML_TAGS)) >= _MIN_HTML_TAGS


def parse_page(
    raw: bytes | str,
    *,
    filename: str | None = None,
    source_url: str | None = None,
    publisher: str | None = None,
    content_type: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ParsedDocument:
    """read_page, then the parser on its text; the original HTML rides along for storage.

    A source URL given by the caller wins over the one the page names.
    """
    page = read_page(raw, filename=filename, content_type=content_type)
    parsed = parse_document(
        page.text,
        filename=filename,
        source_url=source_url or page.source_url,
        publisher=publisher,
        max_chars=max_chars,
    )
    if page.original is None:
        return parsed
    return dataclasses.replace(parsed, original=page.original, original_format=page.original_format)

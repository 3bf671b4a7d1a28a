"""Bytes of a transcript file as text, in whatever common encoding it was saved.

Pages come saved from browsers and word processors: UTF-8 (with or without a BOM), UTF-16,
Windows-1252, Latin-1, Windows-1251... Refusing all but UTF-8 turned good transcripts away, so
we decode: a BOM, then strict UTF-8, then a charset the page declares, then detection by
charset-normalizer. Binary files (PDF, images, archives) are still refused, by name.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from service.ingestion.model import RejectedDocument

# Leading bytes of binary formats people mistake for transcripts, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document, which is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls/.ppt)"),
    (b"\x7fELF", "an executable program"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
)
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# An HTML page's own declaration: <meta charset=...> or http-equiv Content-Type.
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", re.I)
# Labels browsers read as Windows-1252 (the WHATWG Encoding Standard): a page that says
# "iso-8859-1" but uses curly quotes means Windows-1252.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"}
# When detection finds several single-byte encodings equally plausible (short Western text
# often fits Windows-1250 and -1252 alike), the one most used for such text wins.
_PREFERRED_ON_TIE = ("cp1252",)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "cp1252"


def decode(data: bytes, *, declared: str | None = None) -> Decoded:
    """``data`` as text; raise RejectedDocument(BINARY_DOCUMENT) when it is not text.

    ``declared`` is a charset the sender named (an HTTP Content-Type, say); it is tried after
    UTF-8, which it cannot contradict: valid UTF-8 bytes are read as UTF-8.
    """
    kind = binary_kind(data)
    if kind is not None:
        raise RejectedDocument("BINARY_DOCUMENT", f"The file is {kind}, not text.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    if b"\x00" in data:
        raise RejectedDocument("BINARY_DOCUMENT", "The file contains NUL bytes: binary data.")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for label in (declared, _declared_in_page(data)):
        encoding = _codec(label)
        if encoding is not None:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                continue
    return _detected(data)


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type value, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` starts like, or None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    return None


def _strict(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        raise RejectedDocument(
            "BINARY_DOCUMENT",
            f"The file starts with a {encoding.upper()} byte-order mark but is not "
            f"{encoding.upper()} text (undecodable byte at offset {exc.start}).",
        ) from None


def _declared_in_page(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _codec(label: str | None) -> str | None:
    """The Python codec of a charset label, None when unknown or a UTF-16/32 guess."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page without a BOM that says UTF-16 is mislabelled (browsers ignore such a claim).
    return None if name.startswith(("utf-16", "utf-32")) else name


def _detected(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise RejectedDocument(
            "BINARY_DOCUMENT", "The file is neither UTF-8 nor text in any encoding recognised."
        )
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    for preferred in _PREFERRED_ON_TIE:
        if any(preferred in m.could_be_from_charset for m in tied):
            try:
                return Decoded(data.decode(preferred), preferred)
            except UnicodeDecodeError:
                break
    return Decoded(str(best), best.encoding)

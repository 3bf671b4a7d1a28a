"""The same page, whatever its whitespace and typography: a key for near-duplicate documents.

Publishers re-issue a page, mirrors re-wrap it, a copy passes through a word processor that
curls its quotes: the text differs byte for byte but is the same document. Storing it twice
doubles every count a user asks for, so storage refuses a page whose key is already stored.
What is folded: Unicode compatibility forms (NFKC: no-break spaces, ligatures, "…"), quote and
dash variants, invisible characters, and runs of whitespace. Case, words and punctuation
otherwise stay: a corrected word is a different document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """The text as the key sees it."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _WHITESPACE.sub(" ", folded).strip()


def content_key(text: str) -> str:
    """sha256 of the normalised text (hex): equal for near-duplicate pages."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()

"""Why the compiler steps aside: a request it declines goes to the reference (Strawberry) path."""

from __future__ import annotations


class Decline(Exception):
    """This request is not for the compiled path (mutation, introspection, unsupported field,
    invalid document, bad argument...). The reference path answers it, errors included, so the
    compiler never has to reproduce an error message of its own."""

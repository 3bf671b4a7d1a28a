"""Global ids: opaque base64 of ``"Type:pk"``, resolvable through ``Query.node``.

Clients must treat them as opaque strings; the type name inside lets ``node`` dispatch and
lets arguments such as ``speakerId`` reject an id of the wrong type with a clear message.
"""

from __future__ import annotations

import base64
import binascii
import re

from service.api.errors import BadUserInput

NODE_TYPES = frozenset(
    {"SourceDocument", "Event", "Person", "Organisation", "Topic", "Statement", "Figure"}
)


def encode(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


# Keys are PostgreSQL bigints: 1 to 19 ASCII digits (int() would also take "١٢" or "1_0").
_PK = re.compile(r"[1-9][0-9]{0,18}")
MAX_PK = 2**63 - 1


def decode(global_id: str) -> tuple[str, int]:
    """(type name, primary key); BadUserInput when the id was not made by ``encode``."""
    invalid = BadUserInput(f"{global_id[:100]!r} is not a valid id.")
    try:
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (UnicodeError, binascii.Error, ValueError):
        raise invalid from None
    type_name, _, pk = raw.partition(":")
    if type_name not in NODE_TYPES or not _PK.fullmatch(pk) or int(pk) > MAX_PK:
        raise invalid
    return type_name, int(pk)


def decode_as(global_id: str, type_name: str, argument: str) -> int:
    """The primary key of an id that must name a ``type_name``."""
    found, pk = decode(global_id)
    if found != type_name:
        raise BadUserInput(
            f"{argument}: expected the id of a {type_name}, got the id of a {found}.",
            argument=argument,
        )
    return pk

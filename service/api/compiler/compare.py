"""Strict JSON equality for the differential checks: same keys in the same order, same types
(``10.0`` is not ``10``), same values. Returns where two documents first differ."""

from __future__ import annotations

from typing import Any


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """None when ``a`` and ``b`` are the same JSON; else the path and what differs there."""
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"

"""SQL text pieces whose JSON rendering equals the reference path's (orjson over Strawberry).

PostgreSQL builds the response; these expressions make it render every scalar exactly as the
reference does: global ids and cursors as base64 of ``Type:pk`` / ``cursor:offset``, DateTime
as Python's ``isoformat()`` of a UTC datetime, Float as orjson prints a Python float
(``28000000.0``, ``1e-6``, ``1e+16``). Values always travel as ``$n`` parameters; the only
text spliced in comes from this package's fixed mappings.
"""

from __future__ import annotations

import re
from typing import Any

from service.storage.queries import Params

# A GraphQL Name; response keys that are aliases are passed as parameters all the same.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_PARAMETER = re.compile(r"\$(\d+)")

# json_build_object takes at most 100 arguments (FUNC_MAX_ARGS): 50 keys.
MAX_OBJECT_KEYS = 50


class SqlStatement:
    """One SQL statement being assembled: numbered parameters and unique row aliases."""

    def __init__(self) -> None:
        self.params = Params()
        self._aliases = 0
        # set by a renderer whose statement plans alike for all its values (Reader.fetch)
        self.generic_plan = False

    def alias(self, prefix: str = "r") -> str:
        self._aliases += 1
        return f"{prefix}{self._aliases}"

    def value(self, value: Any, cast: str) -> str:
        """A parameter with an explicit type, so the statement prepares without guessing."""
        return f"{self.params(value)}::{cast}"

    def finish(self, text: str) -> tuple[str, list[Any]]:
        """The statement and its values, parameters renumbered to those the text uses.

        Renderers may allocate a parameter for a part they then leave out (the rows of a
        connection whose selection needs only its count); PostgreSQL must not see those.
        """
        used = sorted({int(n) for n in _PARAMETER.findall(text)})
        if used == list(range(1, len(self.params.values) + 1)):
            return text, self.params.values
        number = {old: new for new, old in enumerate(used, 1)}
        text = _PARAMETER.sub(lambda m: f"${number[int(m.group(1))]}", text)
        return text, [self.params.values[old - 1] for old in used]

    def key(self, key: str, fixed: frozenset[str]) -> str:
        """A response key: a literal when it is a schema field name, else a parameter."""
        if key in fixed:
            return f"'{key}'"
        if not _NAME.fullmatch(key):
            raise ValueError(f"not a GraphQL name: {key!r}")
        return self.value(key, "text")


def json_object(pairs: list[tuple[str, str]]) -> str:
    """``json_build_object`` keeps argument order, so keys come out in selection order."""
    if not pairs:
        return "json_build_object()"
    return "json_build_object(" + ", ".join(f"{k}, {v}" for k, v in pairs) + ")"


def global_id(type_name: str, pk: str) -> str:
    """ids.encode: base64 of 'Type:pk' (short enough for PostgreSQL never to wrap the line)."""
    return f"encode(convert_to('{type_name}:' || {pk}, 'UTF8'), 'base64')"


def cursor(offset: str) -> str:
    """pagination.encode_cursor: base64 of 'cursor:offset'."""
    return f"encode(convert_to('cursor:' || ({offset}), 'UTF8'), 'base64')"


def datetime_text(expr: str) -> str:
    """datetime.isoformat() of the UTC datetime asyncpg returns: microseconds only when set."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {expr})::bigint % 1000000 <> 0"
        f" THEN to_char({utc}, '.US') ELSE '' END || '+00:00')"
    )


def float_json(expr: str) -> str:
    """A float8 as orjson prints the same Python float.

    Both print the shortest round-trip digits; they differ in layout. orjson: plain notation
    for 1e-5 <= |x| < 1e16 with '.0' on whole numbers, else 'd.ddde+N' / 'de-N'. PostgreSQL:
    plain only for 1e-4 <= |x| < 1e15, no '.0', two-digit exponents. Plain notation comes from
    the shortest text read back as numeric (exact decimal, never exponent form).
    """
    return (
        f"(CASE WHEN {expr} IS NULL THEN NULL"
        f" WHEN {expr} IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)"
        " THEN 'null'::json"
        f" WHEN {expr} = 0 THEN (CASE WHEN {expr}::text = '-0' THEN '-0.0' ELSE '0.0' END)::json"
        f" WHEN abs({expr}) >= 1e16 OR abs({expr}) < 1e-5"
        f" THEN regexp_replace({expr}::text, 'e([-+])0*', 'e\\1')::json"
        f" ELSE regexp_replace({expr}::text::numeric::text, '^(-?[0-9]+)$', '\\1.0')::json END)"
    )


def json_list(element: str, order: str, source: str) -> str:
    """A JSON array (never null) of ``element`` over the rows of ``source``, in ``order``."""
    ordered = f" ORDER BY {order}" if order else ""
    return f"(SELECT coalesce(json_agg({element}{ordered}), '[]'::json) FROM {source})"

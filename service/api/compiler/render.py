"""Relations as SQL: one object, a list, a Relay connection, each a scalar subquery that
yields JSON, nested inside its parent's json_build_object.

Every row a child reads comes from a derived table with a fresh alias (``r1``, ``r2``...), so
the reference's filter and order fragments (written against ``s``, ``e``, ``f``, ``p``...) can
be reused inside it without clashing with any enclosing row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import get_named_type

from service.api.compiler import sql
from service.api.compiler.plan import Selection
from service.api.pagination import PageArgs

Build = Callable[[str, tuple[Selection, ...]], str]  # (row alias, selections) -> JSON object


@dataclass(frozen=True)
class Table:
    """Where an entity's rows come from: FROM clause and columns, in the reference's aliases."""

    source: str
    columns: str
    key: str  # primary key column, e.g. "s.id"

    def where(self, conditions: list[str]) -> str:
        """SELECT of the columns under ``conditions`` (ANDed; none: every row)."""
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return f"SELECT {self.columns} FROM {self.source}{where}"


@dataclass
class Render:
    """One statement being rendered, with the arguments bound for this request."""

    stmt: sql.SqlStatement
    bound: Mapping[int, Any]

    def arg(self, selection: Selection) -> Any:
        return self.bound[id(selection)]


def to_one(r: Render, rows: Table, condition: str, build: Build, sel: Selection) -> str:
    """The object matching ``condition`` (a key lookup), or null."""
    a = r.stmt.alias()
    return f"(SELECT {build(a, sel.children)} FROM ({rows.where([condition])}) {a})"


@dataclass(frozen=True)
class Paging:
    """A connection's validated paging (the reference's PageArgs) and whether it is empty
    (a filter that can match nothing: the reference answers with an empty page)."""

    args: PageArgs
    empty: bool = False


@dataclass(frozen=True)
class Source:
    """The ordered rows of a connection.

    ``rows(start, limit)`` is a SELECT whose column ``i`` is the 1-based position of the row in
    the whole ordered result; ``count`` is a SELECT of the number of rows.
    """

    rows: Callable[[str, str], str]
    count: str


def table_source(rows: Table, conditions: list[str], order: str) -> Source:
    where = " WHERE " + " AND ".join(conditions) if conditions else ""

    def select(start: str, limit: str) -> str:
        return (
            f"SELECT row_number() OVER (ORDER BY {order}) AS i, {rows.columns}"
            f" FROM {rows.source}{where} ORDER BY {order} OFFSET {start} LIMIT {limit}"
        )

    return Source(select, f"SELECT count(*) FROM {rows.source}{where}")


# Connection and edge fields needing the page's rows (the others need none).
_ROW_FIELDS = frozenset({"edges", "nodes"})
_ROW_PAGE_INFO = frozenset({"hasNextPage", "startCursor", "endCursor"})
_FIXED_KEYS = frozenset(
    {
        "edges",
        "nodes",
        "pageInfo",
        "totalCount",
        "cursor",
        "node",
        "hasNextPage",
        "hasPreviousPage",
        "startCursor",
        "endCursor",
        "__typename",
    }
)


def _needs_rows(sel: Selection) -> bool:
    for child in sel.children:
        if child.name in _ROW_FIELDS:
            return True
        if child.name == "pageInfo" and any(c.name in _ROW_PAGE_INFO for c in child.children):
            return True
    return False


def connection(
    r: Render, sel: Selection, type_name: str, page: Paging, source: Source, build: Build
) -> str:
    """A Relay connection exactly as service.api.pagination builds it.

    Rows [start, stop) of the ordered result are the page; one more row is fetched to learn
    whether a next page exists. ``last`` without ``before`` needs the total first, so the
    window is then computed in SQL from the count.
    """
    stmt = r.stmt
    a = stmt.alias()
    needs_rows = _needs_rows(sel)
    if page.empty or not page.args.needs_total:
        window = page.args.window(None) if not page.empty else None
        start_n, stop_n = (window.start, window.stop) if window else (0, 0)
        start, stop = stmt.value(start_n, "bigint"), stmt.value(stop_n, "bigint")
        total = f"({source.count})" if not page.empty else "0::bigint"
        rows = source.rows(start, stmt.value(stop_n - start_n + 1, "bigint"))
        tail = f" FROM ({rows}) {a}" if needs_rows else ""
    else:
        w = stmt.alias("w")
        after_n = 0 if page.args.after is None else page.args.after + 1
        after = stmt.value(after_n, "bigint")
        last = stmt.value(page.args.last, "bigint")
        start, stop, total = f"{w}.start", f"{w}.stop", f"{w}.total"
        tail = (
            " FROM (SELECT x.start, greatest(x.start, c.n) AS stop, c.n AS total"
            f" FROM ({source.count}) c(n)"
            f" CROSS JOIN LATERAL (SELECT greatest({after}, c.n - {last}) AS start) x) {w}"
        )
        if needs_rows:
            rows = source.rows(start, f"{stop} - {start} + 1")
            tail += f" LEFT JOIN LATERAL ({rows}) {a} ON true GROUP BY {start}, {stop}, {total}"
    in_page = f"FILTER (WHERE {a}.i <= {stop})"
    pairs = []
    for child in sel.children:
        key = stmt.key(child.key, _FIXED_KEYS)
        if child.name == "__typename":
            value = f"'{type_name}'"
        elif child.name == "totalCount":
            value = total
        elif child.name == "nodes":
            node = build(a, child.children)
            value = f"coalesce(json_agg({node} ORDER BY {a}.i) {in_page}, '[]'::json)"
        elif child.name == "edges":
            value = (
                f"coalesce(json_agg({_edge(r, child, a, build)} ORDER BY {a}.i) {in_page},"
                " '[]'::json)"
            )
        else:  # pageInfo
            value = _page_info(r, child, a, start, stop, in_page)
        pairs.append((key, value))
    return f"(SELECT {sql.json_object(pairs)}{tail})"


def _edge(r: Render, sel: Selection, a: str, build: Build) -> str:
    assert sel.field is not None
    edge_type = get_named_type(sel.field.type).name
    pairs = []
    for child in sel.children:
        key = r.stmt.key(child.key, _FIXED_KEYS)
        if child.name == "__typename":
            pairs.append((key, f"'{edge_type}'"))
        elif child.name == "cursor":
            pairs.append((key, sql.cursor(f"{a}.i - 1")))
        else:  # node
            pairs.append((key, build(a, child.children)))
    return sql.json_object(pairs)


def _page_info(r: Render, sel: Selection, a: str, start: str, stop: str, in_page: str) -> str:
    pairs = []
    for child in sel.children:
        key = r.stmt.key(child.key, _FIXED_KEYS)
        name = child.name
        if name == "__typename":
            value = "'PageInfo'"
        elif name == "hasNextPage":
            value = f"coalesce(max({a}.i) > {stop}, false)"
        elif name == "hasPreviousPage":
            value = f"({start} > 0)"
        elif name == "startCursor":
            value = sql.cursor(f"min({a}.i) {in_page} - 1")
        else:  # endCursor
            value = sql.cursor(f"max({a}.i) {in_page} - 1")
        pairs.append((key, value))
    return sql.json_object(pairs)

"""The mapping: every supported (GraphQL type, field) -> SQL that renders it as JSON.

Each entry renders a field of a row (alias ``a``) as a JSON-able SQL expression; entries with
arguments also bind them first, per request, with the reference path's own functions
(``page_args``, ``statement_criteria``, the name resolver, ``ids.decode``), so validation,
name resolution and filter semantics cannot drift. Row sources, filter conditions and orders
are the reference's (``service.storage.queries``). A field missing here is declined at plan
time and served by Strawberry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from service.api.compiler import sql
from service.api.compiler.arguments import (
    Listing,
    bind_documents,
    bind_event_statements,
    bind_events,
    bind_figures,
    bind_node,
    bind_organisation,
    bind_organisations,
    bind_page,
    bind_person,
    bind_persons,
    bind_search,
    bind_statement_counts,
    bind_statements,
)
from service.api.compiler.errors import Decline
from service.api.compiler.plan import Selection
from service.api.compiler.render import (
    Build,
    Render,
    Source,
    Table,
    connection,
    table_source,
    to_one,
)
from service.api.compiler.rows import (
    DOCUMENTS,
    EVENTS,
    FIGURES,
    KEPT_PERSON,
    KEPT_PERSONS,
    NODE_ROWS,
    ORGANISATIONS,
    PERSONS,
    STATEMENTS,
    TOPICS,
)
from service.api.declared import DECLARATION, Link, ParentEvents, ParentStatements, Span
from service.api.types import entities
from service.api.types.entities import GROUP_KEY_TYPE
from service.storage import queries
from service.storage.queries import (
    DOCUMENT_ORDER,
    EVENT_ORDER,
    FIGURE_ORDER,
    SEARCH_HEADLINE_OPTIONS,
    STATEMENT_COLUMNS,
    STATEMENT_ORDER,
    document_conditions,
    event_conditions,
    figure_conditions,
    organisation_conditions,
    person_conditions,
    search_page_sql,
    statement_conditions,
    statement_count_sql,
    statement_counts_sql,
)
from service.storage.relations import Count, Related

if TYPE_CHECKING:
    from service.api.context import Context

Renderer = Callable[[Render, Selection, str], str]
BindArguments = Callable[["Context", dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Spec:
    render: Renderer
    bind: BindArguments | None = None


# ---------------------------------------------------------------- objects


def obj(r: Render, type_name: str, a: str, selections: tuple[Selection, ...]) -> str:
    """The JSON object of one row, keys in selection order."""
    specs = SPECS[type_name]
    pairs = []
    for sel in selections:
        key = r.stmt.key(sel.key, FIELD_NAMES)
        if sel.name == "__typename":
            pairs.append((key, f"'{type_name}'"))
        else:
            pairs.append((key, specs[sel.name].render(r, sel, a)))
    return sql.json_object(pairs)


def builder(r: Render, type_name: str) -> Build:
    return lambda a, selections: obj(r, type_name, a, selections)


def column(name: str) -> Spec:
    return Spec(lambda r, sel, a: f"{a}.{name}")


def global_id(type_name: str) -> Spec:
    return Spec(lambda r, sel, a: sql.global_id(type_name, f"{a}.id"))


def float_column(name: str) -> Spec:
    return Spec(lambda r, sel, a: sql.float_json(f"{a}.{name}"))


def one(type_name: str, rows: Table, condition: str) -> Spec:
    """``condition`` names the parent row ``{a}``."""
    return Spec(
        lambda r, sel, a: to_one(r, rows, condition.format(a=a), builder(r, type_name), sel)
    )


def person(reference: str) -> Spec:
    """The person a column refers to (``{a}.speaker_id``), or null."""
    return Spec(
        lambda r, sel, a: to_one(
            r,
            KEPT_PERSONS,
            KEPT_PERSON.format(ref=reference.format(a=a)),
            builder(r, "Person"),
            sel,
        )
    )


def source_span() -> Spec:
    def render(r: Render, sel: Selection, a: str) -> str:
        values = {"start": f"{a}.start_offset", "end": f"{a}.end_offset"}
        pairs = [
            (r.stmt.key(c.key, FIELD_NAMES), values.get(c.name, "'SourceSpan'"))
            for c in sel.children
        ]
        return sql.json_object(pairs)

    return Spec(render)


def embedded(type_name: str) -> Spec:
    """An object made of the same row (SearchResult.statement)."""
    return Spec(lambda r, sel, a: obj(r, type_name, a, sel.children))


# ---------------------------------------------------------------- connections


def _conditions(listing: Listing, make: Callable[[], list[str]]) -> list[str]:
    return ["false"] if listing.page.empty else make()


def _of_parent(conditions: dict[str, str]) -> dict[str, str]:
    """The reference's per-parent conditions (parent row ``p``) for a parent row ``{a}``."""
    out = {kind: re.sub(r"\bp\.id\b", "{a}.id", sql_text) for kind, sql_text in conditions.items()}
    assert all("{a}.id" in c for c in out.values()), out
    return out


# Statements and events of a parent row, as the reference's per-parent batches select them.
STATEMENT_PARENT = _of_parent(queries.STATEMENT_PARENT)
EVENT_PARENT = _of_parent(queries.EVENT_PARENT)


def statements(parent: str | None, bind: BindArguments = bind_statements) -> Spec:
    def render(r: Render, sel: Selection, a: str) -> str:
        listing: Listing = r.arg(sel)

        def conditions() -> list[str]:
            own = [STATEMENT_PARENT[parent].format(a=a)] if parent else []
            return own + statement_conditions(listing.criteria, r.stmt.params)

        source = table_source(
            STATEMENTS, _conditions(listing, conditions), STATEMENT_ORDER[listing.order]
        )
        if parent is None and not listing.page.empty:  # counted as the reference counts
            source = replace(source, count=statement_count_sql(listing.criteria, r.stmt.params))
        return connection(
            r, sel, "StatementConnection", listing.page, source, builder(r, "Statement")
        )

    return Spec(render, bind)


def events(parent: str | None, bind: BindArguments = bind_page) -> Spec:
    def render(r: Render, sel: Selection, a: str) -> str:
        listing: Listing = r.arg(sel)

        def conditions() -> list[str]:
            if parent:
                return [EVENT_PARENT[parent].format(a=a)]
            return event_conditions(listing.criteria, r.stmt.params)

        order = EVENT_ORDER[listing.order or "DATE_DESC"]
        source = table_source(EVENTS, _conditions(listing, conditions), order)
        return connection(r, sel, "EventConnection", listing.page, source, builder(r, "Event"))

    return Spec(render, bind)


def _root_persons(r: Render, sel: Selection, a: str) -> str:
    listing: Listing = r.arg(sel)
    conditions = person_conditions(listing.criteria, r.stmt.params)
    source = table_source(PERSONS, conditions, "p.name, p.id")
    return connection(r, sel, "PersonConnection", listing.page, source, builder(r, "Person"))


def _root_organisations(r: Render, sel: Selection, a: str) -> str:
    listing: Listing = r.arg(sel)
    name, kinds = listing.criteria
    conditions = organisation_conditions(name, kinds, r.stmt.params)
    source = table_source(ORGANISATIONS, conditions, "o.name, o.id")
    return connection(
        r, sel, "OrganisationConnection", listing.page, source, builder(r, "Organisation")
    )


def _root_topics(r: Render, sel: Selection, a: str) -> str:
    source = table_source(TOPICS, [], "t.name, t.id")
    return connection(r, sel, "TopicConnection", r.arg(sel).page, source, builder(r, "Topic"))


def _root_documents(r: Render, sel: Selection, a: str) -> str:
    listing: Listing = r.arg(sel)
    conditions = document_conditions(listing.criteria, r.stmt.params)
    source = table_source(DOCUMENTS, conditions, DOCUMENT_ORDER)
    return connection(
        r, sel, "SourceDocumentConnection", listing.page, source, builder(r, "SourceDocument")
    )


def _root_figures(r: Render, sel: Selection, a: str) -> str:
    listing: Listing = r.arg(sel)
    conditions = _conditions(listing, lambda: figure_conditions(listing.criteria, r.stmt.params))
    source = table_source(FIGURES, conditions, FIGURE_ORDER[listing.order])
    return connection(r, sel, "FigureConnection", listing.page, source, builder(r, "Figure"))


# ---------------------------------------------------------------- search


def _root_search(r: Render, sel: Selection, a: str) -> str:
    """queries.search: rank the candidates, page by rank, headline only the page's rows."""
    listing: Listing = r.arg(sel)
    text, criteria = listing.criteria
    stmt = r.stmt
    query = stmt.value(text, "text")
    if listing.page.empty:
        filters = ["false"]
    else:
        filters = statement_conditions(criteria, stmt.params)
        stmt.generic_plan = not filters and not _filters_below(sel)
    matches = (
        f"FROM statement s, websearch_to_tsquery('english_unaccent', {query}) AS q"
        f" WHERE s.search @@ q{''.join(f' AND {c}' for c in filters)}"
    )

    def rows(start: str, limit: str) -> str:
        return (
            f"SELECT {start} + row_number() OVER (ORDER BY x.rank DESC, x.id) AS i,"
            f" x.rank, x.q, {STATEMENT_COLUMNS}"
            f" FROM ({search_page_sql(query, filters, start, limit)}) x"
            " JOIN statement s ON s.id = x.id"
        )

    source = Source(rows, f"SELECT count(*) {matches}")
    return connection(
        r, sel, "SearchResultConnection", listing.page, source, builder(r, "SearchResult")
    )


def _filters_below(sel: Selection) -> bool:
    """Whether a nested connection is filtered (``Person.statements(filter: ...)``).

    Why it matters: an unfiltered search plans alike for every query text (the GIN match, then
    ranking), so it may use one generic plan. Filters are where the best plan depends on the
    values (a date range of a week or of twenty years): those keep a plan per execution.
    """
    below = [*sel.children, *(s for group in (sel.by_type or {}).values() for s in group)]
    return any(
        any(arg.name.value == "filter" for arg in s.node.arguments or ()) or _filters_below(s)
        for s in below
    )


def _highlight(r: Render, sel: Selection, a: str) -> str:
    """HTML-escaped text, then ts_headline: the only markup in a highlight is <mark>."""
    options = r.stmt.value(SEARCH_HEADLINE_OPTIONS, "text")
    return (
        "ts_headline('english_unaccent',"
        f" replace(replace(replace({a}.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),"
        f" {a}.q, {options})"
    )


# ---------------------------------------------------------------- single objects


def _root_node(r: Render, sel: Selection, a: str) -> str:
    type_name, pk = r.arg(sel)
    assert sel.by_type is not None
    rows = NODE_ROWS[type_name]
    alias = r.stmt.alias()
    condition = f"{rows.key} = {r.stmt.value(pk, 'bigint')}"
    if type_name == "Person":  # a merged person's id resolves to the person kept
        condition += " AND k.merged_into_id IS NULL"
    selected = obj(r, type_name, alias, sel.by_type[type_name])
    return f"(SELECT {selected} FROM ({rows.where([condition])}) {alias})"


def by_id(type_name: str, rows: Table) -> Renderer:
    def render(r: Render, sel: Selection, a: str) -> str:
        pk = r.arg(sel)
        if pk is None:
            return "NULL"
        condition = f"{rows.key} = {r.stmt.value(pk, 'bigint')}"
        return to_one(r, rows, condition, builder(r, type_name), sel)

    return render


# ---------------------------------------------------------------- statement counts


def _root_statement_counts(r: Render, sel: Selection, a: str) -> str:
    """queries.statement_counts, groups in its order, keys as the resolver makes them."""
    bound = r.arg(sel)
    if bound is None:
        return "'[]'::json"
    criteria, grouping = bound
    g = r.stmt.alias("g")
    key_type = GROUP_KEY_TYPE.get(grouping)
    values = {
        "key": sql.global_id(key_type, f"{g}.key") if key_type else f"{g}.key",
        "label": f"{g}.label",
        "count": f"{g}.count",
        "__typename": "'GroupCount'",
    }
    element = sql.json_object(
        [(r.stmt.key(c.key, FIELD_NAMES), values[c.name]) for c in sel.children]
    )
    # json_agg takes rows in the order of the sorted subquery (no join above it).
    groups = statement_counts_sql(criteria, grouping, r.stmt.params)
    return f"(SELECT coalesce(json_agg({element}), '[]'::json) FROM ({groups}) {g})"


# ---------------------------------------------------------------- the mapping

HAND_WRITTEN: dict[str, dict[str, Spec]] = {
    "Query": {
        "node": Spec(_root_node, bind_node),
        "events": Spec(events(None, bind_events).render, bind_events),
        "persons": Spec(_root_persons, bind_persons),
        "person": Spec(by_id("Person", PERSONS), bind_person),
        "organisations": Spec(_root_organisations, bind_organisations),
        "organisation": Spec(by_id("Organisation", ORGANISATIONS), bind_organisation),
        "topics": Spec(_root_topics, bind_page),
        "documents": Spec(_root_documents, bind_documents),
        "statements": statements(None),
        "figures": Spec(_root_figures, bind_figures),
        "search": Spec(_root_search, bind_search),
        "statementCounts": Spec(_root_statement_counts, bind_statement_counts),
    },
    "SearchResult": {
        "statement": embedded("Statement"),
        "rank": Spec(lambda r, sel, a: sql.float_json(f"{a}.rank::float8")),
        "highlight": Spec(_highlight),
    },
}

# ---------------------------------------------------------------- declared fields


def declared(declaration: Any, row_type: str) -> Spec:
    """The compiled form of a field declared once (``service.api.declared``)."""
    if isinstance(declaration, Span):
        return source_span()
    if isinstance(declaration, ParentStatements):
        bind = bind_event_statements if declaration.order else bind_statements
        return statements(declaration.parent, bind)
    if isinstance(declaration, ParentEvents):
        return events(declaration.parent)
    if isinstance(declaration, Link):
        if row_type == "Person":
            return person("{a}." + declaration.column)
        rows = NODE_ROWS[row_type]
        return one(row_type, rows, f"{rows.key} = {{a}}.{declaration.column}")
    if isinstance(declaration, Count):
        return Spec(lambda r, sel, a: f"({declaration.select(f'{a}.id')})")
    relation: Related = declaration

    def render(r: Render, sel: Selection, a: str) -> str:
        b = r.stmt.alias()
        source = f"({relation.select(f'{a}.id')}) {b}"
        value = f"{b}.{relation.value}"
        element = value if relation.value else obj(r, row_type, b, sel.children)
        if relation.single:
            return f"(SELECT {element} FROM {source})"
        return sql.json_list(element, relation.order_by(b), source)

    return Spec(render)


def _column(type_name: str, field: StrawberryField) -> Spec | None:
    """A field stored as the row's column of the same (snake_case) name, rendered as the
    reference renders its type; None for a field of an object type (not a column)."""
    named = field.type
    while hasattr(named, "of_type"):
        named = named.of_type
    if isinstance(getattr(named, "__strawberry_definition__", None), StrawberryObjectDefinition):
        return None
    if field.python_name == "id":
        return global_id(type_name)
    if named is float:
        return float_column(field.python_name)
    if named is dt.datetime:
        name = field.python_name
        return Spec(lambda r, sel, a: sql.datetime_text(f"{a}.{name}"))
    return column(field.python_name)


def _entity_specs() -> dict[str, dict[str, Spec]]:
    """The fields of the types made from rows (``from_row``): declared ones and columns."""
    out: dict[str, dict[str, Spec]] = {}
    for cls in vars(entities).values():
        definition = getattr(cls, "__strawberry_definition__", None)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_input:
            continue
        if not hasattr(cls, "from_row"):
            continue
        specs = out.setdefault(definition.name, {})
        for field in definition.fields:
            if is_private(field.type):
                continue
            name = field.graphql_name or to_camel_case(field.python_name)
            declaration = field.metadata.get(DECLARATION)
            if declaration is not None:
                named = field.type
                while hasattr(named, "of_type"):
                    named = named.of_type
                row_type = getattr(named, "__strawberry_definition__", None)
                specs[name] = declared(declaration, row_type.name if row_type else "")
            elif field.base_resolver is None and (spec := _column(definition.name, field)):
                specs[name] = spec
    return out


def _merge(*mappings: dict[str, dict[str, Spec]]) -> dict[str, dict[str, Spec]]:
    out: dict[str, dict[str, Spec]] = {}
    for mapping in mappings:
        for type_name, specs in mapping.items():
            both = out.setdefault(type_name, {}).keys() & specs.keys()
            assert not both, f"{type_name}: {both} both declared and hand-written"
            out[type_name].update(specs)
    return out


SPECS = _merge(HAND_WRITTEN, _entity_specs())

# Types rendered by their parent field's renderer; their fields need no entry of their own.
INLINE_TYPES = frozenset({"SourceSpan", "GroupCount", "PageInfo"})
FIELD_NAMES = frozenset(
    {name for fields in SPECS.values() for name in fields}
    | {"start", "end", "key", "label", "count", "__typename"}
)


def check(type_name: str, selections: tuple[Selection, ...]) -> None:
    """Decline a selection the mapping cannot render (unknown field, too many keys)."""
    if len(selections) > sql.MAX_OBJECT_KEYS:
        raise Decline("too many keys in one object")
    if type_name in INLINE_TYPES:
        return
    if type_name.endswith(("Connection", "Edge")):
        for sel in selections:
            if sel.children:
                check(_named(sel), sel.children)
        return
    specs = SPECS.get(type_name)
    if specs is None:
        raise Decline(f"type {type_name}")
    for sel in selections:
        if sel.name == "__typename":
            continue
        if sel.name not in specs:
            raise Decline(f"field {type_name}.{sel.name}")
        if sel.by_type is not None:
            for runtime, children in sel.by_type.items():
                check(runtime, children)
        elif sel.children:
            check(_named(sel), sel.children)


def _named(sel: Selection) -> str:
    from graphql import get_named_type

    assert sel.field is not None
    return get_named_type(sel.field.type).name

"""Per-request DataLoaders: every relation is fetched for all parents of a selection at once.

Loaders turn rows into API objects and prime the by-id loaders with what pages fetched, so a
statement listed in a page and reached again through ``inReplyTo`` costs nothing more. Per-parent
pages (``Event.statements(first: 10)`` for 20 events) are one LATERAL query per distinct
(parent kind, filter, order); the DataLoader key is (parent id, offset, limit).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from service.api.reader import Reader
from service.api.types.entities import (
    Event,
    Figure,
    Organisation,
    Person,
    SourceDocument,
    Statement,
    Topic,
)
from service.storage import queries, relations
from service.storage.queries import StatementCriteria
from service.storage.relations import Count, Related

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
PageKey = tuple[int, int, int]  # (parent id, offset, limit)
_BY_TYPE = {
    "SourceDocument": "document",
    "Event": "event",
    "Person": "person",
    "Organisation": "organisation",
    "Topic": "topic",
    "Statement": "statement",
    "Figure": "figure",
}


def _by_key(
    rows: Sequence[Any], keys: Sequence[int], convert: Callable[[Any], T], column: str = "id"
) -> list[T | None]:
    found = {row[column]: convert(row) for row in rows}
    return [found.get(key) for key in keys]


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose futures survive the cancellation of one of their awaiters.

    graphql-core cancels the sibling fields of a field whose error nulls their parent; asyncio
    cancels whatever a cancelled task awaits, so a loader future that sibling shared with a
    field elsewhere in the response was cancelled for both, and the other field failed with
    CancelledError (seen as sporadic INTERNAL errors). Each awaiter gets its own shield.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class _Loader:
    """A DataLoader over the method ``batch``, made on first use and kept on the instance.

    A request touches a few of the twenty; creating all of them for every request (the
    compiled path uses none) cost more than compiling a query.
    """

    def __init__(self, batch: str) -> None:
        self.batch = batch

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> DataLoader[Any, Any]:
        loader: DataLoader[Any, Any] = SharedLoader(getattr(obj, self.batch))
        obj.__dict__[self.name] = loader  # later lookups find the instance attribute
        return loader


class Loaders:
    # entities by id
    statement = _Loader("_statements")
    event = _Loader("_events")
    person = _Loader("_persons")
    organisation = _Loader("_organisations")
    topic = _Loader("_topics")
    document = _Loader("_documents")
    figure = _Loader("_figures")

    def __init__(self, db: Reader) -> None:
        self.db = db
        self._shaped: dict[Hashable, DataLoader[Any, Any]] = {}

    # ---------------------------------------------------------------- priming

    # Only root-field pages prime: they complete before any nested field starts, so the SQL a
    # request costs stays deterministic (nested pages racing sibling loads would make it vary).

    def statements_from(self, rows: Sequence[Any]) -> list[Statement]:
        """Statements of a root page, also cached by id for later look-ups in this request."""
        items = [Statement.from_row(row) for row in rows]
        self.statement.prime_many({s.pk: s for s in items})
        return items

    def events_from(self, rows: Sequence[Any]) -> list[Event]:
        items = [Event.from_row(row) for row in rows]
        self.event.prime_many({e.pk: e for e in items})
        return items

    # ---------------------------------------------------------------- entities

    async def _statements(self, keys: list[int]) -> list[Statement | None]:
        rows = await queries.statements_by_ids(self.db, keys)
        return _by_key(rows, keys, Statement.from_row)

    async def _events(self, keys: list[int]) -> list[Event | None]:
        return _by_key(await queries.events_by_ids(self.db, keys), keys, Event.from_row)

    async def _persons(self, keys: list[int]) -> list[Person | None]:
        """A merged person's id loads the person kept."""
        rows = await queries.persons_by_ids(self.db, keys)
        return _by_key(rows, keys, Person.from_row, column="requested")

    async def _organisations(self, keys: list[int]) -> list[Organisation | None]:
        rows = await queries.organisations_by_ids(self.db, keys)
        return _by_key(rows, keys, Organisation.from_row)

    async def _topics(self, keys: list[int]) -> list[Topic | None]:
        return _by_key(await queries.topics_by_ids(self.db, keys), keys, Topic.from_row)

    async def _documents(self, keys: list[int]) -> list[SourceDocument | None]:
        rows = await queries.documents_by_ids(self.db, keys)
        return _by_key(rows, keys, SourceDocument.from_row)

    async def _figures(self, keys: list[int]) -> list[Figure | None]:
        return _by_key(await queries.figures_by_ids(self.db, keys), keys, Figure.from_row)

    def by_type(self, type_name: str) -> DataLoader[int, Any]:
        """The by-id loader of a node type (``Query.node``, ``link`` fields)."""
        return getattr(self, _BY_TYPE[type_name])

    # ---------------------------------------------------------------- declared relations

    def related(
        self, relation: Related, convert: Callable[[Any], Any] | None
    ) -> DataLoader[int, Any]:
        """Rows (made objects by ``convert``) or values of ``relation``, per parent id."""

        async def load(keys: list[int]) -> list[Any]:
            rows = await relations.related_rows(self.db, relation, keys)
            groups: dict[int, list[Any]] = defaultdict(list)
            for row in rows:
                item = row[relation.value] if relation.value else row
                groups[row["parent_key"]].append(convert(item) if convert else item)
            if relation.single:
                return [groups[key][0] if key in groups else None for key in keys]
            return [groups.get(key, []) for key in keys]

        return self._loader(("related", relation), load)

    def count(self, relation: Count) -> DataLoader[int, int]:
        async def load(keys: list[int]) -> list[int]:
            rows = await relations.related_rows(self.db, relation, keys)
            counts = {row["parent_key"]: row["n"] for row in rows}
            return [counts.get(key, 0) for key in keys]

        return self._loader(("count", relation), load)

    # ---------------------------------------------------------------- per-parent pages

    def _loader(self, shape: Hashable, load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
        loader = self._shaped.get(shape)
        if loader is None:
            loader = self._shaped[shape] = SharedLoader(load)
        return loader

    def statement_pages(
        self, parent: str, criteria: StatementCriteria, order: str
    ) -> DataLoader[PageKey, list[Statement]]:
        """Pages of a parent's statements ("event", "speaker", "topic", "organisation")."""

        async def load(keys: list[PageKey]) -> list[list[Statement]]:
            rows = await queries.statements_of(self.db, parent, keys, criteria, order)
            return self._pages(keys, rows, Statement.from_row)

        return self._loader(("statement_pages", parent, criteria, order), load)

    def statement_counts(self, parent: str, criteria: StatementCriteria) -> DataLoader[int, int]:
        async def load(keys: list[int]) -> list[int]:
            counts = await queries.count_statements_of(self.db, parent, keys, criteria)
            return [counts.get(key, 0) for key in keys]

        return self._loader(("statement_counts", parent, criteria), load)

    def event_pages(self, parent: str) -> DataLoader[PageKey, list[Event]]:
        """Pages of a parent's events, newest first ("person", "organisation")."""

        async def load(keys: list[PageKey]) -> list[list[Event]]:
            rows = await queries.events_of(self.db, parent, keys)
            return self._pages(keys, rows, Event.from_row)

        return self._loader(("event_pages", parent), load)

    def event_counts(self, parent: str) -> DataLoader[int, int]:
        async def load(keys: list[int]) -> list[int]:
            counts = await queries.count_events_of(self.db, parent, keys)
            return [counts.get(key, 0) for key in keys]

        return self._loader(("event_counts", parent), load)

    @staticmethod
    def _pages(
        keys: list[PageKey], rows: Sequence[Any], convert: Callable[[Any], T]
    ) -> list[list[T]]:
        """Split LATERAL rows back into one list per requested page (``page`` is 1-based)."""
        by_page: dict[int, list[T]] = defaultdict(list)
        for row in rows:
            by_page[row["page"]].append(convert(row))
        return [by_page.get(i, []) for i in range(1, len(keys) + 1)]

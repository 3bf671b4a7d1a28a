"""Fields written once: a Strawberry field that carries its declaration.

``related(...)``, ``count(...)`` and ``link(...)`` make the Strawberry field (the reference
path: its resolver asks a batched DataLoader) and leave the declaration in the field's
metadata, where the compiler (``compiler/fields.py``) reads it to render the same rows as SQL.
A field made this way cannot be missing on either path. Fields that are neither declared nor
in the compiler's mapping fail ``tests/api/test_field_coverage.py`` unless listed there as
Strawberry-only, with the reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from service.api.pagination import After, Before, First, Last
from service.storage.relations import Count, Related

DECLARATION = "declaration"  # the metadata key the compiler reads


@dataclass(frozen=True)
class Link:
    """The object a column of the parent row refers to, by id (``Statement.speaker``).

    The parent object keeps the column as ``<name>_pk`` (``speaker_id`` -> ``speaker_pk``);
    a null column is a null field.
    """

    column: str

    @property
    def attribute(self) -> str:
        return self.column.removesuffix("_id") + "_pk"


@dataclass(frozen=True)
class Span:
    """The parent row's own ``start_offset`` / ``end_offset`` as a SourceSpan."""


@dataclass(frozen=True)
class ParentStatements:
    """A parent's statements as a connection: ``parent`` keys how a statement belongs to it
    (``queries.STATEMENT_PARENT``); ``order`` fixes the order (an event's turns read in
    sequence) where the field has no orderBy argument of its own."""

    parent: str
    order: str | None = None


@dataclass(frozen=True)
class ParentEvents:
    """A parent's events as a connection, newest first (``queries.EVENT_PARENT``)."""

    parent: str


def connection(declaration: ParentStatements | ParentEvents, description: str | None = None) -> Any:
    """Decorates a connection field's resolver with its declaration (its arguments are the
    resolver's own, so they read as the schema has them)."""
    return strawberry.field(description=description, metadata={DECLARATION: declaration})


Paging = tuple[int | None, str | None, int | None, str | None]  # first, after, last, before


def paged(
    load: Callable[[strawberry.Info, Any, Paging], Awaitable[Any]],
    declaration: ParentStatements | ParentEvents | None = None,
    description: str | None = None,
) -> Any:
    """A connection field whose only arguments are first/after/last/before: the arguments
    (with their descriptions, ``pagination.First`` ...) are written here once,
    ``load(info, parent, paging)`` makes the page."""

    async def resolve(
        root: Any,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Any:
        return await load(info, root, (first, after, last, before))

    metadata = {DECLARATION: declaration} if declaration else {}
    return strawberry.field(resolver=resolve, description=description, metadata=metadata)


def _named_type(info: strawberry.Info) -> Any:
    """The object (or scalar) type under the field's list and non-null wrappers."""
    field_type = info.return_type
    while hasattr(field_type, "of_type"):
        field_type = field_type.of_type
    return field_type


def related(relation: Related, description: str | None = None) -> Any:
    """A field of the rows (or values) ``relation`` declares, for the parent's id."""

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        row_type = _named_type(info)
        convert = getattr(row_type, "from_row", None)
        return await info.context.loaders.related(relation, convert).load(root.pk)

    return strawberry.field(
        resolver=resolve, description=description, metadata={DECLARATION: relation}
    )


def count(relation: Count, description: str | None = None) -> Any:
    """A field counting the rows ``relation`` declares for the parent's id."""

    async def resolve(root: Any, info: strawberry.Info) -> int:
        return await info.context.loaders.count(relation).load(root.pk)

    return strawberry.field(
        resolver=resolve, description=description, metadata={DECLARATION: relation}
    )


def link(column: str, description: str | None = None) -> Any:
    """A field of the object the parent's ``column`` refers to (loaded by id, batched)."""
    declaration = Link(column)

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        pk = getattr(root, declaration.attribute)
        if pk is None:
            return None
        return await info.context.loaders.by_type(_named_type(info).__name__).load(pk)

    return strawberry.field(
        resolver=resolve, description=description, metadata={DECLARATION: declaration}
    )


def span(description: str | None = None) -> Any:
    """A SourceSpan field of the parent's ``start`` and ``end`` offsets."""

    def resolve(root: Any, info: strawberry.Info) -> Any:
        return _named_type(info)(start=root.start, end=root.end)

    return strawberry.field(
        resolver=resolve, description=description, metadata={DECLARATION: Span()}
    )

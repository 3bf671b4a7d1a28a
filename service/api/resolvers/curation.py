"""Curation over the API: correct a speaker or a turn kind, delete or replace a document, split
a wrongly merged person, and read the log of every such change.

Each mutation needs write access and answers the way the other mutations do: refusals are
``errors: [UserError]`` with nothing changed. The changes themselves and their log rows are
written by service.storage.curation, one transaction each.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import asyncpg
import orjson
import strawberry
from strawberry.scalars import JSON

from service.api import ids
from service.api.errors import BadUserInput
from service.api.pagination import After, Before, Connection, First, Last, page_args, paginate
from service.api.parsing import parse_input
from service.api.types.entities import Statement
from service.api.types.enums import StatementKind
from service.api.types.inputs import IngestDocumentInput
from service.api.types.payloads import IngestDocumentPayload, PersonPayload, UserError, unauthorized
from service.ingestion.model import ParsedDocument, RejectedDocument
from service.storage import curation
from service.storage.documents import StoreResult
from service.storage.persons import CurationError
from service.storage.tokens import token_name

if TYPE_CHECKING:
    from service.api.context import Context

T = TypeVar("T")
ADMIN = "admin"  # how the log names changes made with ADMIN_TOKEN


@strawberry.type(description="A curation mutation's answer about one statement.")
class StatementPayload:
    statement: Statement | None = strawberry.field(description="The statement as it is now.")
    errors: list[UserError] = strawberry.field(
        description="Why the change was refused; empty when it was made."
    )


@strawberry.type(description="The answer of deleteDocument.")
class DeleteDocumentPayload:
    deleted_document_id: strawberry.ID | None = strawberry.field(
        description="The id of the document that was deleted; null when nothing was."
    )
    errors: list[UserError] = strawberry.field(
        description="Why the deletion was refused; empty when the document was deleted."
    )


@strawberry.type(description="One change made by curation, as it was recorded.")
class CurationRecord:
    at: dt.datetime = strawberry.field(description="When the change was made.")
    by: str = strawberry.field(
        description="Name of the API token that made it ('admin' for the ADMIN_TOKEN)."
    )
    action: str = strawberry.field(
        description="SET_STATEMENT_SPEAKER, SET_STATEMENT_KIND, DELETE_DOCUMENT,"
        " REPLACE_DOCUMENT, SPLIT_PERSON or MERGE_PERSONS."
    )
    target_id: strawberry.ID = strawberry.field(
        description="Global id of what was changed (a deleted document's id resolves to null)."
    )
    before: JSON | None = strawberry.field(description="The changed fields before the change.")
    after: JSON | None = strawberry.field(description="The changed fields after the change.")


async def curator(ctx: Context) -> str | None:
    """Who is writing, for the log: the token's name; None without write access."""
    if not await ctx.can_write():
        return None
    admin = ctx.settings.admin_token
    if admin and ctx.token and hmac.compare_digest(ctx.token.encode(), admin.encode()):
        return ADMIN
    async with ctx.db.connection() as conn:
        return await token_name(conn, ctx.token or "") or "unknown token"


class Refused(Exception):
    """What a curation request is refused with (answered as the payload's errors)."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__(*errors)
        self.errors = list(errors)


def _decoded(global_id: str, type_name: str, field: str) -> int:
    try:
        return ids.decode_as(global_id, type_name, field)
    except BadUserInput:
        message = f"No {type_name} with id {global_id!r}."
        raise Refused(UserError(code="NOT_FOUND", message=message, field=field)) from None


async def _curate(
    ctx: Context,
    apply: Callable[[asyncpg.Connection, str], Awaitable[T]],
    prepare: Callable[[], Awaitable[object]] | None = None,
) -> tuple[T | None, list[UserError]]:
    """Every curation mutation's skeleton: write access first, then ``prepare()`` (work that
    needs no database, such as parsing a page), then ``apply(connection, curator)``; its result,
    or the errors to answer with and nothing changed."""
    by = await curator(ctx)
    if by is None:
        return None, [unauthorized()]
    try:
        if prepare is not None:
            await prepare()
        async with ctx.db.connection() as conn:
            result = await apply(conn, by)
    except Refused as refused:
        return None, refused.errors
    except CurationError as refused:
        return None, [UserError(code=refused.code, message=refused.message, field=None)]
    ctx.forget()  # reads after a write must not see what this request loaded before it
    return result, []


@strawberry.type
class CurationMutation:
    @strawberry.mutation(
        description="Give a statement to another person, or to nobody (personId null): its"
        " printed label stays. Needs write access; recorded in curationLog."
    )
    async def set_statement_speaker(
        self,
        info: strawberry.Info,
        statement_id: Annotated[
            strawberry.ID, strawberry.argument(description="The statement to change.")
        ],
        person_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The Person who spoke it; null (or absent) for no known speaker."
            ),
        ] = None,
    ) -> StatementPayload:
        ctx: Context = info.context

        async def apply(conn: asyncpg.Connection, by: str) -> int:
            pk = _decoded(statement_id, "Statement", "statementId")
            person = None if person_id is None else _decoded(person_id, "Person", "personId")
            await curation.set_statement_speaker(conn, pk, person, by)
            return pk

        pk, errors = await _curate(ctx, apply)
        statement = None if pk is None else await ctx.loaders.statement.load(pk)
        return StatementPayload(statement=statement, errors=errors)

    @strawberry.mutation(
        description="Correct a statement's kind (a remark read as a question, say). Needs write"
        " access; recorded in curationLog."
    )
    async def set_statement_kind(
        self,
        info: strawberry.Info,
        statement_id: Annotated[
            strawberry.ID, strawberry.argument(description="The statement to change.")
        ],
        kind: Annotated[StatementKind, strawberry.argument(description="Its correct kind.")],
    ) -> StatementPayload:
        ctx: Context = info.context

        async def apply(conn: asyncpg.Connection, by: str) -> int:
            pk = _decoded(statement_id, "Statement", "statementId")
            await curation.set_statement_kind(conn, pk, kind.value, by)
            return pk

        pk, errors = await _curate(ctx, apply)
        statement = None if pk is None else await ctx.loaders.statement.load(pk)
        return StatementPayload(statement=statement, errors=errors)

    @strawberry.mutation(
        description="Delete a document and everything read from it (events, statements,"
        " mentions, figures, and persons no other document names). Needs write access;"
        " recorded in curationLog."
    )
    async def delete_document(
        self,
        info: strawberry.Info,
        document_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The SourceDocument to delete, by its id."),
        ],
    ) -> DeleteDocumentPayload:
        async def apply(conn: asyncpg.Connection, by: str) -> strawberry.ID:
            pk = _decoded(document_id, "SourceDocument", "documentId")
            await curation.delete_document(conn, pk, by)
            return strawberry.ID(document_id)

        deleted, errors = await _curate(info.context, apply)
        return DeleteDocumentPayload(deleted_document_id=deleted, errors=errors)

    @strawberry.mutation(
        description="Replace a document with a corrected text: the old one is deleted as by"
        " deleteDocument and the new one stored (under a new id), in one transaction; a text"
        " that cannot be parsed is refused and the old document stays. Needs write access;"
        " recorded in curationLog."
    )
    async def replace_document(
        self,
        info: strawberry.Info,
        document_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The SourceDocument to replace, by its id."),
        ],
        input: Annotated[
            IngestDocumentInput,
            strawberry.argument(description="The corrected page, as for ingestDocument."),
        ],
    ) -> IngestDocumentPayload:
        ctx: Context = info.context
        pages: list[ParsedDocument] = []

        async def parse() -> None:
            try:
                pages.append(await parse_input(input, ctx.settings.max_document_chars))
            except RejectedDocument as bad:
                error = UserError(code=bad.code, message=bad.message, field=bad.field)
                raise Refused(error) from None

        async def apply(conn: asyncpg.Connection, by: str) -> StoreResult:
            pk = _decoded(document_id, "SourceDocument", "documentId")
            return await curation.replace_document(conn, pk, pages[0], by)

        stored, errors = await _curate(ctx, apply, parse)
        if stored is None:
            return IngestDocumentPayload(document=None, created=False, errors=errors)
        document = await ctx.loaders.document.load(stored.document_id)
        return IngestDocumentPayload(document=document, created=stored.created, errors=[])

    @strawberry.mutation(
        description="Undo a wrong merge: a new person named `name` takes the given statements"
        " of person `personId`. Returns the new person. Needs write access; recorded in"
        " curationLog."
    )
    async def split_person(
        self,
        info: strawberry.Info,
        person_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The wrongly merged Person the statements leave."),
        ],
        statement_ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="The statements (of that person) that belong to the new person."
            ),
        ],
        name: Annotated[
            str, strawberry.argument(description="The new person's name, e.g. 'Jens Stoltenberg'.")
        ],
    ) -> PersonPayload:
        ctx: Context = info.context

        async def apply(conn: asyncpg.Connection, by: str) -> int:
            person = _decoded(person_id, "Person", "personId")
            statements = [_decoded(s, "Statement", "statementIds") for s in statement_ids]
            return await curation.split_person(conn, person, statements, name, by)

        new_id, errors = await _curate(ctx, apply)
        person = None if new_id is None else await ctx.loaders.person.load(new_id)
        return PersonPayload(person=person, errors=errors)


@strawberry.type
class CurationQuery:
    @strawberry.field(
        description="Every change made by curation, newest first; with `targetId`, only the"
        " changes to that statement, document or person."
    )
    async def curation_log(
        self,
        info: strawberry.Info,
        target_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only the changes to this statement, document or person (its id)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CurationRecord]:
        ctx: Context = info.context
        args = page_args(first, after, last, before, ctx.settings.max_page_size)
        target = None if target_id is None else ids.decode(target_id)

        async def fetch(offset: int, limit: int) -> list[CurationRecord]:
            async with ctx.db.connection() as conn:
                rows = await curation.log_page(conn, offset, limit, target)
            return [_record(row) for row in rows]

        async def count() -> int:
            async with ctx.db.connection() as conn:
                return await curation.log_count(conn, target)

        return await paginate(args, fetch, count)


def _record(row: asyncpg.Record) -> CurationRecord:
    def parsed(text: str | None) -> JSON | None:
        return None if text is None else orjson.loads(text)

    return CurationRecord(
        at=row["at"],
        by=row["by"],
        action=row["action"],
        target_id=strawberry.ID(ids.encode(row["target_type"], row["target_id"])),
        before=parsed(row["before"]),
        after=parsed(row["after"]),
    )

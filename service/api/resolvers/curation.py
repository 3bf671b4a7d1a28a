"""Curation over the API: correct a speaker or a turn kind, delete or replace a document, split
a wrongly merged person, and read the log of every such change.

Each mutation needs write access and answers the way the other mutations do: refusals are
``errors: [UserError]`` with nothing changed. The changes themselves and their log rows are
written by service.storage.curation, one transaction each.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import TYPE_CHECKING

import asyncpg
import orjson
import strawberry
from strawberry.scalars import JSON

from service.api import ids
from service.api.errors import BadUserInput
from service.api.pagination import Connection, page_args, paginate
from service.api.parsing import parse_posted
from service.api.types.entities import Statement
from service.api.types.enums import StatementKind
from service.api.types.inputs import IngestDocumentInput
from service.api.types.payloads import IngestDocumentPayload, PersonPayload, UserError, unauthorized
from service.ingestion.model import RejectedDocument
from service.storage import curation
from service.storage.persons import CurationError
from service.storage.tokens import token_name

if TYPE_CHECKING:
    from service.api.context import Context

ADMIN = "admin"  # how the log names changes made with ADMIN_TOKEN


@strawberry.type(description="A curation mutation's answer about one statement.")
class StatementPayload:
    statement: Statement | None = strawberry.field(description="The statement as it is now.")
    errors: list[UserError]


@strawberry.type(description="The answer of deleteDocument.")
class DeleteDocumentPayload:
    deleted_document_id: strawberry.ID | None = strawberry.field(
        description="The id of the document that was deleted; null when nothing was."
    )
    errors: list[UserError]


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


def _decode(global_id: str, type_name: str, field: str) -> int | UserError:
    try:
        return ids.decode_as(global_id, type_name, field)
    except BadUserInput:
        return UserError(
            code="NOT_FOUND", message=f"No {type_name} with id {global_id!r}.", field=field
        )


def _refusal(refused: CurationError, field: str | None = None) -> UserError:
    return UserError(code=refused.code, message=refused.message, field=field)


async def _statement_now(ctx: Context, pk: int) -> Statement | None:
    ctx.forget()  # reads after a write must not see what this request loaded before it
    return await ctx.loaders.statement.load(pk)


@strawberry.type
class CurationMutation:
    @strawberry.mutation(
        description="Give a statement to another person, or to nobody (personId null): its"
        " printed label stays. Needs write access; recorded in curationLog."
    )
    async def set_statement_speaker(
        self,
        info: strawberry.Info,
        statement_id: strawberry.ID,
        person_id: strawberry.ID | None = None,
    ) -> StatementPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return StatementPayload(statement=None, errors=[unauthorized()])
        pk = _decode(statement_id, "Statement", "statementId")
        person = None if person_id is None else _decode(person_id, "Person", "personId")
        bad = [e for e in (pk, person) if isinstance(e, UserError)]
        if bad:
            return StatementPayload(statement=None, errors=bad)
        assert isinstance(pk, int) and not isinstance(person, UserError)
        try:
            async with ctx.db.connection() as conn:
                await curation.set_statement_speaker(conn, pk, person, by)
        except CurationError as refused:
            return StatementPayload(statement=None, errors=[_refusal(refused)])
        return StatementPayload(statement=await _statement_now(ctx, pk), errors=[])

    @strawberry.mutation(
        description="Correct a statement's kind (a remark read as a question, say). Needs write"
        " access; recorded in curationLog."
    )
    async def set_statement_kind(
        self, info: strawberry.Info, statement_id: strawberry.ID, kind: StatementKind
    ) -> StatementPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return StatementPayload(statement=None, errors=[unauthorized()])
        pk = _decode(statement_id, "Statement", "statementId")
        if isinstance(pk, UserError):
            return StatementPayload(statement=None, errors=[pk])
        try:
            async with ctx.db.connection() as conn:
                await curation.set_statement_kind(conn, pk, kind.value, by)
        except CurationError as refused:
            return StatementPayload(statement=None, errors=[_refusal(refused)])
        return StatementPayload(statement=await _statement_now(ctx, pk), errors=[])

    @strawberry.mutation(
        description="Delete a document and everything read from it (events, statements,"
        " mentions, figures, and persons no other document names). Needs write access;"
        " recorded in curationLog."
    )
    async def delete_document(
        self, info: strawberry.Info, document_id: strawberry.ID
    ) -> DeleteDocumentPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return DeleteDocumentPayload(deleted_document_id=None, errors=[unauthorized()])
        pk = _decode(document_id, "SourceDocument", "documentId")
        if isinstance(pk, UserError):
            return DeleteDocumentPayload(deleted_document_id=None, errors=[pk])
        try:
            async with ctx.db.connection() as conn:
                await curation.delete_document(conn, pk, by)
        except CurationError as refused:
            return DeleteDocumentPayload(deleted_document_id=None, errors=[_refusal(refused)])
        ctx.forget()
        return DeleteDocumentPayload(deleted_document_id=strawberry.ID(document_id), errors=[])

    @strawberry.mutation(
        description="Replace a document with a corrected text: the old one is deleted as by"
        " deleteDocument and the new one stored (under a new id), in one transaction; a text"
        " that cannot be parsed is refused and the old document stays. Needs write access;"
        " recorded in curationLog."
    )
    async def replace_document(
        self, info: strawberry.Info, document_id: strawberry.ID, input: IngestDocumentInput
    ) -> IngestDocumentPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return IngestDocumentPayload(document=None, created=False, errors=[unauthorized()])
        pk = _decode(document_id, "SourceDocument", "documentId")
        if isinstance(pk, UserError):
            return IngestDocumentPayload(document=None, created=False, errors=[pk])
        try:
            parsed = await parse_posted(
                input.text,
                filename=input.filename,
                source_url=input.source_url,
                publisher=input.publisher,
                max_chars=ctx.settings.max_document_chars,
            )
        except RejectedDocument as refused:
            error = UserError(code=refused.code, message=refused.message, field=refused.field)
            return IngestDocumentPayload(document=None, created=False, errors=[error])
        try:
            async with ctx.db.connection() as conn:
                stored = await curation.replace_document(conn, pk, parsed, by)
        except CurationError as refused:
            return IngestDocumentPayload(
                document=None, created=False, errors=[_refusal(refused, "documentId")]
            )
        ctx.forget()
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
        person_id: strawberry.ID,
        statement_ids: list[strawberry.ID],
        name: str,
    ) -> PersonPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return PersonPayload(person=None, errors=[unauthorized()])
        person = _decode(person_id, "Person", "personId")
        statements = [_decode(s, "Statement", "statementIds") for s in statement_ids]
        bad = [e for e in (person, *statements) if isinstance(e, UserError)]
        if bad:
            return PersonPayload(person=None, errors=bad)
        assert isinstance(person, int)
        try:
            async with ctx.db.connection() as conn:
                new_id = await curation.split_person(
                    conn, person, [s for s in statements if isinstance(s, int)], name, by
                )
        except CurationError as refused:
            return PersonPayload(person=None, errors=[_refusal(refused)])
        ctx.forget()
        return PersonPayload(person=await ctx.loaders.person.load(new_id), errors=[])


@strawberry.type
class CurationQuery:
    @strawberry.field(
        description="Every change made by curation, newest first; with `targetId`, only the"
        " changes to that statement, document or person."
    )
    async def curation_log(
        self,
        info: strawberry.Info,
        target_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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

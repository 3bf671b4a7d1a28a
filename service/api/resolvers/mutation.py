"""Mutation: ingestion and person curation. All need write access.

Refusals are data, not exceptions: a missing or wrong token, an unparseable page, an unknown
person come back as ``errors: [UserError]`` with nothing changed (the contract's UserError lists
UNAUTHORIZED, so authorisation failures use the payload form too). Unexpected failures still
raise and are masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from service.api import ids
from service.api.errors import BadUserInput
from service.api.parsing import parse_input
from service.api.resolvers.curation import curator
from service.api.types.entities import Person
from service.api.types.inputs import IngestDocumentInput
from service.api.types.payloads import (
    IngestDocumentPayload,
    PersonPayload,
    UserError,
    unauthorized,
)
from service.ingestion.model import RejectedDocument
from service.storage import curation, documents, persons
from service.storage.persons import CurationError

if TYPE_CHECKING:
    from service.api.context import Context

# Which input field a curation refusal is about, by its code.
_ALIAS_FIELDS = {"NOT_FOUND": "personId", "INVALID_ALIAS": "alias"}


def _person_pk(global_id: str, field: str) -> int | UserError:
    try:
        return ids.decode_as(global_id, "Person", field)
    except BadUserInput:
        return UserError(code="NOT_FOUND", message=f"No person with id {global_id!r}.", field=field)


async def _kept_person(ctx: Context, pk: int) -> Person | None:
    ctx.forget()  # reads after a write must not see what this request loaded before it
    return await ctx.loaders.person.load(pk)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Parse and store one transcript page. Needs an API token with write access."
        " Idempotent: the same text twice gives the same document (created: false). A page"
        " that cannot be parsed is refused whole, with errors, and nothing is stored."
    )
    async def ingest_document(
        self,
        info: strawberry.Info,
        input: Annotated[
            IngestDocumentInput,
            strawberry.argument(description="The page and what is known about it."),
        ],
    ) -> IngestDocumentPayload:
        ctx: Context = info.context
        if not await ctx.can_write():
            return IngestDocumentPayload(document=None, created=False, errors=[unauthorized()])
        try:
            parsed = await parse_input(input, ctx.settings.max_document_chars)
        except RejectedDocument as refused:
            error = UserError(code=refused.code, message=refused.message, field=refused.field)
            return IngestDocumentPayload(document=None, created=False, errors=[error])
        async with ctx.db.connection() as conn:
            stored = await documents.store_document(conn, parsed)
        ctx.forget()
        document = await ctx.loaders.document.load(stored.document_id)
        return IngestDocumentPayload(document=document, created=stored.created, errors=[])

    @strawberry.mutation(
        description="Record another name form for a person (curation). Needs write access."
    )
    async def add_person_alias(
        self,
        info: strawberry.Info,
        person_id: Annotated[
            strawberry.ID, strawberry.argument(description="The Person to add the name form to.")
        ],
        alias: Annotated[
            str,
            strawberry.argument(
                description="The name form, e.g. 'Nursultan Abishevich'; name filters find the"
                " person by it from now on."
            ),
        ],
    ) -> PersonPayload:
        ctx: Context = info.context
        if not await ctx.can_write():
            return PersonPayload(person=None, errors=[unauthorized()])
        pk = _person_pk(person_id, "personId")
        if isinstance(pk, UserError):
            return PersonPayload(person=None, errors=[pk])
        try:
            async with ctx.db.connection() as conn:
                await persons.add_person_alias(conn, pk, alias)
        except CurationError as refused:
            field = _ALIAS_FIELDS.get(refused.code)
            error = UserError(code=refused.code, message=refused.message, field=field)
            return PersonPayload(person=None, errors=[error])
        return PersonPayload(person=await _kept_person(ctx, pk), errors=[])

    @strawberry.mutation(
        description="Merge a duplicate person into another: statements, aliases and titles move;"
        " the merged id keeps resolving to the kept person. Needs write access."
    )
    async def merge_persons(
        self,
        info: strawberry.Info,
        keep_id: Annotated[strawberry.ID, strawberry.argument(description="The Person to keep.")],
        merge_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The duplicate Person, merged into the one kept."),
        ],
    ) -> PersonPayload:
        ctx: Context = info.context
        by = await curator(ctx)
        if by is None:
            return PersonPayload(person=None, errors=[unauthorized()])
        keep = _person_pk(keep_id, "keepId")
        merge = _person_pk(merge_id, "mergeId")
        bad = [e for e in (keep, merge) if isinstance(e, UserError)]
        if bad:
            return PersonPayload(person=None, errors=bad)
        assert isinstance(keep, int) and isinstance(merge, int)
        try:
            async with ctx.db.connection() as conn, conn.transaction():
                await persons.merge_persons(conn, keep, merge)
                await curation.log_merge(conn, keep, merge, by)
        except CurationError as refused:
            error = UserError(code=refused.code, message=refused.message, field=None)
            return PersonPayload(person=None, errors=[error])
        return PersonPayload(person=await _kept_person(ctx, keep), errors=[])

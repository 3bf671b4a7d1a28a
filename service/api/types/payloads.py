"""Mutation payloads: refusals the client should handle come back as UserError values."""

from __future__ import annotations

import strawberry

from service.api.types.entities import Person, SourceDocument


@strawberry.type
class UserError:
    code: str = strawberry.field(
        description="Machine-readable, e.g. EMPTY_DOCUMENT, NOT_A_TRANSCRIPT, NOT_FOUND,"
        " UNAUTHORIZED."
    )
    message: str
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, when there is one."
    )


def unauthorized() -> UserError:
    return UserError(
        code="UNAUTHORIZED",
        message="This needs an API token with write access: send Authorization: Bearer <token>.",
    )


@strawberry.type
class IngestDocumentPayload:
    document: SourceDocument | None
    created: bool = strawberry.field(
        description="False when this exact text had been ingested before."
    )
    errors: list[UserError]


@strawberry.type
class PersonPayload:
    person: Person | None
    errors: list[UserError]

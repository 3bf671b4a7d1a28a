"""Mutation payloads: refusals the client should handle come back as UserError values."""

from __future__ import annotations

import strawberry

from service.api.types.entities import Person, SourceDocument


@strawberry.type(
    description="Why a mutation refused (part of) a request: something the client can fix"
    " or show to a user."
)
class UserError:
    code: str = strawberry.field(
        description="Machine-readable, e.g. EMPTY_DOCUMENT, NOT_A_TRANSCRIPT, NOT_FOUND,"
        " UNAUTHORIZED."
    )
    message: str = strawberry.field(description="What went wrong, in English, for people.")
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, when there is one."
    )


def unauthorized() -> UserError:
    return UserError(
        code="UNAUTHORIZED",
        message="This needs an API token with write access: send Authorization: Bearer <token>.",
    )


@strawberry.type(description="The answer of ingestDocument.")
class IngestDocumentPayload:
    document: SourceDocument | None = strawberry.field(
        description="The stored document (the earlier one when the text was known); null when"
        " refused."
    )
    created: bool = strawberry.field(
        description="False when this exact text had been ingested before."
    )
    errors: list[UserError] = strawberry.field(
        description="Why the page was refused; empty when it was stored."
    )


@strawberry.type(description="The answer of a mutation that changes a person.")
class PersonPayload:
    person: Person | None = strawberry.field(
        description="The person as it is now: the person kept after a merge, the new person"
        " after a split; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        description="Why the change was refused; empty when it was made."
    )

"""Request ids: one per request, in the X-Request-ID response header and in every masked
error, so a client's report finds the server's log line."""

from __future__ import annotations

import re
import uuid

from starlette.requests import Request

REQUEST_ID_HEADER = "X-Request-ID"
# A client's own id is reused for tracing when it is short and plain (it ends up in logs).
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_of(request: Request) -> str:
    """The id the HTTP layer assigned (request.state), else a sane client one, else a new one."""
    assigned = getattr(request.state, "request_id", None)
    if isinstance(assigned, str) and assigned:
        return assigned
    incoming = request.headers.get(REQUEST_ID_HEADER)
    if incoming and _CLIENT_REQUEST_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


def request_id_in(execution_context: object) -> str:
    """The id of the request a GraphQL execution serves (its context's), else a new one."""
    context = getattr(execution_context, "context", None)
    return getattr(context, "request_id", None) or new_request_id()

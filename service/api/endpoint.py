"""GraphQL over HTTP at /graphql, per the GraphQL-over-HTTP draft and the graphql-http audit.

Why not Strawberry's own Starlette view: it answers only application/json and gives parse and
validation errors HTTP 200, while the spec prefers application/graphql-response+json with 4xx
codes for request errors. This module does the HTTP half itself (negotiation, parameters, limits,
status codes, error masking) and hands the GraphQL half to an executor, Strawberry's
`schema.execute` today; the name of the executor that served a request goes out in the
X-Execution-Path header so that a second path (a compiler) can be added beside it.

Status codes, by media type of the response:
- application/graphql-response+json: 400 for request errors (parse, validation, variable
  coercion, unknown operation), 200 once execution started (data present, maybe with errors).
- application/json (legacy; also for Accept */* or no Accept, as the audit expects): 200 for
  every GraphQL response, request errors included.
- Either: 400 for a malformed HTTP request (bad JSON, missing or non-string query, variables not
  an object…), 405 (Allow: POST) for a mutation over GET, 406 for an Accept nothing satisfies,
  413 for a body over MAX_BODY_BYTES, 415 for a POST body that is not JSON, 500 for an internal
  error (masked, with a request id), 503 when the database is down before execution.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from service.api import graphiql, persisted
from service.api.disconnect import (
    CLIENT_CLOSED_REQUEST,
    ClientDisconnected,
    unless_disconnected,
)
from service.api.documents import ParsedDocuments
from service.api.executors import Executor, GraphQLParams, PathResult, StrawberryExecutor
from service.api.failures import classify_failure, is_unexpected, public_error
from service.api.inputs import InputTooLarge, Limits, check_arguments
from service.api.request_ids import REQUEST_ID_HEADER, request_id_of
from service.config import Settings
from service.observability import graphql_operation

logger = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
TEXT_HTML = "text/html"
REQUEST_BODY_TYPES = frozenset({APPLICATION_JSON, GRAPHQL_RESPONSE_JSON})
EXECUTION_PATH_HEADER = "X-Execution-Path"
# Honoured only when path forcing is on (tests, benchmarks; see service.api.compiler): run this
# request on the named path ("strawberry" or "compiled") instead of the default one.
FORCE_PATH_HEADER = "X-Execution-Path-Force"

ContextFactory = Callable[[Request, Settings], Any]
# A document this long (characters) that no cache holds yet is parsed and validated off the
# event loop; shorter ones take well under a millisecond.
LARGE_DOCUMENT_CHARS = 1_000


# ---------------------------------------------------------------- content negotiation


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """2 for an exact match, 1 for type/*, 0 for */*, -1 for no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The Accept header's media ranges; malformed entries are skipped, not fatal."""
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def negotiate(accept: str | None, offers: Iterable[str], *, default: str) -> str | None:
    """Pick the offer the client prefers; None when the client accepts none of them.

    The most specific matching range sets an offer's quality (RFC 9110). On a tie an explicitly
    named type wins, in the server's order of `offers`; offers matched only by a wildcard go to
    `default`, so `*/*` and a missing Accept get application/json, as the graphql-http audit
    expects of servers while legacy clients are still around.
    """
    if accept is None or not accept.strip():
        return default
    ranges = parse_accept(accept)
    best: tuple[tuple[float, int, int, int], str] | None = None
    for index, offer in enumerate(offers):
        matches = [(r.specificity(offer), r.q) for r in ranges if r.specificity(offer) >= 0]
        if not matches:
            continue
        specificity, q = max(matches)
        if q <= 0:
            continue
        key = (q, specificity, specificity < 2 and offer == default, -index)
        if best is None or key > best[0]:
            best = (key, offer)
    return best[1] if best else None


# ---------------------------------------------------------------- request parameters


class RequestError(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request; answered, never executed."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def params_from_mapping(raw: Mapping[str, Any]) -> GraphQLParams:
    """Check the four request parameters' types; any other key is ignored, as the spec allows."""
    query = raw.get("query")
    if query in (None, "") and persisted.requested(raw.get("extensions")):
        query = ""  # its text comes from the store (service.api.persisted)
    elif query is None or query == "":
        raise RequestError(400, "No GraphQL query found in the request.")
    if not isinstance(query, str):
        raise RequestError(400, "The 'query' parameter must be a string.")
    operation_name = raw.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "The 'operationName' parameter must be a string or null.")
    variables = raw.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "The 'variables' parameter must be an object or null.")
    extensions = raw.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "The 'extensions' parameter must be an object or null.")
    return GraphQLParams(query, operation_name or None, variables, extensions)


def params_from_query_string(request: Request) -> GraphQLParams:
    """GET: query and operationName as they are, variables and extensions as JSON text."""
    raw: dict[str, Any] = dict(request.query_params)
    for name in ("variables", "extensions"):
        if raw.get(name):
            try:
                raw[name] = orjson.loads(raw[name])
            except orjson.JSONDecodeError:
                raise RequestError(400, f"The '{name}' parameter is not valid JSON.") from None
        else:
            raw.pop(name, None)
    return params_from_mapping(raw)


async def params_from_body(request: Request, max_body_bytes: int) -> GraphQLParams:
    """POST: a JSON object no larger than MAX_BODY_BYTES, sent as application/json."""
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise RequestError(
            415, "A POST request needs Content-Type: application/json.", "UNSUPPORTED_MEDIA_TYPE"
        )
    media, *params = (part.strip().lower() for part in content_type.split(";"))
    charset = next(
        (p.partition("=")[2].strip('"') for p in params if p.startswith("charset")), None
    )
    if media not in REQUEST_BODY_TYPES or charset not in (None, "utf-8", "utf8"):
        raise RequestError(
            415,
            f"Unsupported Content-Type {content_type!r}; send application/json (UTF-8).",
            "UNSUPPORTED_MEDIA_TYPE",
        )
    body = await read_body(request, max_body_bytes)
    if not body.strip():
        raise RequestError(400, "The request body is empty; send a JSON object with a 'query'.")
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise RequestError(400, f"The request body is not valid JSON: {error}.") from None
    if not isinstance(raw, dict):
        raise RequestError(
            400, "The request body must be a JSON object (batches are not supported)."
        )
    return params_from_mapping(raw)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit` bytes."""
    too_large = RequestError(
        413, f"The request body exceeds the limit of {limit} bytes.", "PAYLOAD_TOO_LARGE"
    )
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RequestError(400, "Invalid Content-Length header.")
        if int(declared) > limit:
            raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- execution


def is_request_error(result: ExecutionResult) -> bool:
    """True when execution never started: parse, validation or variable-coercion errors.

    graphql-core reports those with data None and no error path; field errors always carry one.
    """
    if isinstance(result, PreExecutionError):
        return True
    return (
        result.data is None and bool(result.errors) and all(e.path is None for e in result.errors)
    )


# ---------------------------------------------------------------- error masking


def internal_failure(error: BaseException, request_id: str) -> RequestError:
    """A failure outside GraphQL execution (e.g. building the context), as a masked answer."""
    known = classify_failure(error)
    if known:
        code, message = known
        logger.warning("request %s: %s: %r", request_id, code, error)
        return RequestError(503, message, code)
    logger.error("request %s: unexpected error serving /graphql", request_id, exc_info=error)
    return RequestError(500, "Internal server error", "INTERNAL_SERVER_ERROR")


# ---------------------------------------------------------------- responses


def json_response(
    payload: Mapping[str, Any],
    status: int,
    media_type: str,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = Response(
        orjson.dumps(payload),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers=dict(headers or {}),
    )
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def request_error_response(error: RequestError, media_type: str, request_id: str) -> Response:
    extensions: dict[str, Any] = {"code": error.code}
    if error.status >= 500:
        extensions["requestId"] = request_id
    payload = {"errors": [{"message": error.message, "extensions": extensions}]}
    return json_response(payload, error.status, media_type, request_id, error.headers)


# ---------------------------------------------------------------- the endpoint


class GraphQLEndpoint:
    """Answers GET and POST /graphql; GET from a browser gets GraphiQL when enabled."""

    def __init__(
        self,
        settings: Settings,
        executor: Executor,
        make_context: ContextFactory,
        forceable: Mapping[str, Executor] | None = None,
        schema: Schema | None = None,
    ) -> None:
        self.settings = settings
        self.executor = executor
        self.make_context = make_context
        # executors a request may pick with FORCE_PATH_HEADER (empty: the header is ignored)
        self.forceable = dict(forceable or {})
        self.limits = Limits.from_settings(settings)
        self.persisted = persisted.PersistedQueries()  # Apollo's automatic persisted queries
        self.documents = (
            ParsedDocuments(schema._schema, settings.max_tokens) if schema is not None else None
        )
        # Parsing and validating a large new document takes tens to hundreds of milliseconds of
        # CPU: done on this one thread, it holds neither the event loop (other requests go on
        # between its GIL turns) nor more than one core, whatever the number of such clients.
        self.validator = ThreadPoolExecutor(1, thread_name_prefix="graphql-validate")

    async def handle(self, request: Request) -> Response:
        request_id = request_id_of(request)
        request.state.request_id = request_id  # make_context and the schema's masking use it
        is_get = request.method in ("GET", "HEAD")
        accept = request.headers.get("accept")
        json_types = [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON]
        if is_get and negotiate(accept, [*json_types, TEXT_HTML], default=APPLICATION_JSON) == (
            TEXT_HTML
        ):
            # A browser. With GraphiQL off, a page view gets a plain 404 rather than JSON.
            if self.settings.graphiql:
                return graphiql.page_response(request_id)
            if "query" not in request.query_params:
                return _graphiql_disabled(request_id)
        chosen = negotiate(accept, json_types, default=APPLICATION_JSON)
        if chosen is None:
            error = RequestError(
                406,
                f"Cannot answer with any type in Accept: {accept!r}; accept "
                f"{GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}.",
                "NOT_ACCEPTABLE",
            )
            return request_error_response(error, APPLICATION_JSON, request_id)
        try:
            params, operations = await self._read(request, is_get)
            params = self.persisted.resolve(params)
        except RequestError as error:
            return request_error_response(error, chosen, request_id)
        except persisted.PersistedQueryError as error:
            answer = RequestError(error.status, error.message, error.code)
            return request_error_response(answer, chosen, request_id)
        executor = self.forceable.get(request.headers.get(FORCE_PATH_HEADER, ""), self.executor)
        if self._is_large_and_new(params):
            await asyncio.get_running_loop().run_in_executor(
                self.validator, self._prepare, executor, params
            )
        graphql_operation(request, self.documents, params)  # the metrics' operation label
        try:
            context = self.make_context(request, self.settings)
            if inspect.isawaitable(context):
                context = await context
            work = self._execute(executor, params, context, operations, request.method)
            if self._is_mutation(params):
                result = await work  # a write finishes (or rolls back) whatever the client does
            else:
                result = await unless_disconnected(request.receive, work)
        except ClientDisconnected:
            logger.info("request %s: client disconnected; its query was cancelled", request_id)
            return Response(status_code=CLIENT_CLOSED_REQUEST)
        except RequestError as error:
            return request_error_response(error, chosen, request_id)
        except Exception as error:
            return request_error_response(internal_failure(error, request_id), chosen, request_id)
        except asyncio.CancelledError as error:
            # graphql-core cancels the siblings of a failed field; anything they shared that is
            # not shielded (loaders are: SharedLoader) is cancelled with them, and the next
            # awaiter sees CancelledError although this request was never cancelled. Only a
            # real cancellation propagates.
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            return request_error_response(internal_failure(error, request_id), chosen, request_id)
        if not isinstance(result, PathResult):
            return self._result_response(result, chosen, request_id, executor.name)
        if result.body is not None:
            if len(result.body) > self.settings.max_response_bytes:
                return self._too_large(len(result.body), chosen, request_id, result.path)
            response = Response(result.body, media_type=f"{chosen}; charset=utf-8")
            response.headers[EXECUTION_PATH_HEADER] = result.path
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        assert result.result is not None
        return self._result_response(result.result, chosen, request_id, result.path)

    async def _read(
        self, request: Request, is_get: bool
    ) -> tuple[GraphQLParams, frozenset[OperationType]]:
        """The parameters, and the operation types the method allows (GET: queries only)."""
        if is_get:
            return params_from_query_string(request), frozenset({OperationType.QUERY})
        params = await params_from_body(request, self.settings.max_body_bytes)
        return params, frozenset({OperationType.QUERY, OperationType.MUTATION})

    async def _execute(
        self,
        executor: Executor,
        params: GraphQLParams,
        context: Any,
        operations: frozenset[OperationType],
        method: str,
    ) -> ExecutionResult | PathResult:
        """Run the operation; the executor's refusals become HTTP answers or request errors."""
        refused = self._check_inputs(params)
        if refused is not None:
            return refused
        try:
            return await executor.execute(params, context, operations)
        except InvalidOperationTypeError as error:
            if error.operation_type == OperationType.MUTATION and method != "POST":
                raise RequestError(
                    405,
                    "Mutations are not allowed over GET; send them with POST.",
                    "METHOD_NOT_ALLOWED",
                    {"Allow": "POST"},
                ) from None
            raise RequestError(
                400, error.as_http_error_reason(method), "OPERATION_NOT_SUPPORTED"
            ) from None
        except CannotGetOperationTypeError as error:
            return PreExecutionError(data=None, errors=[GraphQLError(error.as_http_error_reason())])
        except MissingQueryError:
            raise RequestError(400, "No GraphQL query found in the request.") from None

    def _is_large_and_new(self, params: GraphQLParams) -> bool:
        return (
            self.documents is not None
            and len(params.query) >= LARGE_DOCUMENT_CHARS
            and params.query not in self.documents.cache
        )

    def _prepare(self, executor: Executor, params: GraphQLParams) -> None:
        """On the validator thread: fill the caches the request will read on the loop."""
        assert self.documents is not None
        self.documents.operation_sites(params.query, params.operation_name)
        executor.prepare(params)

    def _is_mutation(self, params: GraphQLParams) -> bool:
        """Whether the operation writes; reads are cancelled when their client leaves."""
        if self.documents is None:
            return True  # unknown: never cancel
        found = self.documents.operation_sites(params.query, params.operation_name)
        return found is not None and found[0].operation.value == "mutation"

    def _check_inputs(self, params: GraphQLParams) -> PreExecutionError | None:
        """Text arguments over their limits (service.api.inputs), refused before any path runs."""
        if self.documents is None:
            return None
        found = self.documents.operation_sites(params.query, params.operation_name)
        if found is None:
            return None  # does not parse, or no such operation: the executor reports it
        operation, sites = found
        try:
            check_arguments(sites, operation, params.variables, self.limits)
        except InputTooLarge as error:
            return PreExecutionError(data=None, errors=[error])
        return None

    def _result_response(
        self, result: ExecutionResult, media_type: str, request_id: str, path: str
    ) -> Response:
        request_error = is_request_error(result)
        raw_errors = result.errors or []
        errors = [public_error(e, request_id) for e in raw_errors]
        payload: dict[str, Any] = {} if request_error else {"data": result.data}
        if errors:
            payload["errors"] = errors
        if result.extensions:
            payload["extensions"] = result.extensions
        internal = {
            shown["extensions"]["code"]
            for raw, shown in zip(raw_errors, errors, strict=True)
            if is_unexpected(raw)
        }
        if request_error and internal:
            status = 503 if internal == {"DATABASE_UNAVAILABLE"} else 500
        elif request_error and media_type == GRAPHQL_RESPONSE_JSON:
            status = 400
        else:
            status = 200
        headers = {EXECUTION_PATH_HEADER: path}
        response = json_response(payload, status, media_type, request_id, headers)
        if len(response.body) > self.settings.max_response_bytes:
            return self._too_large(len(response.body), media_type, request_id, path)
        return response

    def _too_large(self, size: int, media_type: str, request_id: str, path: str) -> Response:
        """A response over MAX_RESPONSE_BYTES is replaced by an error saying so (HTTP 200:
        the operation ran; its data is withheld, as for an error at the root)."""
        limit = self.settings.max_response_bytes
        logger.warning("request %s: response of %d bytes withheld (limit %d)", request_id,
                       size, limit)  # fmt: skip
        error = {
            "message": f"The response would be {size} bytes, over the limit of {limit} "
            "(MAX_RESPONSE_BYTES); ask for fewer fields or smaller pages.",
            "extensions": {"code": "RESPONSE_TOO_LARGE", "size": size, "limit": limit},
        }
        headers = {EXECUTION_PATH_HEADER: path}
        return json_response({"data": None, "errors": [error]}, 200, media_type, request_id,
                             headers)  # fmt: skip


def _graphiql_disabled(request_id: str) -> Response:
    response = Response(
        "GraphiQL is disabled on this server (GRAPHIQL=false). Send GraphQL requests with "
        f"Accept: {GRAPHQL_RESPONSE_JSON}.\n",
        status_code=404,
        media_type="text/plain",
    )
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def graphql_routes(
    settings: Settings,
    *,
    schema: Schema | None = None,
    make_context: ContextFactory | None = None,
) -> list[BaseRoute]:
    """/graphql (GET, POST) and, with GraphiQL enabled, its offline assets.

    `schema` and `make_context` default to the API's; passing them is for tools and benchmarks
    that serve another schema through the same HTTP layer.
    """
    from service.api.compiler import CompiledExecutor

    api = schema is None and make_context is None  # the compiler knows only the API's schema
    if schema is None:
        from service.api.schema import build_schema

        schema = build_schema(settings)
    if make_context is None:
        from service.api.context import make_context as api_context

        make_context = api_context
    reference = StrawberryExecutor(schema)
    executor: Executor = reference
    if api and settings.graphql_compiled:
        executor = CompiledExecutor(
            schema, settings, reference, shadow=settings.graphql_path_shadow
        )
    forceable: dict[str, Executor] = {}
    if settings.graphql_path_force:
        forceable = {reference.name: reference, executor.name: executor}
    endpoint = GraphQLEndpoint(settings, executor, make_context, forceable, schema)
    routes: list[BaseRoute] = [Route("/graphql", endpoint.handle, methods=["GET", "POST"])]
    if api:  # the WebSocket side: subscriptions (graphql-transport-ws)
        from service.api.subscriptions import subscription_routes

        routes.extend(subscription_routes(settings, schema))
    if settings.graphiql:
        routes.extend(graphiql.asset_routes())
    return routes

"""GraphQL over HTTP at /graphql, over real HTTP: negotiation, status codes, limits, masking.

Most tests use the shared live server. A locked-down server (no introspection, no GraphiQL,
a 1 KiB body limit) checks the switches, and a small server with a deliberately failing schema,
served by the same endpoint under uvicorn, checks that internal errors are masked.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request

from service.api import graphiql
from service.api.endpoint import graphql_routes
from service.config import Settings

GQL_JSON = "application/graphql-response+json"
JSON = "application/json"
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)
TYPENAME = {"query": "{ __typename }"}


def post(
    base: str,
    body: Any = None,
    *,
    accept: str | None = GQL_JSON,
    content: bytes | str | None = None,
    content_type: str | None = JSON,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST /graphql with exactly the headers given (httpx adds no Accept of its own here)."""
    all_headers = dict(headers or {})
    if accept is not None:
        all_headers["Accept"] = accept
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    if content is None and body is not None:
        content = orjson.dumps(body)
    with httpx.Client(base_url=base, timeout=30) as client:
        request = client.build_request("POST", "/graphql", content=content, headers=all_headers)
        if accept is None:
            request.headers.pop("Accept", None)
        return client.send(request)


def get(
    base: str, path: str = "/graphql", *, accept: str | None = GQL_JSON, **params: str
) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30) as client:
        request = client.build_request("GET", path, params=params or None)
        request.headers.pop("Accept", None)
        if accept is not None:
            request.headers["Accept"] = accept
        return client.send(request)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def assert_graphql_errors(response: httpx.Response) -> list[dict[str, Any]]:
    """A GraphQL-shaped error body: {"errors": [{"message": ...}, ...]}, no traceback."""
    assert "Traceback" not in response.text and 'File "' not in response.text
    body = response.json()
    assert isinstance(body.get("errors"), list) and body["errors"], body
    assert all(isinstance(e.get("message"), str) and e["message"] for e in body["errors"]), body
    return body["errors"]


@pytest.fixture(scope="module")
def base(live_server: Any) -> str:
    return live_server.url


# ---------------------------------------------------------------- negotiation


def test_graphql_response_json_is_answered_in_kind(base: str) -> None:
    response = post(base, TYPENAME, accept=GQL_JSON)
    assert response.status_code == 200
    assert media_type(response) == GQL_JSON
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["x-execution-path"] == "strawberry"
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("accept", [JSON, "*/*", "application/*", None, ""])
def test_legacy_json_for_json_wildcards_or_no_accept(base: str, accept: str | None) -> None:
    response = post(base, TYPENAME, accept=accept)
    assert response.status_code == 200
    assert media_type(response) == JSON
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (f"{GQL_JSON}, {JSON};q=0.9", GQL_JSON),
        (f"{JSON}, {GQL_JSON}", GQL_JSON),
        (f"{JSON}, {GQL_JSON};q=0.5", JSON),
        (f"{JSON}, */*", JSON),
        (f"text/html;q=0.9, {GQL_JSON}", GQL_JSON),
        (f"{GQL_JSON};q=0, */*", JSON),
    ],
)
def test_quality_values_decide(base: str, accept: str, expected: str) -> None:
    response = post(base, TYPENAME, accept=accept)
    assert response.status_code == 200
    assert media_type(response) == expected


@pytest.mark.parametrize("accept", ["text/csv", "application/xml", "text/html", f"{JSON};q=0"])
def test_unsatisfiable_accept_is_406(base: str, accept: str) -> None:
    response = post(base, TYPENAME, accept=accept)
    assert response.status_code == 406
    assert assert_graphql_errors(response)[0]["extensions"]["code"] == "NOT_ACCEPTABLE"


# ---------------------------------------------------------------- GraphQL request errors


REQUEST_ERRORS = {
    "parse": {"query": "{"},
    "validation": {"query": "{ noSuchField }"},
    "variable coercion": {"query": "query Q($id: ID!) { __typename }", "variables": {"id": None}},
    "unknown operation": {"query": "query A { __typename }", "operationName": "B"},
}


@pytest.mark.parametrize("case", REQUEST_ERRORS)
def test_request_errors_are_400_without_data_for_graphql_response_json(
    base: str, case: str
) -> None:
    response = post(base, REQUEST_ERRORS[case], accept=GQL_JSON)
    assert response.status_code == 400
    assert media_type(response) == GQL_JSON
    assert_graphql_errors(response)
    assert "data" not in response.json()
    assert response.headers["x-execution-path"] == "strawberry"


@pytest.mark.parametrize("case", REQUEST_ERRORS)
def test_request_errors_are_200_for_legacy_json(base: str, case: str) -> None:
    response = post(base, REQUEST_ERRORS[case], accept=JSON)
    assert response.status_code == 200
    assert media_type(response) == JSON
    assert_graphql_errors(response)
    assert "data" not in response.json()


def test_execution_errors_keep_200_with_data(base: str) -> None:
    # The contract: a negative page size is an error, raised while executing the field.
    response = post(base, {"query": "{ statements(first: -1) { totalCount } }"}, accept=GQL_JSON)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    errors = assert_graphql_errors(response)
    assert errors[0]["path"] == ["statements"]


def test_variables_and_operation_name_are_honoured(base: str) -> None:
    document = "query A { __typename } query B($n: Int) { statements(first: $n) { totalCount } }"
    response = post(
        base, {"query": document, "operationName": "B", "variables": {"n": 1}, "extensions": {}}
    )
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["data"]["statements"]["totalCount"], int)


# ---------------------------------------------------------------- GET


def test_get_runs_queries(base: str) -> None:
    response = get(base, query="{ __typename }")
    assert response.status_code == 200
    assert media_type(response) == GQL_JSON
    assert response.json() == {"data": {"__typename": "Query"}}


def test_get_takes_json_variables(base: str) -> None:
    response = get(
        base,
        query="query Q($n: Int) { statements(first: $n) { totalCount } }",
        variables='{"n": 1}',
        operationName="Q",
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


def test_get_with_bad_variables_json_is_400(base: str) -> None:
    response = get(base, query="{ __typename }", variables="{not json")
    assert response.status_code == 400
    assert_graphql_errors(response)


@pytest.mark.parametrize("accept", [GQL_JSON, JSON])
def test_get_refuses_mutations_with_405(base: str, accept: str) -> None:
    response = get(base, accept=accept, query="mutation { __typename }")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert assert_graphql_errors(response)[0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_get_without_query_is_400_json_not_html(base: str) -> None:
    response = get(base, accept=None)
    assert response.status_code == 400
    assert media_type(response) == JSON
    assert_graphql_errors(response)


def test_other_methods_are_405(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        response = client.put("/graphql", json=TYPENAME)
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


# ---------------------------------------------------------------- malformed requests


@pytest.mark.parametrize("accept", [GQL_JSON, JSON])
def test_malformed_json_is_400(base: str, accept: str) -> None:
    response = post(base, content=b'{ "not a JSON', accept=accept)
    assert response.status_code == 400
    assert media_type(response) == accept
    assert assert_graphql_errors(response)[0]["extensions"]["code"] == "BAD_REQUEST"


def test_invalid_utf8_is_400(base: str) -> None:
    response = post(base, content=b'{"query": "{ __typename \xff }"}')
    assert response.status_code == 400
    assert_graphql_errors(response)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": None},
        {"query": ""},
        {"qeury": "{ __typename }"},
        {"query": 1},
        {"query": False},
        {"query": {"obj": "ect"}},
        {"query": ["array"]},
        {"query": "{ __typename }", "operationName": 0},
        {"query": "{ __typename }", "operationName": ["A"]},
        {"query": "{ __typename }", "variables": "string"},
        {"query": "{ __typename }", "variables": ["array"]},
        {"query": "{ __typename }", "variables": 0},
        {"query": "{ __typename }", "extensions": "string"},
        [{"query": "{ __typename }"}],
        "{ __typename }",
    ],
    ids=repr,
)
@pytest.mark.parametrize("accept", [GQL_JSON, JSON])
def test_invalid_parameters_are_400(base: str, body: Any, accept: str) -> None:
    response = post(base, body, accept=accept)
    assert response.status_code == 400, response.text
    assert_graphql_errors(response)


def test_empty_body_is_400(base: str) -> None:
    response = post(base, content=b"")
    assert response.status_code == 400
    assert_graphql_errors(response)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/graphql",
        "application/json; charset=latin-1",
    ],
)
def test_unsupported_media_type_is_415(base: str, content_type: str | None) -> None:
    response = post(base, content=b'{"query": "{ __typename }"}', content_type=content_type)
    assert response.status_code == 415
    assert assert_graphql_errors(response)[0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize("content_type", [f"{JSON}; charset=utf-8", f"{JSON};charset=UTF-8"])
def test_json_with_utf8_charset_is_accepted(base: str, content_type: str) -> None:
    response = post(base, TYPENAME, content_type=content_type)
    assert response.status_code == 200


def test_no_response_leaks_a_traceback(base: str) -> None:
    bad = [
        post(base, content=b"\x00\x01"),
        post(base, {"query": "{" * 50}),
        post(base, {"query": "query ($a: Date!) { __typename }", "variables": {"a": "nope"}}),
        get(base, query="{ __typename }", extensions="[1]"),
    ]
    for response in bad:
        assert 400 <= response.status_code < 500, response.text
        assert_graphql_errors(response)


# ---------------------------------------------------------------- request ids


def test_request_ids_are_unique_and_client_ids_echoed(base: str) -> None:
    first = post(base, TYPENAME).headers["x-request-id"]
    second = post(base, TYPENAME).headers["x-request-id"]
    assert first != second
    echoed = post(base, TYPENAME, headers={"X-Request-ID": "trace-123.abc"})
    assert echoed.headers["x-request-id"] == "trace-123.abc"
    hostile = post(base, TYPENAME, headers={"X-Request-ID": "x" * 200})
    assert hostile.headers["x-request-id"] != "x" * 200


# ---------------------------------------------------------------- GraphiQL


def test_browsers_get_graphiql(base: str) -> None:
    response = get(base, accept=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    page = response.text
    assert "graphiql.min.js" in page and "react-dom.production.min.js" in page
    assert "Nazarbayev" in page and "Afghanistan" in page
    assert "unpkg" not in page and "jsdelivr" not in page and "https://" not in page
    csp = response.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp


def test_graphiql_assets_are_served_from_an_allow_list(base: str) -> None:
    page = get(base, accept=BROWSER_ACCEPT).text
    expected = {
        "graphiql.min.js": "text/javascript",
        "graphiql.min.css": "text/css",
        "react.production.min.js": "text/javascript",
        "react-dom.production.min.js": "text/javascript",
    }
    for name, kind in expected.items():
        url = graphiql.asset_url(name)
        assert url in page.replace("&amp;", "&")
        response = get(base, url, accept=None)
        assert response.status_code == 200, name
        assert media_type(response) == kind
        assert "immutable" in response.headers["cache-control"]
        assert len(response.content) > 1000
    for path in [
        "/graphiql/assets/package.json",
        "/graphiql/assets/graphiql.min.js.map",
        "/graphiql/assets/..%2Fpackage.json",
        "/graphiql/assets/%2E%2E%2F%2E%2E%2Fendpoint.py",
    ]:
        assert get(base, path, accept=None).status_code == 404, path


def test_graphiql_without_node_modules_tells_the_operator(tmp_path: Path) -> None:
    response = graphiql.page_response("r1", node_modules=tmp_path)
    assert response.status_code == 503
    assert b"make install" in response.body and b"npm ci" in response.body


# ---------------------------------------------------------------- switches


@pytest.fixture(scope="module")
def locked_down(make_module_live_server: Callable[..., Any]) -> str:
    server = make_module_live_server(introspection=False, graphiql=False, max_body_bytes=1024)
    return server.url


def test_introspection_can_be_disabled(base: str, locked_down: str) -> None:
    query = {"query": "{ __schema { queryType { name } } }"}
    assert post(base, query).status_code == 200
    refused = post(locked_down, query)
    assert refused.status_code == 400
    assert_graphql_errors(refused)
    assert post(locked_down, TYPENAME).json() == {"data": {"__typename": "Query"}}


def test_graphiql_can_be_disabled(locked_down: str) -> None:
    response = get(locked_down, accept=BROWSER_ACCEPT)
    assert response.status_code == 404
    assert media_type(response) != "text/html"
    assert get(locked_down, graphiql.asset_url("graphiql.min.js"), accept=None).status_code == 404
    assert get(locked_down, query="{ __typename }").status_code == 200


def test_body_over_the_limit_is_413(locked_down: str) -> None:
    big = {"query": "{ __typename }", "variables": {"pad": "x" * 4000}}
    assert post(locked_down, big).status_code == 413

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'"}}'

    with httpx.Client(base_url=locked_down, timeout=30) as client:
        response = client.post("/graphql", content=chunks(), headers={"Content-Type": JSON})
    assert response.status_code == 413
    assert post(locked_down, TYPENAME).status_code == 200


# ---------------------------------------------------------------- masking


SECRET = "s3cret-internal-detail"


@strawberry.type
class CrashQuery:
    @strawberry.field
    def ok(self) -> str:
        return "fine"

    @strawberry.field
    def boom(self) -> str | None:
        raise KeyError(SECRET)

    @strawberry.field
    def database(self) -> str | None:
        raise ConnectionRefusedError(111, f"Connect call failed {SECRET}")


def crash_context(request: Request, settings: Settings) -> dict[str, Any]:
    failure = request.headers.get("x-fail-context")
    if failure == "internal":
        raise RuntimeError(SECRET)
    if failure == "database":
        raise OSError(f"connection refused {SECRET}")
    return {"request": request}


class CrashServer:
    """The real endpoint with a schema whose resolvers fail on purpose, under uvicorn."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        settings = Settings(port=port, graphiql=False)
        routes = graphql_routes(
            settings, schema=strawberry.Schema(query=CrashQuery), make_context=crash_context
        )
        config = uvicorn.Config(Starlette(routes=routes), port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> CrashServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def crash() -> Iterator[str]:
    with CrashServer() as server:
        yield server.url


def test_unexpected_errors_are_masked_and_logged(
    crash: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = post(crash, {"query": "{ ok boom }"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"ok": "fine", "boom": None}
    (error,) = assert_graphql_errors(response)
    assert error["message"] == "Internal server error"
    assert error["path"] == ["boom"]
    request_id = response.headers["x-request-id"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert SECRET not in response.text and "KeyError" not in response.text
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None, "traceback must be logged server-side"


def test_database_failures_are_named_not_leaked(crash: str) -> None:
    response = post(crash, {"query": "{ ok database }"})
    assert response.status_code == 200
    (error,) = assert_graphql_errors(response)
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert SECRET not in response.text


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [("internal", 500, "INTERNAL_SERVER_ERROR"), ("database", 503, "DATABASE_UNAVAILABLE")],
)
@pytest.mark.parametrize("accept", [GQL_JSON, JSON])
def test_failures_before_execution_are_masked(
    crash: str, failure: str, status: int, code: str, accept: str
) -> None:
    response = post(crash, TYPENAME, accept=accept, headers={"X-Fail-Context": failure})
    assert response.status_code == status
    assert media_type(response) == accept
    (error,) = assert_graphql_errors(response)
    assert error["extensions"] == {"code": code, "requestId": response.headers["x-request-id"]}
    assert SECRET not in response.text


async def test_database_outage_is_a_clear_error_then_recovers(
    make_live_server: Callable[..., Any], server_url: str
) -> None:
    server = make_live_server()
    name = server.settings.database_url.rsplit("/", 1)[1]
    query = {"query": "{ statements(first: 1) { totalCount } }"}
    assert post(server.url, query).status_code == 200

    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        response = post(server.url, query)
        assert response.status_code in (200, 503), response.text
        errors = assert_graphql_errors(response)
        assert errors[0]["extensions"]["code"] == "DATABASE_UNAVAILABLE", errors
        assert errors[0]["extensions"].get("requestId") in (None, response.headers["x-request-id"])
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
    recovered = post(server.url, query)
    assert recovered.status_code == 200, recovered.text
    assert "errors" not in recovered.json()

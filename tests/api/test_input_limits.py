"""Bad text input is refused with BAD_USER_INPUT naming the limit, never "Internal server error".

Over HTTP on both read paths. Each case used to be answered with an internal error, or with
seconds of database work (a 1 MB name went to the fuzzy pg_trgm look-up).
"""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import pytest
from api_support import PATHS, server_for

from service.config import Settings

SETTINGS = Settings()
STATEMENTS = "query($f: StatementFilter) { statements(filter: $f) { totalCount } }"
SEARCH = "query($q: String!) { search(query: $q) { totalCount } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
PERSON = "query($n: String!) { person(name: $n) { id } }"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    "NUL in a name": (STATEMENTS, {"f": {"speaker": "Put\x00in"}}, "NUL"),
    "NUL in a text filter": (STATEMENTS, {"f": {"text": "energy\x00"}}, "NUL"),
    "NUL in the search text": (SEARCH, {"q": "energy \x00 security"}, "NUL"),
    "NUL in a literal": ('{ person(name: "Pu\\u0000tin") { id } }', {}, "NUL"),
    "very long search text": (SEARCH, {"q": "energy " * 20_000}, "MAX_SEARCH_CHARS"),
    "100,000-character text filter": (STATEMENTS, {"f": {"text": "x" * 100_000}}, "MAX_SEARCH"),
    "1 MB name": (PERSON, {"n": "a" * 1_000_000}, "MAX_NAME_CHARS"),
    "long speaker in a literal": (
        '{ statements(filter: {speaker: "%s"}) { totalCount } }' % ("b" * 5000),
        {},
        "MAX_NAME_CHARS",
    ),
    "id beyond 64 bits": (NODE, {"id": b64("Person:99999999999999999999999")}, "not a valid id"),
    "id with non-ASCII digits": (NODE, {"id": b64("Person:١٢")}, "not a valid id"),
    "1 MB alias": ("{ %s: topics { totalCount } }" % ("a" * 1_000_000), {}, "limit is 256"),
}


@pytest.fixture(scope="module", params=PATHS)
def url(
    request: pytest.FixtureRequest,
    seeded: Any,
    make_module_live_server: Any,
    database_url: str,
    live_server: Any,
) -> str:
    return server_for(request.param, make_module_live_server, database_url, live_server).url


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_text_input_is_bad_user_input(url: str, case: str) -> None:
    query, variables, says = CASES[case]
    started = time.monotonic()
    response = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 200, response.text[:500]
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], errors
    assert says in errors[0]["message"]
    assert len(response.content) < 2000  # the input is not echoed back


def test_limits_leave_ordinary_input_alone(url: str) -> None:
    name = "N" * SETTINGS.max_name_chars  # at the limit: looked up, found nobody
    response = httpx.post(
        f"{url}/graphql", json={"query": PERSON, "variables": {"n": name}}, timeout=60
    )
    body = response.json()
    assert body["data"] == {"person": None} and "errors" not in body
    (note,) = body["extensions"]["names"]  # said to be unknown, not refused
    assert note["resolution"] == "UNKNOWN"
    response = httpx.post(
        f"{url}/graphql",
        json={"query": SEARCH, "variables": {"q": "energy security"}},
        timeout=60,
    )
    assert response.json()["data"]["search"]["totalCount"] > 0

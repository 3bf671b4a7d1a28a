"""The compiled path answers exactly as the reference (Strawberry) path does.

One live server on the sample corpus (20 transcripts, one person merged into another) honours
X-Execution-Path-Force, so every query here runs on both paths of the same server; the parsed
JSON must be identical: same keys in the same order, same types (10.0 is not 10), same values,
same errors, same status. Queries: the three benchmark queries, hand-written cases for each
GraphQL feature, and COMPILER_DIFF_QUERIES (default 600) generated ones (seed
COMPILER_DIFF_SEED).

Every other API test of the run is differential too: importing this module turns on
GRAPHQL_PATH_SHADOW for the servers the run starts, which answers any compiled response that
differs from the reference as a PATH_MISMATCH error, failing that test.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from compiler_queries import VOCABULARY_QUERY, Generator, vocabulary
from live_server import ADMIN_TOKEN, LiveServer

from service.api.compiler.compare import first_difference
from service.api.schema import schema as api_schema

os.environ.setdefault("GRAPHQL_PATH_SHADOW", "1")  # for conftest.test_settings: every server

BENCH_QUERIES = Path(__file__).resolve().parents[2] / "bench" / "queries" / "service"
GENERATED = int(os.environ.get("COMPILER_DIFF_QUERIES", "600"))
SEED = int(os.environ.get("COMPILER_DIFF_SEED", "20061204"))
TIMEOUT_MS = 3000  # the module's server: short, for the timeout test; ample for the rest


class Paths:
    """POST one query to both paths of the server and compare the answers."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=60)
        self.reference_retries = 0

    def post(self, query: str, variables: dict[str, Any], force: str | None) -> httpx.Response:
        headers = {"X-Execution-Path-Force": force} if force else {}
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    def compare(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[str, str | None]:
        """(path that served the default request, difference or None).

        A request the compiler declined ran on the reference path twice: the two answers are
        compared on what the reference itself reproduces (see ``_reference_outcome``), and a
        500 from the reference (a cancelled DataLoader future) is retried.
        """
        variables = variables or {}
        for _ in range(3):
            path, difference = self._compare_once(query, variables)
            if difference is None or path == "compiled":
                break
            self.reference_retries += 1
        return path, difference

    def _compare_once(self, query: str, variables: dict[str, Any]) -> tuple[str, str | None]:
        compiled = self.post(query, variables, None)
        reference = self.post(query, variables, "strawberry")
        path = compiled.headers.get("x-execution-path", "none")
        if compiled.status_code != reference.status_code:
            return path, f"status {compiled.status_code} vs {reference.status_code}"
        if compiled.status_code >= 500:
            return path, None
        ours, theirs = orjson.loads(compiled.content), reference.json()
        if path != "compiled":
            ours, theirs = _reference_outcome(ours), _reference_outcome(theirs)
        return path, first_difference(ours, theirs)


def _reference_outcome(body: dict[str, Any]) -> dict[str, Any]:
    """What two runs of the reference path must agree on: the data and which errors occurred.

    When several items of a list fail, which of them reports first (and whether the others
    still report before null propagation cancels them) depends on timing: paths and counts
    vary between runs of the same request.
    """
    errors = {
        orjson.dumps([e.get("message"), e.get("extensions")], option=orjson.OPT_SORT_KEYS)
        for e in body.get("errors", [])
    }
    return {"data": body.get("data"), "errors": sorted(errors)}


@pytest.fixture(scope="module")
def server(
    make_database: Callable[[], str], make_module_live_server: Callable[..., LiveServer]
) -> LiveServer:
    return make_module_live_server(
        make_database(),
        load_sample=True,
        statement_timeout_ms=TIMEOUT_MS,
        graphql_path_force=True,
        graphql_path_shadow=False,  # this module compares itself
    )


@pytest.fixture(scope="module")
def paths(server: LiveServer) -> Iterator[Paths]:
    p = Paths(server.url)
    yield p
    p.client.close()


@pytest.fixture(scope="module")
def merged_person(paths: Paths) -> str:
    """Merge one person into another: the merged id must keep resolving on both paths."""
    body = paths.post("{ persons(first: 100) { nodes { id } } }", {}, "strawberry").json()
    keep, merge = body["data"]["persons"]["nodes"][-2:]
    response = paths.client.post(
        "/graphql",
        json={
            "query": "mutation($k: ID!, $m: ID!) { mergePersons(keepId: $k, mergeId: $m)"
            " { errors { code } } }",
            "variables": {"k": keep["id"], "m": merge["id"]},
        },
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.json()["data"]["mergePersons"]["errors"] == []
    return merge["id"]


def assert_same(paths: Paths, query: str, variables: dict[str, Any] | None = None,
                expected_path: str | None = "compiled") -> None:  # fmt: skip
    path, difference = paths.compare(query, variables)
    assert difference is None, f"{difference}\n{query}\n{variables}"
    if expected_path:
        assert path == expected_path, query


# ---------------------------------------------------------------- the benchmark queries


@pytest.mark.parametrize("name", ["mission", "events", "search"])
def test_benchmark_queries_are_compiled_and_agree(paths: Paths, name: str) -> None:
    assert_same(paths, (BENCH_QUERIES / f"{name}.graphql").read_text())


# ---------------------------------------------------------------- GraphQL features, one by one

STATEMENT = "id sequence kind speakerLabel spokenOn sourceSpan { start end }"
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "aliases and merged fields": (
        "{ a: statements(first: 2) { nodes { id t: text } }"
        "  statements(first: 3) { nodes { id } nodes { text id } } }",
        {},
    ),
    "fragments": (
        "query { statements(first: 3) { ...Page } }"
        " fragment Page on StatementConnection { totalCount nodes { ...S ... on Statement { kind }"
        " ... { speaker { ...N } } } }"
        " fragment S on Statement { id text } fragment N on Node { id }",
        {},
    ),
    "typename everywhere": (
        "{ __typename statements(first: 2) { __typename edges { __typename node { __typename"
        " sourceSpan { __typename start } } } pageInfo { __typename hasNextPage } } }",
        {},
    ),
    "variables and defaults": (
        "query($first: Int = 3, $order: StatementOrder = DATE_ASC, $kinds: [StatementKind!])"
        " { statements(first: $first, orderBy: $order, filter: {kinds: $kinds})"
        " { nodes { id kind } } }",
        {"kinds": ["ANSWER", "QUESTION"]},
    ),
    "include and skip": (
        "query($yes: Boolean!, $no: Boolean = false) { statements(first: 2) {"
        " nodes { id text @include(if: $no) kind @skip(if: $yes)"
        " ... @include(if: $yes) { sequence } } } }",
        {"yes": True},
    ),
    "custom scalars and floats": (
        "{ documents(first: 3) { nodes { id sha256 ingestedAt format title } }"
        "  figures(first: 50, orderBy: VALUE_DESC) { nodes { id value high unit kind qualifier"
        " counted context sourceSpan { start end } } } }",
        {},
    ),
    "cursors forwards": (
        '{ statements(first: 4, after: "Y3Vyc29yOjI=") { totalCount edges { cursor node { id } }'
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        {},
    ),
    "cursors backwards from the end": (
        "{ events(last: 3) { totalCount edges { cursor node { id title } }"
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        {},
    ),
    "last before": (
        '{ statements(last: 2, before: "Y3Vyc29yOjU=") { edges { cursor }'
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        {},
    ),
    "first zero": ("{ topics(first: 0) { totalCount nodes { id } pageInfo { hasNextPage } } }", {}),
    "first over the cap": ("{ statements(first: 500) { totalCount nodes { id } } }", {}),
    "unknown name: empty page": (
        '{ statements(filter: {speaker: "Nobody Inparticular"}, after: "Y3Vyc29yOjI=")'
        " { totalCount pageInfo { hasPreviousPage hasNextPage startCursor } nodes { id } } }",
        {},
    ),
    "mission by name": (
        '{ statements(filter: {speaker: "Nazarbaev", topic: "afghanistan"}) { totalCount'
        " nodes { " + STATEMENT + " speaker { id name aliases titles statementCount }"
        " event { id title kind date time location } topics { id slug name kind statementCount }"
        " organisations { id slug name acronym kind aliases } figures { value high }"
        " inReplyTo { id } replies { id } } } }",
        {},
    ),
    "events with everything": (
        "{ events(first: 5, orderBy: DATE_ASC) { nodes { id title organisations { name }"
        " participants { role label title person { name } affiliation { name } }"
        " document { id filename sourceUrl publisher format title ingestedAt events { id } }"
        " statements(first: 3) { totalCount edges { cursor node { id } } } } } }",
        {},
    ),
    "nested connections": (
        "{ persons(first: 5) { nodes { name statements(first: 2, orderBy: DATE_ASC) { totalCount"
        " nodes { id } } events(first: 2) { totalCount nodes { title } } } }"
        "  organisations(first: 5) { nodes { name events(last: 1) { nodes { id } }"
        " statements(first: 2) { totalCount } } }"
        "  topics(first: 5) { nodes { slug statements(first: 2, filter: {kinds: [ANSWER]})"
        " { totalCount nodes { id } } } } }",
        {},
    ),
    "search": (
        '{ search(query: "security", first: 5, after: "Y3Vyc29yOjE=") { totalCount'
        " edges { cursor node { rank highlight statement { id text } } }"
        " pageInfo { hasNextPage } } }",
        {},
    ),
    "blank search": ('{ search(query: "  ") { totalCount nodes { rank } } }', {}),
    "statement counts": (
        "{ a: statementCounts(groupBy: SPEAKER) { key label count }"
        '  b: statementCounts(groupBy: MONTH, filter: {topic: "Afghanistan"}) { count key label }'
        "  c: statementCounts(groupBy: TOPIC) { key count }"
        "  d: statementCounts(groupBy: EVENT) { key }"
        "  e: statementCounts(groupBy: ORGANISATION) { key }"
        "  f: statementCounts(groupBy: YEAR) { key } }",
        {},
    ),
    "figures filtered": (
        '{ figures(filter: {unit: "usd", minValue: 1000}, orderBy: VALUE_ASC) { totalCount'
        " nodes { value statement { id } speaker { name } } } }",
        {},
    ),
    "person and organisation by name": (
        '{ person(name: "nazarbaev") { id name } organisation(name: "nato") { id name }'
        '  nobody: person(name: "Nobody Inparticular") { id } }',
        {},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_feature(paths: Paths, case: str) -> None:
    query, variables = CASES[case]
    assert_same(paths, query, variables)


def test_node_of_every_type_and_of_a_merged_person(paths: Paths, merged_person: str) -> None:
    ids = paths.post(
        "{ statements(first: 1) { nodes { id event { id document { id } } topics { id }"
        " figures { id } speaker { id } organisations { id } } }"
        " figures(first: 1) { nodes { id } } }",
        {},
        "strawberry",
    ).json()["data"]
    s = ids["statements"]["nodes"][0]
    found = [s["id"], s["event"]["id"], s["event"]["document"]["id"], s["speaker"]["id"],
             ids["figures"]["nodes"][0]["id"], *[t["id"] for t in s["topics"]][:1],
             *[o["id"] for o in s["organisations"]][:1], merged_person]  # fmt: skip
    query = (
        "query($id: ID!) { node(id: $id) { __typename id ... on Person { name aliases }"
        " ... on Statement { text } ... on Figure { value }"
        " ... on SourceDocument { ingestedAt } } }"
    )
    for node_id in found:
        assert_same(paths, query, {"id": node_id})


async def test_a_statement_timeout_is_the_reference_error(server: LiveServer, paths: Paths) -> None:
    """A statement cancelled at statement_timeout: TIMEOUT at the root field on both paths."""
    locker = await asyncpg.connect(server.settings.database_url)
    transaction = locker.transaction()
    await transaction.start()
    await locker.execute("LOCK TABLE statement IN ACCESS EXCLUSIVE MODE")
    try:
        query = "{ statements(first: 2) { nodes { id } } }"
        path, difference = paths.compare(query)
        body = paths.post(query, {}, None).json()
    finally:
        await transaction.rollback()
        await locker.close()
    assert (path, difference) == ("compiled", None)
    assert body["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["statements"], "TIMEOUT")
    ]


# ---------------------------------------------------------------- what the compiler declines

DECLINED = {
    "mutation": ('mutation { addPersonAlias(personId: "x", alias: "y") { errors { code } } }', {}),
    "introspection": ("{ __schema { queryType { name } } }", {}),
    "only typename": ("{ __typename }", {}),
    "parse error": ("{ statements(", {}),
    "validation error": ("{ statements { nodes { nope } } }", {}),
    "variable error": ("query($n: Int!) { statements(first: $n) { totalCount } }", {"n": "x"}),
    "negative first": ("{ statements(first: -1) { totalCount } }", {}),
    "negative nested last": (
        "{ events(first: 2) { nodes { statements(last: -3) { totalCount } } } }",
        {},
    ),
    "bad cursor": ('{ events(after: "nonsense") { totalCount } }', {}),
    "bad id": ('{ node(id: "nonsense") { id } }', {}),
    "id of the wrong type": (
        '{ statements(filter: {eventId: "U3RhdGVtZW50OjE="}) { totalCount } }',
        {},
    ),
    "ambiguous name": ('{ statements(filter: {speaker: "Vladimir"}) { totalCount } }', {}),
    "two operations, none named": (
        "query A { topics { totalCount } } query B { topics { totalCount } }",
        {},
    ),
    "too deep": (
        "{ statements { nodes { event { statements { nodes { event { statements { nodes { event {"
        " statements { nodes { event { statements { nodes { id } } } } } } } } } } } } } } }",
        {},
    ),
    "too many aliases": (
        "{ " + " ".join(f"a{i}: topics {{ totalCount }}" for i in range(31)) + " }",
        {},
    ),
    "too many tokens": ("{ topics { " + "totalCount " * 2100 + "} }", {}),
}


@pytest.mark.parametrize("case", DECLINED)
def test_declined_requests_are_answered_by_the_reference(paths: Paths, case: str) -> None:
    query, variables = DECLINED[case]
    assert_same(paths, query, variables, expected_path="strawberry")


def test_get_requests_are_compiled_too(paths: Paths) -> None:
    response = paths.client.get(
        "/graphql", params={"query": "{ topics(first: 2) { nodes { slug } } }"}
    )
    assert response.headers["x-execution-path"] == "compiled"
    assert response.json()["data"]["topics"]["nodes"]


# ---------------------------------------------------------------- generated queries


def test_generated_queries_agree(paths: Paths, merged_person: str) -> None:
    data = paths.post(VOCABULARY_QUERY, {}, "strawberry").json()["data"]
    generator = Generator(api_schema._schema, vocabulary(data, [merged_person]), SEED)
    served: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    for n in range(GENERATED):
        query, variables = generator.generate()
        path, difference = paths.compare(query, variables)
        served[path] += 1
        if difference is not None:
            failures.append(f"#{n}: {difference}\n{query}\nvariables: {variables}")
    elapsed = time.monotonic() - started
    print(f"\n{GENERATED} generated queries in {elapsed:.0f} s: served {dict(served)},"
          f" {len(failures)} differences, {paths.reference_retries} reference retries")  # fmt: skip
    assert not failures, f"{len(failures)} differences; first:\n" + "\n\n".join(failures[:3])
    # the comparison means something only if the compiler served most of them
    assert served["compiled"] >= 0.5 * GENERATED, served

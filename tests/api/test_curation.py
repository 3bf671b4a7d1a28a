"""Curation over real HTTP: each correction changes what users read, nothing else, and is in
the log with who made it. Each test has its own server and database (they change data)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import pytest
from data_paths import KREMLIN_SEED, NATO_SEED
from http_support import GraphQL, client, ingest

from service.storage.tokens import create_token

STATEMENTS = """
query($speaker: String) {
  statements(filter: {speaker: $speaker}, first: 100, orderBy: DATE_ASC) {
    totalCount
    nodes { id kind speakerLabel speaker { id name } event { document { id } } }
  }
}
"""
SET_SPEAKER = """
mutation($s: ID!, $p: ID) {
  setStatementSpeaker(statementId: $s, personId: $p) {
    statement { id speaker { id name } speakerLabel }
    errors { code message field }
  }
}
"""
SET_KIND = """
mutation($s: ID!, $k: StatementKind!) {
  setStatementKind(statementId: $s, kind: $k) {
    statement { id kind }
    errors { code message field }
  }
}
"""
DELETE = """
mutation($d: ID!) {
  deleteDocument(documentId: $d) { deletedDocumentId errors { code message field } }
}
"""
REPLACE = """
mutation($d: ID!, $input: IngestDocumentInput!) {
  replaceDocument(documentId: $d, input: $input) {
    created
    document { id sha256 }
    errors { code message field }
  }
}
"""
SPLIT = """
mutation($p: ID!, $s: [ID!]!, $n: String!) {
  splitPerson(personId: $p, statementIds: $s, name: $n) {
    person { id name statementCount }
    errors { code message field }
  }
}
"""
LOG = """
query($t: ID) {
  curationLog(targetId: $t) {
    totalCount
    nodes { at by action targetId before after }
  }
}
"""
COUNTS = "{ documents { totalCount } statements { totalCount } persons { totalCount } }"


@pytest.fixture
def server(make_live_server: Callable[..., Any]) -> Iterator[Any]:
    server = make_live_server()
    yield server
    server.__exit__()


@pytest.fixture
def call(server: Any) -> GraphQL:
    return client(server.url)


@pytest.fixture
def admin(server: Any) -> str:
    return server.settings.admin_token


async def statements_of(call: GraphQL, speaker: str | None = None) -> list[dict[str, Any]]:
    body = await call(STATEMENTS, {"speaker": speaker})
    return body["data"]["statements"]["nodes"]


async def person(call: GraphQL, name: str) -> dict[str, Any] | None:
    body = await call("query($n: String!) { person(name: $n) { id statementCount } }", {"n": name})
    return body["data"]["person"]


async def log(call: GraphQL, target: str | None = None) -> list[dict[str, Any]]:
    return (await call(LOG, {"t": target}))["data"]["curationLog"]["nodes"]


async def test_curation_needs_a_write_token_and_changes_nothing_without(
    call: GraphQL, admin: str
) -> None:
    document = (await ingest(call, NATO_SEED, admin))["document"]["id"]
    statement = (await statements_of(call, "Nazarbayev"))[0]
    before = (await call(COUNTS))["data"]
    attempts = [
        (SET_SPEAKER, {"s": statement["id"], "p": None}, "setStatementSpeaker"),
        (SET_KIND, {"s": statement["id"], "k": "QUESTION"}, "setStatementKind"),
        (DELETE, {"d": document}, "deleteDocument"),
        (REPLACE, {"d": document, "input": {"text": "x"}}, "replaceDocument"),
        (SPLIT, {"p": statement["speaker"]["id"], "s": [statement["id"]], "n": "X"}, "splitPerson"),
    ]
    for query, variables, name in attempts:
        payload = (await call(query, variables, token="not-a-token"))["data"][name]
        assert [e["code"] for e in payload["errors"]] == ["UNAUTHORIZED"], name
    assert (await call(COUNTS))["data"] == before
    assert (await statements_of(call, "Nazarbayev"))[0] == statement
    assert await log(call) == []


async def test_a_statement_given_to_another_speaker_moves_and_is_logged(
    call: GraphQL, admin: str, server: Any
) -> None:
    await ingest(call, NATO_SEED, admin)
    nazarbayev = await person(call, "Nazarbayev")
    scheffer = await person(call, "Scheffer")
    assert nazarbayev is not None and scheffer is not None
    statement = (await statements_of(call, "Nazarbayev"))[0]

    conn = await asyncpg.connect(server.settings.database_url)
    try:
        desk = await create_token(conn, "news desk")
    finally:
        await conn.close()
    body = await call(SET_SPEAKER, {"s": statement["id"], "p": scheffer["id"]}, token=desk)
    payload = body["data"]["setStatementSpeaker"]
    assert payload["errors"] == []
    assert payload["statement"]["speaker"]["id"] == scheffer["id"]
    assert payload["statement"]["speakerLabel"] == statement["speakerLabel"]  # as printed
    assert (await person(call, "Nazarbayev"))["statementCount"] == nazarbayev["statementCount"] - 1
    assert (await person(call, "Scheffer"))["statementCount"] == scheffer["statementCount"] + 1

    (record,) = await log(call, statement["id"])
    assert record["by"] == "news desk" and record["action"] == "SET_STATEMENT_SPEAKER"
    assert record["targetId"] == statement["id"]
    assert record["before"]["speakerId"] != record["after"]["speakerId"]

    # to nobody: the statement keeps its label and has no speaker
    body = await call(SET_SPEAKER, {"s": statement["id"], "p": None}, token=admin)
    assert body["data"]["setStatementSpeaker"]["statement"]["speaker"] is None
    assert [r["by"] for r in await log(call, statement["id"])] == ["admin", "news desk"]


async def test_a_statement_kind_is_corrected(call: GraphQL, admin: str) -> None:
    await ingest(call, NATO_SEED, admin)
    statement = next(s for s in await statements_of(call) if s["kind"] == "QUESTION")
    body = await call(SET_KIND, {"s": statement["id"], "k": "REMARKS"}, token=admin)
    assert body["data"]["setStatementKind"]["statement"]["kind"] == "REMARKS"
    (record,) = await log(call)
    assert (record["before"], record["after"]) == ({"kind": "QUESTION"}, {"kind": "REMARKS"})


async def test_unknown_targets_are_refused_with_not_found(call: GraphQL, admin: str) -> None:
    await ingest(call, NATO_SEED, admin)
    statement = (await statements_of(call))[0]
    gone = "U3RhdGVtZW50Ojk5OTk5OQ=="  # Statement:999999
    body = await call(SET_KIND, {"s": gone, "k": "REMARKS"}, token=admin)
    assert [e["code"] for e in body["data"]["setStatementKind"]["errors"]] == ["NOT_FOUND"]
    body = await call(SET_SPEAKER, {"s": statement["id"], "p": "bogus"}, token=admin)
    assert [e["field"] for e in body["data"]["setStatementSpeaker"]["errors"]] == ["personId"]
    assert await log(call) == []


async def test_a_deleted_document_takes_what_was_read_from_it(call: GraphQL, admin: str) -> None:
    nato = (await ingest(call, NATO_SEED, admin))["document"]["id"]
    await ingest(call, KREMLIN_SEED, admin)
    kremlin_statements = [
        s for s in await statements_of(call) if s["event"]["document"]["id"] != nato
    ]
    assert await person(call, "Scheffer") is not None  # named on the NATO page only

    body = await call(DELETE, {"d": nato}, token=admin)
    assert body["data"]["deleteDocument"] == {"deletedDocumentId": nato, "errors": []}
    counts = (await call(COUNTS))["data"]
    assert counts["documents"]["totalCount"] == 1
    assert counts["statements"]["totalCount"] == len(kremlin_statements)
    assert await person(call, "Scheffer") is None
    assert await person(call, "Nazarbayev") is not None  # also speaks on the Kremlin page
    assert (await call("query($id: ID!) { node(id: $id) { id } }", {"id": nato}))["data"] == {
        "node": None
    }
    (record,) = await log(call, nato)
    assert record["action"] == "DELETE_DOCUMENT" and record["before"]["statements"] > 0

    again = (await call(DELETE, {"d": nato}, token=admin))["data"]["deleteDocument"]
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]


async def test_a_replaced_document_is_read_again_and_a_bad_text_keeps_the_old(
    call: GraphQL, admin: str
) -> None:
    old = (await ingest(call, NATO_SEED, admin))["document"]
    mission = len(await statements_of(call, "Nazarbayev"))
    corrected = NATO_SEED.read_text(encoding="utf-8").replace("Kazakhstan", "Kazakstan", 1)

    refused = await call(
        REPLACE, {"d": old["id"], "input": {"text": "Just one line."}}, token=admin
    )
    assert refused["data"]["replaceDocument"]["errors"]
    assert (await call(COUNTS))["data"]["documents"]["totalCount"] == 1
    assert len(await statements_of(call, "Nazarbayev")) == mission

    variables = {"d": old["id"], "input": {"text": corrected, "filename": NATO_SEED.name}}
    payload = (await call(REPLACE, variables, token=admin))["data"]["replaceDocument"]
    assert payload["errors"] == [] and payload["created"] is True
    assert payload["document"]["id"] != old["id"]
    assert (await call(COUNTS))["data"]["documents"]["totalCount"] == 1
    assert len(await statements_of(call, "Nazarbayev")) == mission
    (record,) = await log(call, old["id"])
    assert record["action"] == "REPLACE_DOCUMENT"
    assert record["after"]["sha256"] == payload["document"]["sha256"]
    assert record["before"]["sha256"] != record["after"]["sha256"]


async def test_a_wrong_merge_is_split_and_a_foreign_statement_refused(
    call: GraphQL, admin: str
) -> None:
    kremlin = (await ingest(call, KREMLIN_SEED, admin))["document"]["id"]
    await ingest(call, NATO_SEED, admin)
    said = await statements_of(call, "Nazarbayev")
    at_kremlin = [s["id"] for s in said if s["event"]["document"]["id"] == kremlin]
    elsewhere = [s for s in said if s["event"]["document"]["id"] != kremlin]
    assert at_kremlin and elsewhere
    owner = said[0]["speaker"]["id"]
    other = next(
        s for s in await statements_of(call) if s["speaker"] and s["speaker"]["id"] != owner
    )

    bad = {"p": owner, "s": [at_kremlin[0], other["id"]], "n": "Someone Else"}
    refused = (await call(SPLIT, bad, token=admin))["data"]["splitPerson"]
    assert [e["code"] for e in refused["errors"]] == ["INVALID_SPLIT"]
    assert len(await statements_of(call, "Nazarbayev")) == len(said)

    good = {"p": owner, "s": at_kremlin, "n": "Nursultan Nazarbayev (Kremlin page)"}
    payload = (await call(SPLIT, good, token=admin))["data"]["splitPerson"]
    assert payload["errors"] == []
    assert payload["person"]["statementCount"] == len(at_kremlin)
    body = await call(
        "query($id: ID!) { node(id: $id) { ... on Person { statementCount } } }", {"id": owner}
    )
    assert body["data"]["node"]["statementCount"] == len(elsewhere)
    (record,) = await log(call, owner)
    assert record["action"] == "SPLIT_PERSON" and record["after"]["statementIds"]


async def test_a_merge_is_logged(call: GraphQL, admin: str) -> None:
    await ingest(call, NATO_SEED, admin)
    keep, merge = await person(call, "Nazarbayev"), await person(call, "Scheffer")
    assert keep is not None and merge is not None
    body = await call(
        "mutation($k: ID!, $m: ID!) { mergePersons(keepId: $k, mergeId: $m) { errors { code } } }",
        {"k": keep["id"], "m": merge["id"]},
        token=admin,
    )
    assert body["data"]["mergePersons"]["errors"] == []
    (record,) = await log(call, keep["id"])
    assert record["action"] == "MERGE_PERSONS" and record["by"] == "admin"

"""Mutations over real HTTP, each test on its own server and database (they change data).

Authorisation failures are payload errors (code UNAUTHORIZED) with nothing changed, as the
contract's UserError lists them; the tests check "nothing changed" by reading the data back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import pytest
from data_paths import CORPUS, KREMLIN_SEED, NATO_SEED
from http_support import GraphQL, client, ingest

from service.storage.tokens import create_token

INGEST = """
mutation($input: IngestDocumentInput!) {
  ingestDocument(input: $input) {
    created
    document { id sha256 filename sourceUrl publisher format events { id } }
    errors { code message field }
  }
}
"""
ADD_ALIAS = """
mutation($id: ID!, $alias: String!) {
  addPersonAlias(personId: $id, alias: $alias) {
    person { id name aliases }
    errors { code message field }
  }
}
"""
MERGE = """
mutation($keep: ID!, $merge: ID!) {
  mergePersons(keepId: $keep, mergeId: $merge) {
    person { id name aliases statementCount }
    errors { code message field }
  }
}
"""
STATE = """
{
  documents { totalCount }
  statements { totalCount }
  persons(first: 100) { totalCount nodes { id name aliases statementCount } }
}
"""


@pytest.fixture
def server(make_live_server: Callable[..., Any]) -> Iterator[Any]:
    """A new server on an empty, migrated database, stopped after the test (its connections,
    a pool and a LISTEN one, would otherwise stay open until the end of the run)."""
    server = make_live_server()
    yield server
    server.__exit__()


@pytest.fixture
def fresh(server: Any) -> tuple[GraphQL, str]:
    """A client for the new server, and its database's URL."""
    return client(server.url), server.settings.database_url


@pytest.fixture
def admin(server: Any) -> str:
    """The server's ADMIN_TOKEN (write access)."""
    return server.settings.admin_token


async def state(call: GraphQL) -> dict[str, Any]:
    return (await call(STATE))["data"]


async def person_by_name(call: GraphQL, name: str) -> dict[str, Any] | None:
    body = await call(
        "query($n: String!) { person(name: $n) { id name aliases statementCount } }", {"n": name}
    )
    return body["data"]["person"]


def the_error(payload: dict[str, Any]) -> dict[str, Any]:
    assert len(payload["errors"]) == 1, payload
    return payload["errors"][0]


# ---------------------------------------------------------------- ingestDocument


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
async def test_ingest_needs_a_write_token(fresh: tuple[GraphQL, str], token: str | None) -> None:
    call, _ = fresh
    body = await call(INGEST, {"input": {"text": NATO_SEED.read_text()}}, token=token)
    payload = body["data"]["ingestDocument"]
    assert payload["document"] is None and payload["created"] is False
    assert the_error(payload)["code"] == "UNAUTHORIZED"
    assert (await state(call))["documents"]["totalCount"] == 0


async def test_ingest_is_idempotent(fresh: tuple[GraphQL, str], admin: str) -> None:
    call, _ = fresh
    variables = {
        "input": {
            "text": NATO_SEED.read_text(),
            "filename": NATO_SEED.name,
            "sourceUrl": "https://www.nato.int/docu/speech/2006/s061204a.htm",
            "publisher": "NATO",
        }
    }
    first = (await call(INGEST, variables, token=admin))["data"]["ingestDocument"]
    assert first["errors"] == [] and first["created"] is True
    document = first["document"]
    assert document["filename"] == NATO_SEED.name
    assert document["sourceUrl"] == variables["input"]["sourceUrl"]
    assert document["publisher"] == "NATO"
    assert document["events"]
    before = await state(call)
    again = (await call(INGEST, variables, token=admin))["data"]["ingestDocument"]
    assert again["errors"] == [] and again["created"] is False
    assert again["document"]["id"] == document["id"]
    assert await state(call) == before


async def test_stored_api_tokens_with_write_access_may_ingest(fresh: tuple[GraphQL, str]) -> None:
    call, url = fresh
    conn = await asyncpg.connect(url)
    try:
        writer = await create_token(conn, "writer")
        reader = await create_token(conn, "reader", can_write=False)
    finally:
        await conn.close()
    variables = {"input": {"text": NATO_SEED.read_text()}}
    refused = (await call(INGEST, variables, token=reader))["data"]["ingestDocument"]
    assert the_error(refused)["code"] == "UNAUTHORIZED"
    accepted = (await call(INGEST, variables, token=writer))["data"]["ingestDocument"]
    assert accepted["errors"] == [] and accepted["created"] is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Shopping list: eggs, milk, bread. Call the plumber on Tuesday.",
    ],
)
async def test_unparseable_page_is_refused_and_nothing_stored(
    fresh: tuple[GraphQL, str], admin: str, text: str
) -> None:
    call, _ = fresh
    before = await state(call)
    body = await call(INGEST, {"input": {"text": text}}, token=admin)
    payload = body["data"]["ingestDocument"]
    assert payload["document"] is None and payload["created"] is False
    error = the_error(payload)
    assert error["code"] and error["code"] == error["code"].upper()
    assert error["message"]
    assert error["field"] in (None, "text", "input.text")
    assert await state(call) == before


async def test_too_large_page_is_refused(make_live_server: Callable[..., Any]) -> None:
    server = make_live_server(max_document_chars=1000)
    call, admin = client(server.url), server.settings.admin_token
    body = await call(INGEST, {"input": {"text": NATO_SEED.read_text()}}, token=admin)
    payload = body["data"]["ingestDocument"]
    assert the_error(payload)["code"] == "TOO_LARGE"
    assert (await state(call))["documents"]["totalCount"] == 0


# ---------------------------------------------------------------- addPersonAlias


async def test_add_person_alias(fresh: tuple[GraphQL, str], admin: str) -> None:
    call, _ = fresh
    await ingest(call, NATO_SEED, admin)
    scheffer = await person_by_name(call, "De Hoop Scheffer")
    assert scheffer is not None
    variables = {"id": scheffer["id"], "alias": "The Flying Dutchman"}

    refused = (await call(ADD_ALIAS, variables))["data"]["addPersonAlias"]
    assert refused["person"] is None and the_error(refused)["code"] == "UNAUTHORIZED"
    assert await person_by_name(call, "The Flying Dutchman") is None

    added = (await call(ADD_ALIAS, variables, token=admin))["data"]["addPersonAlias"]
    assert added["errors"] == []
    assert added["person"]["id"] == scheffer["id"]
    assert "The Flying Dutchman" in added["person"]["aliases"]
    found = await person_by_name(call, "the flying dutchman")
    assert found is not None and found["id"] == scheffer["id"]


async def test_add_person_alias_to_nobody(fresh: tuple[GraphQL, str], admin: str) -> None:
    call, _ = fresh
    for person_id in ("UGVyc29uOjk5OTk5", "garbage", "RXZlbnQ6MQ=="):  # missing, junk, an Event
        body = await call(ADD_ALIAS, {"id": person_id, "alias": "X Y"}, token=admin)
        payload = body["data"]["addPersonAlias"]
        assert payload["person"] is None
        assert the_error(payload)["code"] == "NOT_FOUND"
        assert the_error(payload)["field"] == "personId"


# ---------------------------------------------------------------- mergePersons


async def test_merge_persons_moves_statements_and_keeps_the_old_id(
    fresh: tuple[GraphQL, str], admin: str
) -> None:
    call, _ = fresh
    await ingest(call, NATO_SEED, admin)
    await ingest(call, KREMLIN_SEED, admin)
    keep = await person_by_name(call, "Robert Kocharyan")
    merge = await person_by_name(call, "Kurmanbek Bakiev")
    assert keep and merge and keep["id"] != merge["id"]
    variables = {"keep": keep["id"], "merge": merge["id"]}
    before = await state(call)

    refused = (await call(MERGE, variables))["data"]["mergePersons"]
    assert refused["person"] is None and the_error(refused)["code"] == "UNAUTHORIZED"
    assert await state(call) == before

    merged = (await call(MERGE, variables, token=admin))["data"]["mergePersons"]
    assert merged["errors"] == []
    person = merged["person"]
    assert person["id"] == keep["id"]
    assert person["statementCount"] == keep["statementCount"] + merge["statementCount"]
    assert merge["name"] in person["aliases"]

    node = await call(
        "query($id: ID!) { node(id: $id) { id ... on Person { name } } }", {"id": merge["id"]}
    )
    assert node["data"]["node"]["id"] == keep["id"]
    assert (await person_by_name(call, "Kurmanbek Bakiev"))["id"] == keep["id"]
    by_old_id = await call(
        "query($id: ID!) { statements(filter: {speakerId: $id}) { totalCount } }",
        {"id": merge["id"]},
    )
    assert by_old_id["data"]["statements"]["totalCount"] == person["statementCount"]
    after = await state(call)
    assert after["persons"]["totalCount"] == before["persons"]["totalCount"] - 1
    assert after["statements"] == before["statements"]


async def test_merge_refusals(fresh: tuple[GraphQL, str], admin: str) -> None:
    call, _ = fresh
    await ingest(call, NATO_SEED, admin)
    scheffer = await person_by_name(call, "De Hoop Scheffer")
    assert scheffer
    same = (await call(MERGE, {"keep": scheffer["id"], "merge": scheffer["id"]}, token=admin))[
        "data"
    ]["mergePersons"]
    assert the_error(same)["code"] == "INVALID_MERGE"
    missing = (await call(MERGE, {"keep": scheffer["id"], "merge": "garbage"}, token=admin))[
        "data"
    ]["mergePersons"]
    assert the_error(missing)["code"] == "NOT_FOUND"
    assert the_error(missing)["field"] == "mergeId"


async def test_a_transcript_without_labels_is_stored_unattributed_with_a_warning(
    fresh: tuple[GraphQL, str], admin: str
) -> None:
    """A real press conference with its speaker tags taken out: still searchable, with
    statements that have no speaker and a document that says why."""
    fomc = CORPUS / "fomc-2023-03-22-powell-press-conference.txt"
    text = re.sub(r"<NAME>[^<]*</NAME>\.?\s*", "\n\n", fomc.read_text(encoding="utf-8"))
    call, _ = fresh
    body = await call(
        """mutation($input: IngestDocumentInput!) { ingestDocument(input: $input) {
             document { warnings events { statements(first: 3) { totalCount
               nodes { speaker { name } speakerLabel text } } } }
             errors { code } } }""",
        {"input": {"text": text, "filename": "unlabelled.txt"}},
        token=admin,
    )
    payload = body["data"]["ingestDocument"]
    assert payload["errors"] == []
    [warning] = payload["document"]["warnings"]
    assert warning.startswith("NO_SPEAKER_LABELS")
    statements = payload["document"]["events"][0]["statements"]
    # one statement per tagged turn of the original: the tags were the paragraph breaks
    assert statements["totalCount"] == fomc.read_text(encoding="utf-8").count("<NAME>")
    first = statements["nodes"][0]
    assert first["speaker"] is None
    assert first["text"].startswith("Good afternoon. Before discussing today’s meeting")
    found = await call(
        "query($f: StatementFilter) { statements(filter: $f) { totalCount } }",
        {"f": {"text": '"Bank Term Funding Program"'}},
    )
    assert found["data"]["statements"]["totalCount"] >= 1

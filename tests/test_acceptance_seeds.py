"""The product's acceptance test: every fact of tests/data/acceptance/seeds.yaml, checked through
the public GraphQL API over HTTP on the server that ingested the two seed documents.

seeds.yaml is read at test time and iterated over; no value of it is copied here. Text from the
seeds is an exact substring of the source file, and statement text has its whitespace
normalised (paragraphs joined by newlines), so texts are compared with whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import pytest
import yaml
from data_paths import SEEDS

pytestmark = pytest.mark.usefixtures("seeded")

GraphQL = Callable[..., Awaitable[dict[str, Any]]]

DOCUMENTS = """
{
  documents(first: 100) {
    nodes {
      id filename text
      events {
        id title kind date time location
        organisations { id }
        participants { label role title person { id } affiliation { id name } }
        statements(first: 100) {
          totalCount
          nodes {
            id sequence kind speakerLabel text
            speaker { id name }
            inReplyTo { id }
            figures { id text sourceSpan { start end } }
          }
        }
      }
    }
  }
}
"""
PERSON = """
query($name: String!) { person(name: $name) { id name aliases titles } }
"""
ORGANISATION = """
query($name: String!) { organisation(name: $name) { id name acronym } }
"""
ORGANISATION_STATEMENTS = """
query($id: ID!) { node(id: $id) { ... on Organisation { statements(first: 100) {
  totalCount nodes { id } } } } }
"""
STATEMENTS = """
query($f: StatementFilter) { statements(filter: $f, first: 100) { totalCount nodes { id text } } }
"""
FIGURES = """
query($after: String) { figures(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { id text value high unit qualifier counted speaker { id }
          sourceSpan { start end } statement { event { document { id } } } } } }
"""


@cache
def seeds() -> dict[str, Any]:
    return yaml.safe_load(SEEDS.read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return " ".join(text.split())


def ids(entries: list[dict[str, Any]]) -> set[str]:
    return {entry["id"] for entry in entries}


async def person(graphql: GraphQL, name: str) -> dict[str, Any] | None:
    return (await graphql(PERSON, {"name": name}))["data"]["person"]


async def organisation(graphql: GraphQL, name: str) -> dict[str, Any] | None:
    return (await graphql(ORGANISATION, {"name": name}))["data"]["organisation"]


@pytest.fixture(scope="module")
async def documents(graphql: GraphQL) -> dict[str, dict[str, Any]]:
    """Every seed document as the API serves it, by file name."""
    nodes = (await graphql(DOCUMENTS))["data"]["documents"]["nodes"]
    return {node["filename"]: node for node in nodes}


@pytest.fixture(scope="module")
async def persons(graphql: GraphQL) -> dict[str, dict[str, Any]]:
    """Each seed person key -> the person its first label resolves to."""
    found = {}
    for key, spec in seeds()["persons"].items():
        resolved = await person(graphql, spec["labels"][0])
        assert resolved is not None, f"{key}: label {spec['labels'][0]!r} resolves to nobody"
        found[key] = resolved
    return found


@pytest.fixture(scope="module")
async def organisations(graphql: GraphQL) -> dict[str, dict[str, Any]]:
    found = {}
    for key in seeds()["organisations"]:
        resolved = await organisation(graphql, key)
        assert resolved is not None, f"organisation {key!r} not found"
        found[key] = resolved
    return found


def all_statements(documents: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        statement
        for document in documents.values()
        for event in document["events"]
        for statement in event["statements"]["nodes"]
    ]


# ---------------------------------------------------------------- persons


@pytest.mark.parametrize("key", list(seeds()["persons"]))
async def test_person_names_labels_and_titles(
    graphql: GraphQL,
    persons: dict[str, dict[str, Any]],
    documents: dict[str, dict[str, Any]],
    key: str,
) -> None:
    spec = seeds()["persons"][key]
    found = persons[key]
    assert found["name"] in spec["names"], (key, found["name"])
    for name in [*spec["labels"], *spec.get("also_known_as", []), spec["names"][0]]:
        resolved = await person(graphql, name)
        assert resolved is not None, f"{key}: {name!r} resolves to nobody"
        assert resolved["id"] == found["id"], f"{key}: {name!r} resolves to {resolved['name']}"
    statements = all_statements(documents)
    for label in spec["labels"]:
        labelled = [s for s in statements if s["speakerLabel"] == label]
        assert labelled, f"{key}: no statement has the speaker label {label!r}"
        for statement in labelled:
            assert statement["speaker"] and statement["speaker"]["id"] == found["id"], (
                f"{key}: a turn labelled {label!r} is attributed to {statement['speaker']}"
            )
    if "title" in spec:
        assert spec["title"] in found["titles"], (key, found["titles"])


# ---------------------------------------------------------------- documents, events, turns


def document_cases() -> list[tuple[str, int]]:
    return [
        (document["file"], index)
        for document in seeds()["documents"]
        for index in range(len(document["events"]))
    ]


def document_spec(file: str) -> dict[str, Any]:
    return next(d for d in seeds()["documents"] if d["file"] == file)


@pytest.mark.parametrize(("file", "index"), document_cases())
async def test_event_facts(
    documents: dict[str, dict[str, Any]],
    organisations: dict[str, dict[str, Any]],
    file: str,
    index: int,
) -> None:
    spec = document_spec(file)
    assert file in documents, f"{file} was not ingested"
    events = documents[file]["events"]
    assert len(events) == len(spec["events"]), [e["title"] for e in events]
    expected, event = spec["events"][index], events[index]
    assert event["kind"] == expected["kind"]
    if "title" in expected:
        assert event["title"] == expected["title"]
    if "title_contains" in expected:
        assert expected["title_contains"] in event["title"]
    assert event["date"] == str(expected["date"])
    if "time" in expected:
        assert event["time"] == expected["time"]
    if "location" in expected:
        assert event["location"] == expected["location"]
    if "location_contains" in expected:
        assert expected["location_contains"] in (event["location"] or "")
    hosts = ids(event["organisations"])
    for key in expected.get("organisations", []):
        assert organisations[key]["id"] in hosts, f"{key} does not host {event['title']!r}"


@pytest.mark.parametrize(("file", "index"), document_cases())
async def test_turns_in_order(
    graphql: GraphQL,
    documents: dict[str, dict[str, Any]],
    persons: dict[str, dict[str, Any]],
    organisations: dict[str, dict[str, Any]],
    file: str,
    index: int,
) -> None:
    expected = document_spec(file)["events"][index]
    event = documents[file]["events"][index]
    statements = event["statements"]["nodes"]
    assert [s["sequence"] for s in statements] == list(range(1, len(statements) + 1))
    shown = [(s["speakerLabel"], s["kind"]) for s in statements]
    assert len(statements) == len(expected["turns"]), shown
    last_question: dict[str, Any] | None = None
    for number, (turn, statement) in enumerate(zip(expected["turns"], statements, strict=True)):
        where = f"{file} event {index} turn {number + 1} ({statement['speakerLabel']!r})"
        assert statement["kind"] == turn["kind"], where
        if "speaker" in turn:
            assert statement["speaker"], f"{where}: no speaker"
            assert statement["speaker"]["id"] == persons[turn["speaker"]]["id"], where
        elif "asked_by" in turn:
            assert statement["speaker"], f"{where}: the journalist is not the speaker"
            assert statement["speaker"]["name"] == turn["asked_by"], where
            participant = next(
                (
                    p
                    for p in event["participants"]
                    if p["label"] == statement["speakerLabel"]
                    and p["person"]
                    and p["person"]["id"] == statement["speaker"]["id"]
                ),
                None,
            )
            assert participant, f"{where}: the journalist is not a participant"
            affiliation = participant["affiliation"]
            assert affiliation and affiliation["name"] == turn["outlet"], (where, affiliation)
        else:
            assert turn["role"] in ("MODERATOR", "QUESTION")
            assert statement["speaker"] is None, (where, statement["speaker"])
        if "text" in turn:
            assert squash(turn["text"]) in squash(statement["text"]), where
        if turn.get("in_reply_to_previous_question"):
            assert last_question is not None, where
            assert statement["inReplyTo"] == {"id": last_question["id"]}, where
        if statement["kind"] == "QUESTION":
            last_question = statement


@pytest.mark.parametrize("file", [d["file"] for d in seeds()["documents"]])
async def test_page_furniture_is_not_speech(
    documents: dict[str, dict[str, Any]], file: str
) -> None:
    texts = [
        squash(s["text"])
        for event in documents[file]["events"]
        for s in event["statements"]["nodes"]
    ]
    for furniture in document_spec(file)["not_statements"]:
        assert not any(squash(furniture) in text for text in texts), furniture


# ---------------------------------------------------------------- organisations


@pytest.mark.parametrize("key", list(seeds()["organisations"]))
async def test_organisation_names_and_mentions(
    graphql: GraphQL,
    documents: dict[str, dict[str, Any]],
    organisations: dict[str, dict[str, Any]],
    key: str,
) -> None:
    names = seeds()["organisations"][key]
    expected = organisations[key]
    for name in names:
        found = await organisation(graphql, name)
        assert found is not None and found["id"] == expected["id"], (name, found)
    body = await graphql(ORGANISATION_STATEMENTS, {"id": expected["id"]})
    linked = ids(body["data"]["node"]["statements"]["nodes"])
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    mentioning = {s["id"] for s in all_statements(documents) if pattern.search(s["text"])}
    assert mentioning, f"no seed statement mentions {key}"
    missing = mentioning - linked
    assert not missing, f"{key}: {len(missing)} mentioning statements are not linked"
    by_filter = await graphql(STATEMENTS, {"f": {"organisation": key}})
    assert ids(by_filter["data"]["statements"]["nodes"]) == linked


# ---------------------------------------------------------------- the example queries


def query_cases() -> list[tuple[int, str]]:
    return [
        (number, speaker)
        for number, query in enumerate(seeds()["queries"])
        for speaker in query["ask"]["speaker"]
    ]


@pytest.mark.parametrize(("number", "speaker"), query_cases())
async def test_example_queries(graphql: GraphQL, number: int, speaker: str) -> None:
    query = seeds()["queries"][number]
    f = {**query["ask"], "speaker": speaker}
    result = (await graphql(STATEMENTS, {"f": f}))["data"]["statements"]
    texts = [squash(node["text"]) for node in result["nodes"]]
    if "expect_exactly" in query:
        assert len(texts) == len(query["expect_exactly"]), texts
        for wanted in query["expect_exactly"]:
            assert sum(squash(wanted) in text for text in texts) == 1, wanted
    if "expect_count" in query:
        assert result["totalCount"] == query["expect_count"]


# ---------------------------------------------------------------- figures


@pytest.fixture(scope="module")
async def figures(graphql: GraphQL) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await graphql(FIGURES, {"after": after}))["data"]["figures"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    "figure", seeds()["figures"]["required"], ids=lambda f: f"{f['speaker']}:{f['text']}"
)
async def test_required_figures(
    figures: list[dict[str, Any]], persons: dict[str, dict[str, Any]], figure: dict[str, Any]
) -> None:
    speaker = persons[figure["speaker"]]["id"]
    candidates = [f for f in figures if f["text"] == figure["text"]]
    assert candidates, f"no figure reads {figure['text']!r}"
    spoken = [f for f in candidates if f["speaker"] and f["speaker"]["id"] == speaker]
    assert spoken, f"{figure['text']!r} is not attributed to {figure['speaker']}"
    found = spoken[0]
    assert found["value"] == pytest.approx(figure["value"]), found
    assert found["high"] == (None if "high" not in figure else pytest.approx(figure["high"]))
    assert found["unit"] == figure["unit"], found
    assert found["qualifier"] == figure["qualifier"], found
    if "counted" in figure:
        assert found["counted"] == figure["counted"], found


@pytest.mark.parametrize("text", [f["text"] for f in seeds()["figures"]["not_figures"]])
async def test_not_figures(
    figures: list[dict[str, Any]], documents: dict[str, dict[str, Any]], text: str
) -> None:
    """No figure covers any occurrence of the text in any seed document."""
    for document in documents.values():
        occurrences = [(m.start(), m.end()) for m in re.finditer(re.escape(text), document["text"])]
        for figure in figures:
            if figure["statement"]["event"]["document"]["id"] != document["id"]:
                continue
            span = figure["sourceSpan"]
            for start, end in occurrences:
                assert span["end"] <= start or end <= span["start"], (text, figure["text"])

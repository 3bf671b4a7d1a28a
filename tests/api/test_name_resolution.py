"""Names that answer at archive scale (service/api/names.py): a name several persons share
resolves to the one who clearly dominates, and ``extensions.names`` says so; comparable
candidates stay AMBIGUOUS_NAME; an unknown name says so with "did you mean" suggestions.

One fresh database, filled through the ingestDocument mutation, served by two servers: the
app as deployed (compiled path first) and the reference (Strawberry only). Every query goes
to both, and the two answers must be the same JSON, extensions included.

The people (statement counts are what the rules weigh; MIN_STATEMENTS 10, DOMINANCE 5):
- Quillfeather: Ambrose 12, Beatrix 1, Cornelius 2 -> "Quillfeather" means Ambrose;
  Ambrose Kettleby 1 shares the first name: "Ambrose" alone is never decided by statements;
- Marchbanks: Felix 12, Gloria 4 -> 12 < 5 x 4: ambiguous;
- Pennywhistle: Halvard 6, Ingrid 1 -> 6 >= 5 x 1 but under 10: ambiguous.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from http_support import GraphQL, client

from service.api.names import DOMINANCE, MIN_STATEMENTS

INGEST = """mutation($i: IngestDocumentInput!) {
  ingestDocument(input: $i) { errors { code message } } }"""
BY_SPEAKER = """query($n: String!) {
  statements(filter: {speaker: $n}, first: 100) { totalCount nodes { speaker { id } } } }"""
PERSON = "query($n: String!) { person(name: $n) { id name } }"
MERGE = """mutation($keep: ID!, $merge: ID!) {
  mergePersons(keepId: $keep, mergeId: $merge) { errors { code } } }"""
# (full name, statements): every one speaks only under a full-name label
PEOPLE = {
    "Ambrose Quillfeather": 12,
    "Beatrix Quillfeather": 1,
    "Cornelius Quillfeather": 2,
    "Ambrose Kettleby": 1,
    "Felix Marchbanks": 12,
    "Gloria Marchbanks": 4,
    "Halvard Pennywhistle": 6,
    "Ingrid Pennywhistle": 1,
}


def transcript(title: str, day: int, speakers: dict[str, int]) -> str:
    """A generic-layout page: each speaker answers ``n`` questions (one statement each)."""
    turns = []
    for speaker, n in speakers.items():
        for i in range(n):
            turns.append(f"Q: Question {i} to {speaker} about Afghanistan and trade?")
            turns.append(
                f"{speaker.upper()}: Answer {i} from {speaker}. We discussed Afghanistan and"
                " trade with our partners, and the harbour."
            )
    return f"{title}, {day} March 2024\n\n" + "\n\n".join(turns) + "\n"


@dataclass
class Archive:
    served: GraphQL  # the deployed app: compiled path first
    reference: GraphQL  # Strawberry only
    urls: tuple[str, str]
    token: str
    ids: dict[str, str]

    async def ask(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The served answer, after checking the reference path gives the same JSON."""
        answers = []
        async with httpx.AsyncClient(timeout=60) as http:
            for url in self.urls:
                response = await http.post(
                    f"{url}/graphql", json={"query": query, "variables": variables}
                )
                assert response.status_code == 200, response.text
                answers.append(response.json())
        assert answers[0] == answers[1], (query, variables)
        return answers[0]


async def ingest_all(call: GraphQL, token: str, pages: list[str]) -> None:
    for page in pages:
        body = await call(INGEST, {"i": {"text": page}}, token=token)
        assert body["data"]["ingestDocument"]["errors"] == [], body


async def person_ids(call: GraphQL, names: list[str]) -> dict[str, str]:
    found = {}
    for name in names:
        person = (await call(PERSON, {"n": name}))["data"]["person"]
        assert person is not None and person["name"] == name, (name, person)
        found[name] = person["id"]
    return found


@pytest.fixture(scope="module")
async def archive(make_module_live_server: Callable[..., Any]) -> AsyncIterator[Archive]:
    served = make_module_live_server()
    reference = make_module_live_server(served.settings.database_url, graphql_compiled=False)
    call = client(served.url)
    people = list(PEOPLE.items())
    # Spread over a few pages (a person's statements in more than one document).
    pages = [transcript(f"Press conference {n}", n + 1, dict(people[n::3])) for n in range(3)]
    pages.append(transcript("Briefing on the harbour", 9, {"Ambrose Quillfeather": 4}))
    token = served.settings.admin_token
    await ingest_all(call, token, pages)
    ids = await person_ids(call, list(PEOPLE))
    for name, n in PEOPLE.items():
        body = await call(BY_SPEAKER, {"n": name})
        extra = 4 if name == "Ambrose Quillfeather" else 0
        assert body["data"]["statements"]["totalCount"] == n + extra, name
    yield Archive(call, client(reference.url), (served.url, reference.url), token, ids)
    served.__exit__()
    reference.__exit__()


def names_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body.get("extensions", {}).get("names", [])


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


# ---------------------------------------------------------------- one candidate dominates


async def test_a_shared_surname_resolves_to_the_dominant_speaker(archive: Archive) -> None:
    ambrose = archive.ids["Ambrose Quillfeather"]
    body = await archive.ask(BY_SPEAKER, {"n": "Quillfeather"})
    assert "errors" not in body
    statements = body["data"]["statements"]
    assert statements["totalCount"] == 16
    assert {n["speaker"]["id"] for n in statements["nodes"]} == {ambrose}
    [note] = names_of(body)
    assert note["argument"] == "speaker" and note["name"] == "Quillfeather"
    assert note["resolution"] == "DOMINANT"
    assert note["chosen"] == {"id": ambrose, "name": "Ambrose Quillfeather", "statementCount": 16}
    assert str(MIN_STATEMENTS) in note["reason"] and str(DOMINANCE) in note["reason"]
    others = {c["id"]: c["statementCount"] for c in note["candidates"]}
    assert others == {
        archive.ids["Cornelius Quillfeather"]: 2,
        archive.ids["Beatrix Quillfeather"]: 1,
    }
    assert [c["statementCount"] for c in note["candidates"]] == [2, 1]  # most first
    assert note["moreCandidates"] == 0


async def test_person_by_surname_and_other_fields_follow_the_same_rule(archive: Archive) -> None:
    ambrose = archive.ids["Ambrose Quillfeather"]
    body = await archive.ask(PERSON, {"n": "quillfeather"})
    assert body["data"]["person"]["id"] == ambrose
    assert [n["argument"] for n in names_of(body)] == ["name"]
    body = await archive.ask(
        '{ figures(filter: {speaker: "Quillfeather"}) { totalCount }'
        '  events(filter: {participant: "Quillfeather"}) { totalCount }'
        '  statementCounts(filter: {speaker: "Quillfeather"}, groupBy: SPEAKER) { key count } }',
        {},
    )
    assert body["data"]["events"]["totalCount"] == 2  # the two pages Ambrose speaks in
    assert body["data"]["statementCounts"] == [{"key": ambrose, "count": 16}]
    # one note per argument name, each saying why
    assert {(n["argument"], n["resolution"]) for n in names_of(body)} == {
        ("speaker", "DOMINANT"),
        ("participant", "DOMINANT"),
    }


async def test_an_exact_full_name_is_not_weighed(archive: Archive) -> None:
    """The full name of a rare speaker reaches them: no note, no guess."""
    beatrix = archive.ids["Beatrix Quillfeather"]
    body = await archive.ask(BY_SPEAKER, {"n": "Beatrix Quillfeather"})
    assert {n["speaker"]["id"] for n in body["data"]["statements"]["nodes"]} == {beatrix}
    assert names_of(body) == []


# ---------------------------------------------------------------- no candidate dominates


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Marchbanks", {"Felix Marchbanks": 12, "Gloria Marchbanks": 4}),  # not 5 times
        ("Pennywhistle", {"Halvard Pennywhistle": 6, "Ingrid Pennywhistle": 1}),  # under 10
        # a first name alone: never decided by statements
        ("Ambrose", {"Ambrose Quillfeather": 16, "Ambrose Kettleby": 1}),
    ],
)
async def test_comparable_candidates_stay_ambiguous(
    archive: Archive, name: str, expected: dict[str, int]
) -> None:
    body = await archive.ask(BY_SPEAKER, {"n": name})
    assert codes(body) == ["AMBIGUOUS_NAME"]
    assert body["data"] is None or body["data"]["statements"] is None
    error = body["errors"][0]
    candidates = {c["id"]: c["statementCount"] for c in error["extensions"]["candidates"]}
    assert candidates == {archive.ids[person]: n for person, n in expected.items()}
    assert all(person in error["message"] for person in expected)
    assert names_of(body) == []  # an error is not a resolution


# ---------------------------------------------------------------- unknown and misspelt


async def test_a_misspelt_surname_gives_suggestions_not_a_silent_empty_page(
    archive: Archive,
) -> None:
    body = await archive.ask(BY_SPEAKER, {"n": "Quillfeathr"})
    assert "errors" not in body  # the contract: an unknown name matches nothing
    assert body["data"]["statements"]["totalCount"] == 0
    [note] = names_of(body)
    assert note["resolution"] == "UNKNOWN" and note["chosen"] is None
    suggested = {s["id"] for s in note["suggestions"]}
    assert suggested == {archive.ids[p] for p in PEOPLE if p.endswith("Quillfeather")}, note[
        "suggestions"
    ]
    assert "did you mean" in note["reason"] and "Ambrose Quillfeather" in note["reason"]

    body = await archive.ask(PERSON, {"n": "Marchbancks"})
    assert body["data"]["person"] is None
    [note] = names_of(body)
    assert note["argument"] == "name" and note["resolution"] == "UNKNOWN"
    assert {s["name"] for s in note["suggestions"]} == {"Felix Marchbanks", "Gloria Marchbanks"}


async def test_a_misspelt_full_name_resolves_to_the_clearly_closest(archive: Archive) -> None:
    body = await archive.ask(BY_SPEAKER, {"n": "Ambrose Quillfether"})
    assert body["data"]["statements"]["totalCount"] == 16
    [note] = names_of(body)
    assert note["resolution"] == "SIMILAR"
    assert note["chosen"]["id"] == archive.ids["Ambrose Quillfeather"]


async def test_unknown_names_of_every_kind_say_so(archive: Archive) -> None:
    body = await archive.ask(
        '{ statements(filter: {speaker: "Xqzvbnm Wrtyplk", topic: "Afganistan",'
        ' organisation: "Xyzzy Plover"}) { totalCount } }',
        {},
    )
    assert body["data"]["statements"]["totalCount"] == 0
    notes = {n["argument"]: n for n in names_of(body)}
    assert set(notes) == {"speaker", "topic", "organisation"}
    assert all(n["resolution"] == "UNKNOWN" for n in notes.values())
    assert notes["speaker"]["suggestions"] == []  # nothing close: said, not invented
    assert notes["topic"]["suggestions"][0]["name"] == "Afghanistan"
    assert "did you mean 'Afghanistan'" in notes["topic"]["reason"]


# ---------------------------------------------------------------- invalidation


async def eventually(check: Callable[[], Any], what: str, deadline: float = 10.0) -> None:
    until = time.monotonic() + deadline
    while not await check():
        assert time.monotonic() < until, f"not within {deadline} s: {what}"
        await asyncio.sleep(0.05)


async def test_a_merge_changes_the_resolution_at_once(archive: Archive) -> None:
    """Counts are part of what the name cache keeps: a merge must clear them (curation merges
    two rows of one Wexcombe; 8 + 3 statements then dominate the other Wexcombe's 2)."""
    pages = [
        transcript("Wexcombe briefing", 20, {"Ottilie Wexcombe": 8, "Rowena Wexcombe": 2}),
        transcript("Wexcombe remarks", 21, {"Persephone Wexcombe": 3}),
    ]
    await ingest_all(archive.served, archive.token, pages)
    found = await person_ids(
        archive.served, ["Ottilie Wexcombe", "Rowena Wexcombe", "Persephone Wexcombe"]
    )
    for _ in range(2):  # the second from the name cache, where it is on
        body = await archive.served(BY_SPEAKER, {"n": "Wexcombe"}, expect_errors=True)
        assert codes(body) == ["AMBIGUOUS_NAME"]
    merged = await archive.served(
        MERGE,
        {"keep": found["Ottilie Wexcombe"], "merge": found["Persephone Wexcombe"]},
        token=archive.token,
    )
    assert merged["data"]["mergePersons"]["errors"] == []
    body = await archive.served(BY_SPEAKER, {"n": "Wexcombe"})  # no waiting
    [note] = names_of(body)
    assert note["resolution"] == "DOMINANT"
    assert note["chosen"]["id"] == found["Ottilie Wexcombe"]
    assert note["chosen"]["statementCount"] == 11

    async def reference_sees_it() -> bool:  # the other process: after its NOTIFY
        body = await archive.reference(BY_SPEAKER, {"n": "Wexcombe"}, expect_errors=True)
        return names_of(body) == [note]

    await eventually(reference_sees_it, "the merge seen by the other server")


async def test_a_nested_name_is_noted_only_where_it_is_reached(archive: Archive) -> None:
    """Under a parent with no rows the reference never resolves the nested filter, so neither
    path may note it; under a parent with rows both do."""
    query = """query($p: String) { persons(filter: {name: $p}) { nodes {
      statements(filter: {speaker: "Quillfeather"}) { totalCount } } } }"""
    body = await archive.ask(query, {"p": "zzzq"})
    assert body["data"]["persons"]["nodes"] == [] and names_of(body) == []
    body = await archive.ask(query, {"p": "Kettleby"})
    assert body["data"]["persons"]["nodes"] == [{"statements": {"totalCount": 0}}]
    assert [n["resolution"] for n in names_of(body)] == ["DOMINANT"]

"""ingestedAfter / ingestedBefore: what is new since a newsroom last looked, on documents,
events, statements and figures, on both read paths. The seed documents were ingested one after
the other (NATO first), so one's ingestion time splits them."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import path_fixture
from http_support import GraphQL

api = path_fixture()

DOCUMENTS = """
query($f: DocumentFilter) { documents(filter: $f) { totalCount nodes { id filename ingestedAt } } }
"""
STATEMENTS = """
query($f: StatementFilter) {
  statements(filter: $f, first: 100) { totalCount nodes { event { document { id } } } }
}
"""
EVENTS = "query($f: EventFilter) { events(filter: $f) { nodes { document { id } } } }"
FIGURES = """
query($f: FigureFilter) {
  figures(filter: $f, first: 100) { totalCount nodes { statement { event { document { id } } } } }
}
"""


@pytest.fixture(scope="module")
async def seeds(api: GraphQL) -> dict[str, dict[str, Any]]:
    nodes = (await api(DOCUMENTS, {"f": None}))["data"]["documents"]["nodes"]
    by_name = {n["filename"]: n for n in nodes}
    nato = next(n for name, n in by_name.items() if name.startswith("nato-"))
    kremlin = next(n for name, n in by_name.items() if name.startswith("kremlin-"))
    assert nato["ingestedAt"] < kremlin["ingestedAt"]
    return {"nato": nato, "kremlin": kremlin}


async def test_documents_after_and_before(api: GraphQL, seeds: dict[str, Any]) -> None:
    """(Other tests may add documents to the shared database later: only the seeds' side of
    the split is asserted.)"""
    nato, kremlin = seeds["nato"]["id"], seeds["kremlin"]["id"]
    after = await api(DOCUMENTS, {"f": {"ingestedAfter": seeds["nato"]["ingestedAt"]}})
    found = [n["id"] for n in after["data"]["documents"]["nodes"]]
    assert kremlin in found and nato not in found
    before = await api(DOCUMENTS, {"f": {"ingestedBefore": seeds["kremlin"]["ingestedAt"]}})
    found = [n["id"] for n in before["data"]["documents"]["nodes"]]
    assert nato in found and kremlin not in found
    assert before["data"]["documents"]["totalCount"] == len(found)


async def test_statements_events_and_figures_of_new_documents(
    api: GraphQL, seeds: dict[str, Any]
) -> None:
    new = {"ingestedAfter": seeds["nato"]["ingestedAt"]}
    kremlin = seeds["kremlin"]["id"]
    every = (await api(STATEMENTS, {"f": None}))["data"]["statements"]
    later = (await api(STATEMENTS, {"f": new}))["data"]["statements"]
    assert 0 < later["totalCount"] < every["totalCount"]
    assert kremlin in {n["event"]["document"]["id"] for n in later["nodes"]}
    assert seeds["nato"]["id"] not in {n["event"]["document"]["id"] for n in later["nodes"]}

    events = (await api(EVENTS, {"f": new}))["data"]["events"]["nodes"]
    assert kremlin in {e["document"]["id"] for e in events}
    assert seeds["nato"]["id"] not in {e["document"]["id"] for e in events}

    figures = (await api(FIGURES, {"f": new}))["data"]["figures"]
    assert figures["totalCount"] > 0
    documents = {f["statement"]["event"]["document"]["id"] for f in figures["nodes"]}
    assert kremlin in documents and seeds["nato"]["id"] not in documents


async def test_a_time_without_zone_is_utc(api: GraphQL, seeds: dict[str, Any]) -> None:
    stamp = seeds["nato"]["ingestedAt"]
    assert stamp.endswith("+00:00")
    naive = await api(DOCUMENTS, {"f": {"ingestedAfter": stamp.removesuffix("+00:00")}})
    aware = await api(DOCUMENTS, {"f": {"ingestedAfter": stamp}})
    assert naive["data"] == aware["data"]


async def test_an_empty_window_is_an_empty_page(api: GraphQL, seeds: dict[str, Any]) -> None:
    window = {
        "ingestedAfter": seeds["kremlin"]["ingestedAt"],
        "ingestedBefore": seeds["nato"]["ingestedAt"],
    }
    body = await api(STATEMENTS, {"f": window})
    assert body["data"]["statements"]["totalCount"] == 0

"""GET /export/ENTITY.FORMAT over real HTTP on the seeded server.

What an export holds is checked against what GraphQL answers for the same filter, so the test
holds for any corpus and any parser: the same ids, the same texts, in the same order.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import orjson
import pytest
from http_support import GraphQL
from live_server import LiveServer

STATEMENTS = """
query($filter: StatementFilter, $after: String) {
  statements(filter: $filter, first: 100, after: $after) {
    nodes { id text speakerLabel speaker { id name } event { id title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
FIGURES = """
query($filter: FigureFilter, $after: String) {
  figures(filter: $filter, first: 100, after: $after) {
    nodes { id text value unit }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PERSONS = """
query($filter: PersonFilter, $after: String) {
  persons(filter: $filter, first: 100, after: $after) {
    nodes { id name }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def every_node(graphql: GraphQL, query: str, field: str, flt: dict[str, Any]) -> list[Any]:
    nodes: list[Any] = []
    after = None
    while True:
        page = (await graphql(query, {"filter": flt, "after": after}))["data"][field]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def export(server: LiveServer, path: str, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        return await http.get(path, params=params)


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def jsonl_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    return [orjson.loads(line) for line in response.text.splitlines()]


@pytest.mark.parametrize(
    "params",
    [
        {"speaker": "Putin"},
        {"speaker": "Nazarbayev", "topic": "Afghanistan"},
        {"speaker": "Putin", "kinds": "ANSWER,REMARKS", "dateFrom": "2005-01-01"},
    ],
)
async def test_statement_export_holds_what_graphql_answers(
    seeded: Any, graphql: GraphQL, live_server: LiveServer, params: dict[str, str]
) -> None:
    flt: dict[str, Any] = {k: v for k, v in params.items() if k != "kinds"}
    if "kinds" in params:
        flt["kinds"] = params["kinds"].split(",")
    expected = await every_node(graphql, STATEMENTS, "statements", flt)
    assert expected, "the filter must select something for the comparison to mean anything"

    from_csv = csv_rows(await export(live_server, "/export/statements.csv", **params))
    from_jsonl = jsonl_rows(await export(live_server, "/export/statements.jsonl", **params))

    want = [(n["id"], n["text"]) for n in expected]
    assert [(r["id"], r["text"]) for r in from_csv] == want
    assert [(r["id"], r["text"]) for r in from_jsonl] == want
    for node, row in zip(expected, from_jsonl, strict=True):
        assert row["speaker_id"] == node["speaker"]["id"]
        assert row["speaker_name"] == node["speaker"]["name"]
        assert row["speaker_label"] == node["speakerLabel"]
        assert (row["event_id"], row["event_title"]) == (
            node["event"]["id"],
            node["event"]["title"],
        )
        assert 0 <= row["start_offset"] < row["end_offset"]
    assert from_csv[0]["start_offset"] == str(from_jsonl[0]["start_offset"])


async def test_figure_and_person_exports_hold_what_graphql_answers(
    seeded: Any, graphql: GraphQL, live_server: LiveServer
) -> None:
    figures = await every_node(graphql, FIGURES, "figures", {"speaker": "Putin"})
    assert figures
    rows = jsonl_rows(await export(live_server, "/export/figures.jsonl", speaker="Putin"))
    assert [(r["id"], r["text"], r["value"], r["unit"]) for r in rows] == [
        (f["id"], f["text"], f["value"], f["unit"]) for f in figures
    ]
    assert {"high", "kind", "qualifier", "counted", "context", "source_url"} <= rows[0].keys()

    persons = await every_node(graphql, PERSONS, "persons", {"name": "naz"})
    assert persons
    rows = csv_rows(await export(live_server, "/export/persons.csv", name="naz"))
    assert [(r["id"], r["name"]) for r in rows] == [(p["id"], p["name"]) for p in persons]


@pytest.mark.parametrize(
    ("params", "code", "mentions"),
    [
        ({"speaker": "Zzyzx Qwertyuiop"}, "UNKNOWN_NAME", "Zzyzx Qwertyuiop"),
        ({"topic": "no such topic at all"}, "UNKNOWN_NAME", "no such topic at all"),
        ({"spekaer": "Putin"}, "BAD_USER_INPUT", "spekaer"),
        ({"dateFrom": "yesterday"}, "BAD_USER_INPUT", "dateFrom"),
        ({"kinds": "SPEECH"}, "BAD_USER_INPUT", "SPEECH"),
        ({"eventId": "not-an-id"}, "BAD_USER_INPUT", "not-an-id"),
    ],
)
async def test_input_the_caller_can_fix_is_400_with_a_reason(
    seeded: Any, live_server: LiveServer, params: dict[str, str], code: str, mentions: str
) -> None:
    for fmt in ("csv", "jsonl"):
        response = await export(live_server, f"/export/statements.{fmt}", **params)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["code"] == code and mentions in error["message"]


async def test_a_filter_matching_nothing_is_an_empty_export_with_a_header(
    seeded: Any, live_server: LiveServer
) -> None:
    response = await export(live_server, "/export/statements.csv", dateFrom="2999-01-01")
    assert csv_rows(response) == []
    assert response.text.startswith("id,kind,text,speaker_id,speaker_name,speaker_label,")
    assert (
        jsonl_rows(await export(live_server, "/export/statements.jsonl", dateTo="1900-01-01")) == []
    )


async def test_unknown_export_is_404(live_server: LiveServer) -> None:
    response = await export(live_server, "/export/speeches.xlsx")
    assert response.status_code == 404
    assert "statements" in response.json()["error"]["message"]

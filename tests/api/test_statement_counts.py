"""statementCounts agrees with statements(filter) for every grouping: each group's count is the
totalCount of the same filter narrowed to that group (read from the API, not hard-coded)."""

from __future__ import annotations

import calendar
from typing import Any

import pytest
from api_support import GraphQL, path_fixture

api = path_fixture()

COUNTS = """
query($f: StatementFilter, $g: StatementGrouping!) {
  statementCounts(filter: $f, groupBy: $g) { key label count }
}
"""
TOTAL = "query($f: StatementFilter) { statements(filter: $f) { totalCount } }"


async def groups(api: GraphQL, grouping: str, base: dict[str, Any]) -> list[dict[str, Any]]:
    body = await api(COUNTS, {"f": base, "g": grouping})
    return body["data"]["statementCounts"]


async def total(api: GraphQL, f: dict[str, Any]) -> int:
    return (await api(TOTAL, {"f": f}))["data"]["statements"]["totalCount"]


def narrowed(grouping: str, group: dict[str, Any]) -> dict[str, Any]:
    """The StatementFilter that selects exactly one group."""
    key = group["key"]
    if grouping == "SPEAKER":
        return {"speakerId": key}
    if grouping == "TOPIC":
        return {"topic": key}
    if grouping == "ORGANISATION":
        return {"organisation": group["label"]}
    if grouping == "EVENT":
        return {"eventId": key}
    if grouping == "MONTH":
        year, month = map(int, key.split("-"))
        last = calendar.monthrange(year, month)[1]
        return {"dateFrom": f"{key}-01", "dateTo": f"{key}-{last:02d}"}
    assert grouping == "YEAR"
    return {"dateFrom": f"{key}-01-01", "dateTo": f"{key}-12-31"}


GROUPINGS = ["SPEAKER", "TOPIC", "ORGANISATION", "EVENT", "MONTH", "YEAR"]
BASES: list[dict[str, Any]] = [{}, {"speaker": "Nazarbayev"}, {"kinds": ["ANSWER"]}]


@pytest.mark.parametrize("grouping", GROUPINGS)
@pytest.mark.parametrize("base", BASES, ids=["all", "nazarbayev", "answers"])
async def test_each_group_count_equals_the_filtered_statements(
    api: GraphQL, grouping: str, base: dict[str, Any]
) -> None:
    found = await groups(api, grouping, base)
    assert found, "every grouping has groups in the seed corpus"
    assert len({g["key"] for g in found}) == len(found)
    for group in found:
        assert group["label"]
        assert group["count"] == await total(api, {**base, **narrowed(grouping, group)}), group


async def test_groups_are_ordered_for_charts(api: GraphQL) -> None:
    speakers = await groups(api, "SPEAKER", {})
    assert [g["count"] for g in speakers] == sorted((g["count"] for g in speakers), reverse=True)
    months = await groups(api, "MONTH", {})
    assert [g["key"] for g in months] == sorted(g["key"] for g in months)


async def test_partitions_add_up(api: GraphQL) -> None:
    """Each statement has one event and one date, so those groupings partition the total."""
    everything = await total(api, {})
    assert sum(g["count"] for g in await groups(api, "EVENT", {})) == everything
    body = await api("{ statements(first: 100) { nodes { spokenOn speaker { id } } } }")
    nodes = body["data"]["statements"]["nodes"]
    dated = sum(1 for n in nodes if n["spokenOn"])
    assert sum(g["count"] for g in await groups(api, "YEAR", {})) == dated
    assert sum(g["count"] for g in await groups(api, "MONTH", {})) == dated
    spoken = sum(1 for n in nodes if n["speaker"])
    assert sum(g["count"] for g in await groups(api, "SPEAKER", {})) == spoken


async def test_keys_are_ids_slugs_and_periods(api: GraphQL) -> None:
    for grouping, type_name in (("SPEAKER", "Person"), ("EVENT", "Event")):
        for group in await groups(api, grouping, {}):
            body = await api(
                "query($id: ID!) { node(id: $id) { __typename } }", {"id": group["key"]}
            )
            assert body["data"]["node"]["__typename"] == type_name
    for group in await groups(api, "YEAR", {}):
        assert len(group["key"]) == 4 and group["key"].isdigit()


async def test_unknown_name_counts_nothing(api: GraphQL) -> None:
    assert await groups(api, "TOPIC", {"speaker": "Nobody Atall"}) == []

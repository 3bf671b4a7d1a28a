"""Figures an analyst can trust: base values (Figure.baseValue, baseUnit) and ordering by them,
and a figure's own topics (Figure.topics, FigureFilter.topic), on both read paths, over a fresh
database holding two small transcripts (so what is asserted is the whole answer, whatever other
tests add to the shared database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_support import PATHS
from http_support import INGEST, GraphQL, client

TRANSCRIPT = (
    "Press conference on aid, 1 March 2024\n\n"
    "VLADIMIR PUTIN: Last month we delivered 500 kilograms of medicines to the region. In March"
    " we sent 2 tonnes of grain. The new highway runs for 3 km and the old one for 900 metres.\n\n"
    "Q: And the money?\n\n"
    "VLADIMIR PUTIN: We spent $2 million, and 5 million roubles on top of that.\n"
)
# Trade is named in the statement, but not in the sentence of "3 million inhabitants" nor in
# the one before it; "It grew by 15%." follows a sentence about the harvest.
TOPICS_TRANSCRIPT = (
    "Press conference on trade, 2 March 2024\n\n"
    "VLADIMIR PUTIN: Our trade with China grew by 20% last year. The weather was fine and we"
    " met many people. The region has 3 million inhabitants.\n\n"
    "Q: And farming?\n\n"
    "VLADIMIR PUTIN: We discussed the grain harvest. It grew by 15%.\n"
)
FIGURES = """
query($f: FigureFilter, $o: FigureOrder) {
  figures(filter: $f, orderBy: $o, first: 100) {
    nodes { text value high unit baseValue baseHigh baseUnit } } }
"""


@pytest.fixture(scope="module")
async def database(make_module_live_server: Callable[..., Any]) -> str:
    """A fresh database with both transcripts ingested through the public mutation."""
    server = make_module_live_server()
    for text, name in ((TRANSCRIPT, "aid.txt"), (TOPICS_TRANSCRIPT, "trade.txt")):
        body = await client(server.url)(
            INGEST, {"input": {"text": text, "filename": name}}, token=server.settings.admin_token
        )
        assert body["data"]["ingestDocument"]["errors"] == []
    return str(server.settings.database_url)


@pytest.fixture(scope="module", params=PATHS)
def api(
    request: pytest.FixtureRequest, database: str, make_module_live_server: Callable[..., Any]
) -> GraphQL:
    """One server per read path (api_support.PATHS): as served, and Strawberry only."""
    if request.param == "served":
        return client(make_module_live_server(database).url)
    return client(make_module_live_server(database, graphql_compiled=False).url)


async def figures(api: GraphQL, **variables: Any) -> list[dict[str, Any]]:
    return (await api(FIGURES, variables))["data"]["figures"]["nodes"]


async def test_value_order_compares_masses_in_kilograms(api: GraphQL) -> None:
    masses = await figures(api, f={"kinds": ["MASS"]}, o="VALUE_DESC")
    assert [(n["text"], n["value"], n["unit"]) for n in masses] == [
        ("2 tonnes", 2, "t"),
        ("500 kilograms", 500, "kg"),
    ]
    assert [(n["baseValue"], n["baseUnit"]) for n in masses] == [(2000, "kg"), (500, "kg")]
    ascending = await figures(api, f={"kinds": ["MASS"]}, o="VALUE_ASC")
    assert [n["text"] for n in ascending] == ["500 kilograms", "2 tonnes"]


async def test_value_order_compares_lengths_in_metres(api: GraphQL) -> None:
    lengths = await figures(api, f={"kinds": ["OTHER"]}, o="VALUE_DESC")
    assert [(n["text"], n["baseValue"], n["baseUnit"]) for n in lengths] == [
        ("3 km", 3000, "m"),
        ("900 metres", 900, "m"),
    ]


async def test_money_keeps_its_currency(api: GraphQL) -> None:
    money = await figures(api, f={"kinds": ["MONEY"]}, o="VALUE_DESC")
    assert {(n["text"], n["baseValue"], n["baseUnit"]) for n in money} == {
        ("$2 million", 2_000_000, "USD"),
        ("5 million roubles", 5_000_000, "RUB"),
    }
    assert all(n["baseValue"] == n["value"] and n["baseHigh"] is None for n in money)


async def test_every_order_by_value_is_by_base_value(api: GraphQL) -> None:
    everything = await figures(api, o="VALUE_DESC")
    assert len(everything) == 9
    values = [n["baseValue"] for n in everything]
    assert values == sorted(values, reverse=True)
    assert [n["value"] for n in everything] != sorted(
        (n["value"] for n in everything), reverse=True
    ), "the raw values must disagree with the base order, or this test shows nothing"


TOPICS = """
query($f: FigureFilter) {
  figures(filter: $f, first: 100) {
    nodes { text topics { slug name } statement { topics { slug } } } } }
"""


async def test_topic_filter_matches_the_figures_own_sentence(api: GraphQL) -> None:
    trade = (await api(TOPICS, {"f": {"topic": "Trade"}}))["data"]["figures"]["nodes"]
    assert [n["text"] for n in trade] == ["20%"]
    assert [t["slug"] for t in trade[0]["topics"]] == ["china", "trade"]  # by name
    farming = (await api(TOPICS, {"f": {"topic": "agriculture"}}))["data"]["figures"]["nodes"]
    assert {n["text"] for n in farming} == {"2 tonnes", "15%"}  # "15%": the sentence before
    roads = (await api(TOPICS, {"f": {"topic": "infrastructure"}}))["data"]["figures"]["nodes"]
    assert {n["text"] for n in roads} == {"3 km", "900 metres"}  # not grain: a highway


async def test_a_figure_in_a_statement_about_trade_need_not_be_about_trade(api: GraphQL) -> None:
    nodes = (await api(TOPICS, {"f": {"kinds": ["COUNT"]}}))["data"]["figures"]["nodes"]
    inhabitants = next(n for n in nodes if n["text"] == "3 million inhabitants")
    assert "trade" in {t["slug"] for t in inhabitants["statement"]["topics"]}
    assert inhabitants["topics"] == []

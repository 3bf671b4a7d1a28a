"""Quoting a statement with its context: the turns before and after it in its event, and where
it is in the page, on both read paths."""

from __future__ import annotations

import itertools

from api_support import path_fixture
from http_support import GraphQL

api = path_fixture()

AROUND = """
{
  events(first: 1, orderBy: DATE_ASC) {
    nodes {
      statements(first: 100) {
        nodes {
          id sequence sourceSpan { start end }
          previous { id sequence }
          next { id sequence }
        }
      }
    }
  }
}
"""


async def test_previous_and_next_are_the_neighbouring_turns(api: GraphQL) -> None:
    body = await api(AROUND)
    turns = body["data"]["events"]["nodes"][0]["statements"]["nodes"]
    assert len(turns) >= 3
    assert turns[0]["previous"] is None
    assert turns[-1]["next"] is None or len(turns) == 100
    for before, after in itertools.pairwise(turns):
        assert after["previous"] == {"id": before["id"], "sequence": before["sequence"]}
        assert before["next"] == {"id": after["id"], "sequence": after["sequence"]}
        assert before["sourceSpan"]["end"] <= after["sourceSpan"]["start"]


async def test_a_quote_reads_its_context_in_one_query(api: GraphQL) -> None:
    body = await api(
        '{ statements(filter: {speaker: "Nazarbayev", topic: "Afghanistan"}, first: 1) { nodes {'
        " text previous { speakerLabel text } next { speakerLabel text }"
        " event { title document { sourceUrl filename } } } } }"
    )
    (quote,) = body["data"]["statements"]["nodes"]
    assert quote["previous"] is None or quote["previous"]["text"]
    assert quote["next"] is None or quote["next"]["text"]
    assert quote["previous"] or quote["next"]
    assert quote["event"]["document"]["filename"]


async def test_each_paragraph_points_at_its_words_in_the_page(api: GraphQL) -> None:
    body = await api(
        "{ events(first: 2) { nodes { document { text } statements(first: 50) { nodes {"
        " text sourceSpan { start end } paragraphs { start end } } } } } }"
    )
    checked = 0
    for event in body["data"]["events"]["nodes"]:
        page = event["document"]["text"]
        for turn in event["statements"]["nodes"]:
            spans = turn["paragraphs"]
            lines = turn["text"].split("\n")
            assert len(spans) == len(lines)
            assert spans[0]["start"] == turn["sourceSpan"]["start"]
            assert spans[-1]["end"] == turn["sourceSpan"]["end"]
            for span, line in zip(spans, lines, strict=True):
                # the page's words at that place, whitespace as the text normalises it
                assert " ".join(page[span["start"] : span["end"]].split()) == line
                checked += 1
    assert checked > 20

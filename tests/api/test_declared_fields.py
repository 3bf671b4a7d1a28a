"""The fields served from what was stored but not exposed: mention evidence, mentioned persons,
a person's Wikidata id, country and offices. Each is one declaration (service.api.declared);
these tests run on both paths (and, with the shadow check on, compare them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
from api_support import GraphQL, path_fixture

from service.api import ids

api = path_fixture()

MENTIONS = """
{ statements(first: 100) { nodes {
    id text sourceSpan { start end }
    event { document { text } }
    topics { id } organisations { id }
    mentionedPersons { id name }
    topicMentions { text sourceSpan { start end } topic { id } }
    organisationMentions { text sourceSpan { start end } organisation { id } }
} } }
"""


async def test_mention_spans_are_the_words_and_back_the_topics(api: GraphQL) -> None:
    statements = (await api(MENTIONS))["data"]["statements"]["nodes"]
    seen = 0
    for s in statements:
        document = s["event"]["document"]["text"]
        span = s["sourceSpan"]
        for kind, ref, listed in (
            ("topicMentions", "topic", "topics"),
            ("organisationMentions", "organisation", "organisations"),
        ):
            mentions = s[kind]
            starts = [m["sourceSpan"]["start"] for m in mentions]
            assert starts == sorted(starts), "in text order"
            for m in mentions:
                start, end = m["sourceSpan"]["start"], m["sourceSpan"]["end"]
                assert document[start:end] == m["text"], "offsets index the stored text"
                assert span["start"] <= start < end <= span["end"], "inside the statement"
                seen += 1
            # the evidence names exactly the topics / organisations listed
            assert {m[ref]["id"] for m in mentions} == {x["id"] for x in s[listed]}
    assert seen > 0, "the seed documents mention topics and organisations"


async def test_mentioned_persons_are_the_stored_mentions(api: GraphQL, pool: asyncpg.Pool) -> None:
    statements = (await api(MENTIONS))["data"]["statements"]["nodes"]
    rows = await pool.fetch(
        "SELECT pm.statement_id, coalesce(k.name, m.name) AS name FROM person_mention pm"
        " JOIN person m ON m.id = pm.person_id LEFT JOIN person k ON k.id = m.merged_into_id"
    )
    stored: dict[int, set[str]] = {}
    for row in rows:
        stored.setdefault(row["statement_id"], set()).add(row["name"])
    for s in statements:
        names = [p["name"] for p in s["mentionedPersons"]]
        assert names == sorted(names), "by name"
        assert len(names) == len(set(names)), "each person once"
        assert set(names) == stored.get(ids.decode(s["id"])[1], set())


PERSON = """
query($name: String!) { person(name: $name) {
  id wikidataId country offices { office country startDate endDate source }
} }
"""


async def test_person_identity_and_offices(api: GraphQL, pool: asyncpg.Pool) -> None:
    """What is stored, offices latest start first; nothing stored is null and []."""
    persons = (await api("{ persons(first: 1) { nodes { id name } } }"))["data"]["persons"]
    name = persons["nodes"][0]["name"]
    pk = ids.decode(persons["nodes"][0]["id"])[1]
    saved = await pool.fetchrow("SELECT wikidata_id, country FROM person WHERE id = $1", pk)
    saved_offices = await pool.fetch("SELECT * FROM person_office WHERE person_id = $1", pk)
    offices: list[tuple[Any, ...]] = [
        ("Minister of Testing", "NO", dt.date(2001, 1, 2), dt.date(2004, 5, 6), "curated"),
        ("President of Testing", "NO", dt.date(2005, 1, 1), None, "office_holders"),
        ("Envoy of Testing", None, None, None, "transcript"),
    ]
    try:
        await pool.execute("UPDATE person SET wikidata_id = NULL, country = NULL WHERE id = $1", pk)
        await pool.execute("DELETE FROM person_office WHERE person_id = $1", pk)
        before = (await api(PERSON, {"name": name}))["data"]["person"]
        await pool.execute(
            "UPDATE person SET wikidata_id = 'Q123456789', country = 'NO' WHERE id = $1", pk
        )
        await pool.executemany(
            "INSERT INTO person_office (person_id, office, country, start_date, end_date, source)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            [(pk, *office) for office in offices],
        )
        after = (await api(PERSON, {"name": name}))["data"]["person"]
    finally:
        await pool.execute("DELETE FROM person_office WHERE person_id = $1", pk)
        await pool.execute(
            "UPDATE person SET wikidata_id = $2, country = $3 WHERE id = $1",
            pk,
            saved["wikidata_id"],
            saved["country"],
        )
        await pool.executemany(
            "INSERT INTO person_office (person_id, office, country, start_date, end_date, source)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (pk, r["office"], r["country"], r["start_date"], r["end_date"], r["source"])
                for r in saved_offices
            ],
        )
    assert before == {
        "id": persons["nodes"][0]["id"],
        "wikidataId": None,
        "country": None,
        "offices": [],
    }
    assert after["wikidataId"] == "Q123456789"
    assert after["country"] == "NO"
    assert after["offices"] == [
        {
            "office": "President of Testing",
            "country": "NO",
            "startDate": "2005-01-01",
            "endDate": None,
            "source": "office_holders",
        },
        {
            "office": "Minister of Testing",
            "country": "NO",
            "startDate": "2001-01-02",
            "endDate": "2004-05-06",
            "source": "curated",
        },
        {
            "office": "Envoy of Testing",
            "country": None,
            "startDate": None,
            "endDate": None,
            "source": "transcript",
        },
    ]

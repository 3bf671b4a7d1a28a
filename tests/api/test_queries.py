"""Every Query field over real HTTP on the seeded server: filters, orders, paging, node, names.

Expected values come from the API itself wherever possible (e.g. a page walk must equal one big
page), so the tests check the API's behaviour, not the parser's output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from api_support import GraphQL, client, path_fixture

api = path_fixture()

STATEMENT_PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $order: StatementOrder) {
  statements(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def statements_page(api: GraphQL, **variables: Any) -> dict[str, Any]:
    return (await api(STATEMENT_PAGE, variables))["data"]["statements"]


async def all_statement_ids(api: GraphQL, order: str = "DATE_DESC") -> list[str]:
    page = await statements_page(api, first=100, order=order)
    assert page["totalCount"] <= 100, "the seed corpus fits one page"
    return [n["id"] for n in page["nodes"]]


# ---------------------------------------------------------------- pagination


async def test_paging_forward_walks_every_item_once(api: GraphQL) -> None:
    everything = await all_statement_ids(api)
    seen: list[str] = []
    after = None
    has_previous = False
    while True:
        page = await statements_page(api, first=7, after=after)
        assert page["totalCount"] == len(everything)
        assert [e["node"]["id"] for e in page["edges"]] == [n["id"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] is has_previous
        seen += [n["id"] for n in page["nodes"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        has_previous = True
    assert seen == everything


async def test_paging_backward_walks_every_item_once(api: GraphQL) -> None:
    everything = await all_statement_ids(api)
    seen: list[str] = []
    before = None
    has_next = False
    while True:
        page = await statements_page(api, last=6, before=before)
        assert page["pageInfo"]["hasNextPage"] is has_next
        seen = [n["id"] for n in page["nodes"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
        has_next = True
    assert seen == everything


async def test_first_and_last_together_slice_the_first_page(api: GraphQL) -> None:
    everything = await all_statement_ids(api)
    page = await statements_page(api, first=10, last=3)
    assert [n["id"] for n in page["nodes"]] == everything[7:10]
    assert page["pageInfo"]["hasPreviousPage"] and page["pageInfo"]["hasNextPage"]


async def test_after_and_before_bound_a_window(api: GraphQL) -> None:
    everything = await all_statement_ids(api)
    edges = (await statements_page(api, first=10))["edges"]
    page = await statements_page(
        api, first=100, after=edges[2]["cursor"], before=edges[8]["cursor"]
    )
    assert [n["id"] for n in page["nodes"]] == everything[3:8]


async def test_default_page_is_twenty(api: GraphQL) -> None:
    page = await statements_page(api)
    assert len(page["nodes"]) == min(20, page["totalCount"])
    assert page["pageInfo"]["hasNextPage"] is (page["totalCount"] > 20)


async def test_zero_first_gives_an_empty_page_that_knows_more_exists(api: GraphQL) -> None:
    page = await statements_page(api, first=0)
    assert page["nodes"] == [] and page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_negative_page_size_is_a_bad_user_input(api: GraphQL, argument: str) -> None:
    body = await api(STATEMENT_PAGE, {argument: -1}, expect_errors=True)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert argument in body["errors"][0]["message"]


async def test_garbage_cursor_is_a_bad_user_input(api: GraphQL) -> None:
    body = await api(STATEMENT_PAGE, {"first": 2, "after": "not-a-cursor"}, expect_errors=True)
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_page_size_is_capped(seeded: Any, make_live_server: Any, database_url: str) -> None:
    """The cap is MAX_PAGE_SIZE (100 by default); a small cap shows it on the small corpus."""
    server = make_live_server(database_url, max_page_size=4)
    call = client(server.url)
    for variables in ({"first": 1000}, {"last": 1000}, {"first": 50, "last": 50}):
        page = (await call(STATEMENT_PAGE, variables))["data"]["statements"]
        assert len(page["nodes"]) == 4, variables


async def test_nested_connections_page_too(api: GraphQL) -> None:
    query = """
    query($first: Int, $after: String, $last: Int) {
      events(first: 1) { nodes { statements(first: $first, after: $after, last: $last) {
        totalCount nodes { sequence } pageInfo { hasNextPage hasPreviousPage endCursor } } } }
    }"""

    async def page(**variables: Any) -> dict[str, Any]:
        body = await api(query, variables)
        return body["data"]["events"]["nodes"][0]["statements"]

    everything = await page(first=100)
    sequences = [n["sequence"] for n in everything["nodes"]]
    assert sequences == list(range(1, everything["totalCount"] + 1))
    first = await page(first=3)
    assert [n["sequence"] for n in first["nodes"]] == sequences[:3]
    second = await page(first=3, after=first["pageInfo"]["endCursor"])
    assert [n["sequence"] for n in second["nodes"]] == sequences[3:6]
    assert second["pageInfo"]["hasPreviousPage"]
    tail = await page(last=2)
    assert [n["sequence"] for n in tail["nodes"]] == sequences[-2:]
    assert tail["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": tail["pageInfo"]["endCursor"],
    }


# ---------------------------------------------------------------- node


NODE_IDS = """
{
  documents(first: 1) { nodes { id } }
  events(first: 1) { nodes { id } }
  persons(first: 1) { nodes { id } }
  organisations(first: 1) { nodes { id } }
  topics(first: 1) { nodes { id } }
  statements(first: 1) { nodes { id } }
  figures(first: 1) { nodes { id } }
}
"""


async def test_every_node_type_round_trips(api: GraphQL) -> None:
    data = (await api(NODE_IDS))["data"]
    expected = {
        "documents": "SourceDocument",
        "events": "Event",
        "persons": "Person",
        "organisations": "Organisation",
        "topics": "Topic",
        "statements": "Statement",
        "figures": "Figure",
    }
    for field, type_name in expected.items():
        assert data[field]["nodes"], f"no {type_name} in the seed corpus"
        global_id = data[field]["nodes"][0]["id"]
        body = await api("query($id: ID!) { node(id: $id) { __typename id } }", {"id": global_id})
        assert body["data"]["node"] == {"__typename": type_name, "id": global_id}


async def test_node_of_unknown_and_garbage_ids(api: GraphQL) -> None:
    import base64

    missing = base64.b64encode(b"Statement:999999999").decode()
    body = await api("query($id: ID!) { node(id: $id) { id } }", {"id": missing})
    assert body["data"]["node"] is None
    body = await api(
        "query($id: ID!) { node(id: $id) { id } }", {"id": "garbage"}, expect_errors=True
    )
    assert codes(body) == ["BAD_USER_INPUT"]


# ---------------------------------------------------------------- orders


async def test_statement_orders(api: GraphQL) -> None:
    query = """query($order: StatementOrder) { statements(first: 100, orderBy: $order) {
      nodes { id sequence spokenOn event { id } } } }"""
    desc = (await api(query, {"order": "DATE_DESC"}))["data"]["statements"]["nodes"]
    asc = (await api(query, {"order": "DATE_ASC"}))["data"]["statements"]["nodes"]
    assert sorted(n["id"] for n in desc) == sorted(n["id"] for n in asc)
    dates_desc = [n["spokenOn"] for n in desc if n["spokenOn"]]
    assert dates_desc == sorted(dates_desc, reverse=True)
    dates_asc = [n["spokenOn"] for n in asc if n["spokenOn"]]
    assert dates_asc == sorted(dates_asc)
    for nodes in (desc, asc):  # within an event, turns read in order
        by_event: dict[str, list[int]] = {}
        for n in nodes:
            by_event.setdefault(n["event"]["id"], []).append(n["sequence"])
        assert all(seqs == sorted(seqs) for seqs in by_event.values())


async def test_event_orders(api: GraphQL) -> None:
    query = "query($o: EventOrder) { events(orderBy: $o) { nodes { date time } } }"
    desc = (await api(query, {"o": "DATE_DESC"}))["data"]["events"]["nodes"]
    asc = (await api(query, {"o": "DATE_ASC"}))["data"]["events"]["nodes"]
    key = [(n["date"] or "", n["time"] or "") for n in desc]
    assert key == sorted(key, reverse=True)
    assert asc == list(reversed(desc))


async def test_figure_orders(api: GraphQL) -> None:
    """VALUE_* compare base values ("over five tons" is 5,000 kg); test_figure_values.py
    checks mixed units in detail."""
    query = "query($o: FigureOrder) { figures(first: 100, orderBy: $o) { nodes { baseValue } } }"
    values = {
        order: [
            n["baseValue"] for n in (await api(query, {"o": order}))["data"]["figures"]["nodes"]
        ]
        for order in ("VALUE_DESC", "VALUE_ASC", "DATE_DESC", "DATE_ASC")
    }
    assert values["VALUE_DESC"] == sorted(values["VALUE_DESC"], reverse=True)
    assert values["VALUE_ASC"] == sorted(values["VALUE_ASC"])
    assert sorted(values["DATE_DESC"]) == sorted(values["VALUE_ASC"])


# ---------------------------------------------------------------- statement filters


async def count(api: GraphQL, filter: dict[str, Any]) -> int:
    body = await api(
        "query($f: StatementFilter) { statements(filter: $f) { totalCount } }", {"f": filter}
    )
    return body["data"]["statements"]["totalCount"]


async def test_statement_filters_narrow_and_combine(api: GraphQL) -> None:
    query = """query($f: StatementFilter) { statements(filter: $f, first: 100) { totalCount
      nodes { id kind spokenOn text speaker { id } event { id } topics { slug }
              organisations { name } } } }"""
    everything = (await api(query, {"f": {}}))["data"]["statements"]["nodes"]
    first = everything[0]

    async def ids_for(f: dict[str, Any]) -> set[str]:
        return {n["id"] for n in (await api(query, {"f": f}))["data"]["statements"]["nodes"]}

    assert await ids_for({"kinds": ["QUESTION"]}) == {
        n["id"] for n in everything if n["kind"] == "QUESTION"
    }
    assert await ids_for({"kinds": ["QUESTION", "ANSWER"]}) == {
        n["id"] for n in everything if n["kind"] in ("QUESTION", "ANSWER")
    }
    event = first["event"]["id"]
    assert await ids_for({"eventId": event}) == {
        n["id"] for n in everything if n["event"]["id"] == event
    }
    day = first["spokenOn"]
    assert await ids_for({"dateFrom": day, "dateTo": day}) == {
        n["id"] for n in everything if n["spokenOn"] == day
    }
    assert await ids_for({"dateFrom": "2100-01-01"}) == set()
    speaker = next(n["speaker"]["id"] for n in everything if n["speaker"])
    assert await ids_for({"speakerId": speaker}) == {
        n["id"] for n in everything if n["speaker"] and n["speaker"]["id"] == speaker
    }
    afghanistan = {n["id"] for n in everything if "afghanistan" in {t["slug"] for t in n["topics"]}}
    assert afghanistan
    assert await ids_for({"topic": "AFGHANISTAN"}) == afghanistan
    assert await ids_for({"topic": "afghanistan"}) == afghanistan
    nato = {
        n["id"]
        for n in everything
        if any(o["name"].startswith("North Atlantic") for o in n["organisations"])
    }
    assert await ids_for({"organisation": "nato"}) == nato
    text_hits = await ids_for({"text": "Afghanistan"})
    assert text_hits and text_hits <= {n["id"] for n in everything if "Afghan" in n["text"]}
    both = await ids_for({"text": "Afghanistan", "kinds": ["ANSWER"]})
    assert both == text_hits & {n["id"] for n in everything if n["kind"] == "ANSWER"}


async def test_unknown_names_give_empty_results_not_errors(api: GraphQL) -> None:
    for f in ({"speaker": "Nobody Atall"}, {"topic": "Atlantis"}, {"organisation": "Xyzzy"}):
        assert await count(api, f) == 0
    body = await api('{ person(name: "Nobody Atall") { id } organisation(name: "Xyzzy") { id } }')
    assert body["data"] == {"person": None, "organisation": None}


async def test_speaker_id_of_wrong_type_is_refused(api: GraphQL) -> None:
    event = (await api("{ events(first: 1) { nodes { id } } }"))["data"]["events"]["nodes"][0]
    body = await api(
        "query($f: StatementFilter) { statements(filter: $f) { totalCount } }",
        {"f": {"speakerId": event["id"]}},
        expect_errors=True,
    )
    assert codes(body) == ["BAD_USER_INPUT"]


# ---------------------------------------------------------------- names


async def person_id(api: GraphQL, name: str) -> str | None:
    body = await api("query($n: String!) { person(name: $n) { id } }", {"n": name})
    person = body["data"]["person"]
    return person["id"] if person else None


async def test_name_forms_resolve_to_one_person(api: GraphQL) -> None:
    nazarbayev = await person_id(api, "Nursultan Nazarbayev")
    assert nazarbayev
    for form in (
        "nazarbayev",
        "NAZARBAEV",
        "Nazarbáev",
        "Nursultan Nazarbaev",
        "Mr Nazarbaev",
        "Nursultan Abishevich",
        "  nursultan   NAZARBAYEV ",
    ):
        assert await person_id(api, form) == nazarbayev, form
    assert await count(api, {"speaker": "Nazarbáev"}) == await count(api, {"speakerId": nazarbayev})


async def test_persons_type_ahead(api: GraphQL) -> None:
    query = "query($n: String) { persons(filter: {name: $n}) { nodes { name } } }"
    for typed in ("Naz", "naza", "Nursul", "nazarbaye"):
        names = [n["name"] for n in (await api(query, {"n": typed}))["data"]["persons"]["nodes"]]
        assert any("Nazarba" in name for name in names), typed
    everyone = (await api(query, {"n": None}))["data"]["persons"]["nodes"]
    assert len(everyone) > 1
    assert (await api(query, {"n": "zzzq"}))["data"]["persons"]["nodes"] == []


async def test_organisations_filter_and_lookup(api: GraphQL) -> None:
    query = """query($f: OrganisationFilter) { organisations(filter: $f, first: 100) {
      totalCount nodes { id name acronym kind aliases } } }"""
    everything = (await api(query, {"f": None}))["data"]["organisations"]["nodes"]
    nato = next(o for o in everything if o["acronym"] == "NATO")
    typed = (await api(query, {"f": {"name": "north atl"}}))["data"]["organisations"]
    assert nato["id"] in {o["id"] for o in typed["nodes"]}
    kinds = (await api(query, {"f": {"kinds": [nato["kind"]]}}))["data"]["organisations"]
    assert {o["kind"] for o in kinds["nodes"]} == {nato["kind"]}
    for name in ("NATO", "nato", nato["name"], nato["name"].upper(), *nato["aliases"]):
        body = await api("query($n: String!) { organisation(name: $n) { id } }", {"n": name})
        assert body["data"]["organisation"] == {"id": nato["id"]}, name


async def test_ambiguous_surname_lists_the_candidates(
    make_live_server: Any, public_tmp: Path
) -> None:
    """Two people named Aliyev: 'Aliyev' alone is ambiguous, the full names are not."""
    server = make_live_server()
    call = client(server.url)
    text = (
        "Press conference of the Presidents of Azerbaijan\n"
        "12 March 2003, Baku\n\n"
        "HEYDAR ALIYEV: Good afternoon. We discussed the pipeline and regional security.\n\n"
        "ILHAM ALIYEV: Thank you. The pipeline will be finished on time, I am sure of it.\n\n"
        "HEYDAR ALIYEV: That concludes our statements. Thank you all.\n"
    )
    body = await call(
        "mutation($i: IngestDocumentInput!) { ingestDocument(input: $i) { errors { code } } }",
        {"i": {"text": text, "filename": "aliyev.txt"}},
        token=server.settings.admin_token,
    )
    assert body["data"]["ingestDocument"]["errors"] == []
    heydar = await person_id(call, "Heydar Aliyev")
    ilham = await person_id(call, "Ilham Aliyev")
    assert heydar and ilham and heydar != ilham
    body = await call(
        '{ statements(filter: {speaker: "Aliyev"}) { totalCount } }', expect_errors=True
    )
    assert codes(body) == ["AMBIGUOUS_NAME"]
    error = body["errors"][0]
    assert {c["id"] for c in error["extensions"]["candidates"]} == {heydar, ilham}
    assert "Heydar Aliyev" in error["message"] and "Ilham Aliyev" in error["message"]
    assert heydar in error["message"] and ilham in error["message"]
    body = await call('{ person(name: "Aliev") { id } }', expect_errors=True)
    assert codes(body) == ["AMBIGUOUS_NAME"]
    # first name + patronymic (never printed on the page), and a misspelling
    assert await person_id(call, "Ilham Heydarovich") == ilham
    assert await person_id(call, "Ilham Aliyeff") == ilham


# ---------------------------------------------------------------- events, topics, documents


async def test_event_filters(api: GraphQL) -> None:
    query = """query($f: EventFilter) { events(filter: $f) { totalCount
      nodes { id kind date title location organisations { acronym }
              participants { person { name } } } } }"""
    everything = (await api(query, {"f": None}))["data"]["events"]["nodes"]

    async def ids_for(f: dict[str, Any]) -> set[str]:
        return {n["id"] for n in (await api(query, {"f": f}))["data"]["events"]["nodes"]}

    kind = everything[0]["kind"]
    assert await ids_for({"kinds": [kind]}) == {e["id"] for e in everything if e["kind"] == kind}
    assert await ids_for({"organisation": "NATO"}) == {
        e["id"] for e in everything if "NATO" in {o["acronym"] for o in e["organisations"]}
    }
    assert await ids_for({"participant": "Putin"}) == {
        e["id"]
        for e in everything
        if any(p["person"] and "Putin" in p["person"]["name"] for p in e["participants"])
    }
    day = dt.date.fromisoformat(everything[0]["date"])
    assert await ids_for({"dateFrom": str(day), "dateTo": str(day)}) == {
        e["id"] for e in everything if e["date"] == str(day)
    }
    word = everything[0]["title"].split()[0]
    assert everything[0]["id"] in await ids_for({"text": word})
    assert await ids_for({"text": "Moscow"}) == {
        e["id"] for e in everything if "Moscow" in (e["location"] or "") + e["title"]
    }


async def test_topics_and_documents(api: GraphQL) -> None:
    body = await api(
        """{ topics(first: 100) { totalCount nodes { id slug name kind statementCount
               statements(first: 100) { totalCount nodes { topics { slug } } } } }
             documents { totalCount nodes { id sha256 filename format text ingestedAt
               events { id title document { id } } } } }"""
    )
    topics = body["data"]["topics"]
    assert topics["totalCount"] == len(topics["nodes"]) > 0
    for topic in topics["nodes"]:
        assert topic["statementCount"] == topic["statements"]["totalCount"]
        for statement in topic["statements"]["nodes"]:
            assert topic["slug"] in {t["slug"] for t in statement["topics"]}
    documents = body["data"]["documents"]
    assert documents["totalCount"] == 2
    for document in documents["nodes"]:
        assert document["events"] and all(
            e["document"]["id"] == document["id"] for e in document["events"]
        )
        assert dt.datetime.fromisoformat(document["ingestedAt"]).tzinfo is not None


async def test_source_spans_index_the_document_text(api: GraphQL) -> None:
    body = await api(
        """{ documents { nodes { text events { statements(first: 100) { nodes {
             text sourceSpan { start end } figures { text sourceSpan { start end } } } } } } } }"""
    )
    for document in body["data"]["documents"]["nodes"]:
        source = document["text"]
        for event in document["events"]:
            for statement in event["statements"]["nodes"]:
                span = statement["sourceSpan"]
                assert 0 <= span["start"] < span["end"] <= len(source)
                first_words = statement["text"].split("\n")[0][:20]
                assert first_words in source[span["start"] : span["end"]]
                for figure in statement["figures"]:
                    s = figure["sourceSpan"]
                    assert source[s["start"] : s["end"]] == figure["text"]


# ---------------------------------------------------------------- figures and search


async def test_figure_filters(api: GraphQL) -> None:
    query = """query($f: FigureFilter, $o: FigureOrder) {
      figures(filter: $f, orderBy: $o, first: 100) { totalCount
        nodes { id value high unit kind baseValue speaker { id name } topics { slug } } } }"""
    everything = (await api(query, {"f": None}))["data"]["figures"]["nodes"]

    async def ids_for(f: dict[str, Any]) -> set[str]:
        return {n["id"] for n in (await api(query, {"f": f}))["data"]["figures"]["nodes"]}

    assert await ids_for({"unit": "usd"}) == {f["id"] for f in everything if f["unit"] == "USD"}
    assert await ids_for({"kinds": ["PERCENTAGE"]}) == {
        f["id"] for f in everything if f["kind"] == "PERCENTAGE"
    }
    assert await ids_for({"minValue": 100, "maxValue": 10000}) == {
        f["id"] for f in everything if f["value"] >= 100 and (f["high"] or f["value"]) <= 10000
    }
    assert await ids_for({"speaker": "Putin"}) == {
        f["id"] for f in everything if f["speaker"] and f["speaker"]["name"] == "Vladimir Putin"
    }
    # the mission's sibling: every figure Putin quoted about a topic (the figure's own), largest
    # first
    putin = [f for f in everything if f["speaker"] and f["speaker"]["name"] == "Vladimir Putin"]
    topic = next(t["slug"] for f in putin for t in f["topics"])
    body = await api(query, {"f": {"speaker": "Putin", "topic": topic}, "o": "VALUE_DESC"})
    nodes = body["data"]["figures"]["nodes"]
    assert {n["id"] for n in nodes} == {
        f["id"] for f in putin if topic in {t["slug"] for t in f["topics"]}
    }
    values = [n["baseValue"] for n in nodes]
    assert values and values == sorted(values, reverse=True)


async def test_search_ranks_and_highlights(api: GraphQL) -> None:
    query = """query($q: String!, $f: StatementFilter, $first: Int, $after: String) {
      search(query: $q, filter: $f, first: $first, after: $after) { totalCount
        pageInfo { hasNextPage endCursor }
        nodes { rank highlight statement { id kind text } } } }"""
    result = (await api(query, {"q": "Afghanistan"}))["data"]["search"]
    nodes = result["nodes"]
    assert result["totalCount"] == len(nodes) > 1
    ranks = [n["rank"] for n in nodes]
    assert ranks == sorted(ranks, reverse=True)
    for node in nodes:
        assert "<mark>Afghanistan</mark>" in node["highlight"]
        assert "Afghanistan" in node["statement"]["text"]
    answers = await api(query, {"q": "Afghanistan", "f": {"kinds": ["ANSWER"]}})
    assert {n["statement"]["id"] for n in answers["data"]["search"]["nodes"]} == {
        n["statement"]["id"] for n in nodes if n["statement"]["kind"] == "ANSWER"
    }
    first = (await api(query, {"q": "Afghanistan", "first": 1}))["data"]["search"]
    second = (
        await api(query, {"q": "Afghanistan", "first": 1, "after": first["pageInfo"]["endCursor"]})
    )["data"]["search"]
    assert [n["statement"]["id"] for n in first["nodes"] + second["nodes"]] == [
        n["statement"]["id"] for n in nodes[:2]
    ]
    phrase = (await api(query, {"q": '"energy security"'}))["data"]["search"]
    assert phrase["nodes"]
    excluded = (await api(query, {"q": "Afghanistan -Iraq"}))["data"]["search"]["nodes"]
    assert all("Iraq" not in n["statement"]["text"] for n in excluded)
    empty = (await api(query, {"q": "   "}))["data"]["search"]
    assert empty["totalCount"] == 0


# ---------------------------------------------------------------- statement relations


async def test_replies_and_in_reply_to_agree(api: GraphQL) -> None:
    body = await api(
        """{ statements(first: 100) { nodes { id kind inReplyTo { id kind }
             replies { id inReplyTo { id } } } } }"""
    )
    nodes = body["data"]["statements"]["nodes"]
    assert any(n["inReplyTo"] for n in nodes)
    for node in nodes:
        if node["inReplyTo"]:
            assert node["inReplyTo"]["kind"] == "QUESTION"
        for reply in node["replies"]:
            assert reply["inReplyTo"]["id"] == node["id"]


async def test_person_fields(api: GraphQL) -> None:
    body = await api(
        """{ person(name: "Nazarbayev") { id name aliases titles statementCount
             statements(first: 100) { totalCount nodes { speaker { id } } }
             asc: statements(first: 100, orderBy: DATE_ASC) { nodes { spokenOn } }
             events { totalCount nodes { id } } } }"""
    )
    person = body["data"]["person"]
    assert person["name"] not in person["aliases"]
    assert person["statementCount"] == person["statements"]["totalCount"] > 0
    assert {n["speaker"]["id"] for n in person["statements"]["nodes"]} == {person["id"]}
    dates = [n["spokenOn"] for n in person["asc"]["nodes"]]
    assert dates == sorted(dates)
    assert person["events"]["totalCount"] >= 2

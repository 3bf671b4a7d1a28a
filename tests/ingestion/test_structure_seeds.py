"""Every structural fact of acceptance/seeds.yaml, checked on parse_document's output.

Events (kind, title, date, time, place, host organisations), each turn's speaker and kind in
order, reply links, furniture that must not be speech, and one PersonRef per seed person
reached by all of that person's labels and name forms. Figures and topic queries belong to the
analysis tests.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import yaml
from data_paths import CORPUS
from data_paths import SEEDS as SEEDS_FILE

from service.ingestion.model import ParsedDocument, PersonRef, StatementKind, Turn
from service.ingestion.names import fold_name
from service.ingestion.pipeline import parse_document

SEEDS = yaml.safe_load(SEEDS_FILE.read_text(encoding="utf-8"))
DOCUMENTS = {d["file"]: d for d in SEEDS["documents"]}


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_document((CORPUS / name).read_text(encoding="utf-8"), filename=name)


def person(doc: ParsedDocument, key: str | None) -> PersonRef | None:
    return next((p for p in doc.persons if p.key == key), None)


def forms(p: PersonRef) -> set[str]:
    return {fold_name(n) for n in [p.name, *p.aliases]}


def seed_events() -> list[tuple[str, int]]:
    return [(d["file"], i) for d in SEEDS["documents"] for i in range(len(d["events"]))]


@pytest.mark.parametrize(("name", "index"), seed_events())
def test_event_header(name: str, index: int) -> None:
    doc = parsed(name)
    expected = DOCUMENTS[name]["events"][index]
    assert len(doc.events) == len(DOCUMENTS[name]["events"])
    event = doc.events[index]
    assert event.kind == expected["kind"]
    if "title" in expected:
        assert event.title == expected["title"]
    if "title_contains" in expected:
        assert expected["title_contains"] in event.title
    assert event.date == expected["date"]
    if "time" in expected:
        assert event.time == expected["time"]
    if "location" in expected:
        assert event.location == expected["location"]
    if "location_contains" in expected:
        assert event.location is not None
        assert expected["location_contains"] in event.location
    slugs = {s.lower() for s in event.organisations}
    for org in expected["organisations"]:
        assert org.lower() in slugs


@pytest.mark.parametrize(("name", "index"), seed_events())
def test_turns_in_order(name: str, index: int) -> None:
    doc = parsed(name)
    expected = DOCUMENTS[name]["events"][index]["turns"]
    turns = doc.events[index].turns
    assert [t.sequence for t in turns] == list(range(1, len(turns) + 1))
    assert len(turns) == len(expected)
    last_question: Turn | None = None
    for turn, want in zip(turns, expected, strict=True):
        assert turn.kind == want["kind"], (turn.sequence, turn.label)
        if "speaker" in want:
            who = person(doc, turn.person_key)
            assert who is not None, (turn.sequence, turn.label)
            names = {fold_name(n) for n in SEEDS["persons"][want["speaker"]]["names"]}
            assert fold_name(who.name) in names
        elif want.get("role") == "MODERATOR":
            assert turn.person_key is None
            assert turn.label.upper() == "MODERATOR"
        if "asked_by" in want:
            asker = person(doc, turn.person_key)
            assert asker is not None and asker.name == want["asked_by"]
            outlet = next(o for o in doc.organisations if o.slug == asker.affiliation)
            assert want["outlet"] in {outlet.name, *outlet.aliases}
        elif want["kind"] == "QUESTION":
            assert turn.person_key is None  # an unnamed "Q:" / "Question:"
        if "text" in want:
            assert want["text"] in turn.text
        if want["kind"] == "ANSWER":
            assert last_question is not None
            assert turn.in_reply_to == last_question.sequence
        else:
            assert turn.in_reply_to is None
        if turn.kind == StatementKind.QUESTION:
            last_question = turn
        elif turn.kind == StatementKind.MODERATION:
            last_question = None


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_furniture_is_not_speech(name: str) -> None:
    doc = parsed(name)
    for furniture in DOCUMENTS[name]["not_statements"]:
        for event in doc.events:
            for turn in event.turns:
                assert furniture not in turn.text


def seed_people() -> list[tuple[str, str]]:
    """(page, person) pairs where the source prints one of the person's labels as a label."""
    pairs = []
    for name in DOCUMENTS:
        source = (CORPUS / name).read_text(encoding="utf-8")
        for key, spec in SEEDS["persons"].items():
            if any(f"{label}:" in source for label in spec["labels"]):
                pairs.append((name, key))
    return pairs


@pytest.mark.parametrize(("name", "key"), seed_people())
def test_one_person_per_seed_person(name: str, key: str) -> None:
    """All labels of one seed person on a page resolve to one PersonRef with its forms."""
    doc = parsed(name)
    spec: dict[str, Any] = SEEDS["persons"][key]
    labels = set(spec["labels"])
    keys = {t.person_key for e in doc.events for t in e.turns if t.label in labels}
    assert len(keys) == 1 and None not in keys, f"{key} on {name}: {keys}"
    ref = person(doc, keys.pop())
    assert ref is not None
    assert fold_name(ref.name) in {fold_name(n) for n in spec["names"]}
    page_labels = {t.label for e in doc.events for t in e.turns} & labels
    assert {fold_name(label) for label in page_labels} <= forms(ref)
    for alias in spec.get("also_known_as", []):
        assert fold_name(alias) in forms(ref), alias
    if "title" in spec and spec["title"] in doc.text:  # the title as this page prints it
        assert spec["title"] in ref.titles


def test_seed_people_are_distinct() -> None:
    """No two seed persons share a PersonRef on a page."""
    for name in DOCUMENTS:
        doc = parsed(name)
        owner: dict[str, str] = {}
        for key, spec in SEEDS["persons"].items():
            for e in doc.events:
                for t in e.turns:
                    if t.label in spec["labels"] and t.person_key:
                        assert owner.setdefault(t.person_key, key) == key


def test_raw_label_kept_beside_speaker() -> None:
    doc = parsed("kremlin-2005-06-23-csto-press-conference-and-plenary.txt")
    turn = doc.events[1].turns[1]
    assert turn.label == "Resident of Kazakhstan Nursultan Nazarbayev"
    assert turn.label_span is not None
    assert doc.text[turn.label_span.start : turn.label_span.end] == turn.label


def test_participants_of_the_nato_briefing() -> None:
    doc = parsed("nato-2006-12-04-press-briefing-nazarbayev.txt")
    participants = doc.events[0].participants
    roles = {(p.label, p.role) for p in participants}
    assert ("MODERATOR", "MODERATOR") in roles
    assert ("Q", "JOURNALIST") in roles
    scheffer = next(p for p in participants if p.label.startswith("JAAP DE HOOP SCHEFFER"))
    assert scheffer.title == "Secretary General of NATO"
    assert scheffer.role == "SPEAKER"

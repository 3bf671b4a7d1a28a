"""Organisations, places and themes: the vocabulary look-ups and the mentions found in text."""

from __future__ import annotations

import re

import pytest
import yaml
from data_paths import KREMLIN_SEED, NATO_SEED
from data_paths import SEEDS as SEEDS_FILE

from service.ingestion import vocabulary
from service.ingestion.mentions import find_mentions
from service.ingestion.model import Mention, OrganisationKind, Span, TopicKind

SEEDS = yaml.safe_load(SEEDS_FILE.read_text(encoding="utf-8"))
SEED_FILES = [KREMLIN_SEED, NATO_SEED]
SEED_NAMES = [
    (acronym, name) for acronym, names in SEEDS["organisations"].items() for name in names
]


def mentions(text: str) -> tuple[list[Mention], list[Mention]]:
    organisations, topics = find_mentions(text, Span(0, len(text)))
    for mention in organisations + topics:
        assert text[mention.span.start : mention.span.end] == mention.text
    return organisations, topics


def organisations(text: str) -> list[tuple[str, str]]:
    return [(m.ref, m.text) for m in mentions(text)[0]]


def topics(text: str) -> list[tuple[str, str]]:
    return [(m.ref, m.text) for m in mentions(text)[1]]


# ---------------------------------------------------------------- the acceptance seeds


@pytest.mark.parametrize(("acronym", "name"), SEED_NAMES)
def test_seed_organisation_found_by_every_name(acronym: str, name: str) -> None:
    found = vocabulary.organisation_by_name(name)
    assert found is not None and found.acronym == acronym
    assert vocabulary.organisation_by_name(name.upper()) == found
    assert vocabulary.organisation_by_name(f"the {name}") == found
    assert found.kind is OrganisationKind.INTERNATIONAL


@pytest.mark.parametrize(("acronym", "name"), SEED_NAMES)
def test_seed_organisation_found_in_text_by_every_name(acronym: str, name: str) -> None:
    slug = vocabulary.organisation_by_name(name).slug  # type: ignore[union-attr]
    assert organisations(f"We discussed this with the {name}, as always.") == [(slug, name)]


def test_seed_organisations_are_mentioned_in_the_seed_files() -> None:
    found = set()
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        for line in re.finditer(r"[^\n]+", text):
            found |= {m.ref for m in find_mentions(text, Span(line.start(), line.end()))[0]}
    expected = {vocabulary.organisation_by_name(a).slug for a in SEEDS["organisations"]}  # type: ignore[union-attr]
    assert expected <= found


def test_afghanistan_in_the_seed_statements() -> None:
    for text in (
        "the war against terrorism in Afghanistan",
        "terrorist training bases are still operating on Afghan territory",
    ):
        assert ("afghanistan", "Afghan" if "Afghan " in text else "Afghanistan") in topics(text)


# ---------------------------------------------------------------- look-ups


def test_lookups_ignore_spelling_case_and_diacritics() -> None:
    nato = vocabulary.organisation("nato")
    assert vocabulary.organisation_by_name("North Atlantic Treaty Organisation") == nato
    assert vocabulary.organisation_by_name("nato") == nato
    assert vocabulary.organisation_by_name("Collective Security Treaty Organization").slug == "csto"  # type: ignore[union-attr]
    assert vocabulary.organisation_by_name("Elysée Palace") == vocabulary.organisation_by_name(
        "Elysee palace"
    )
    assert vocabulary.organisation_by_name("Associated Press").kind is OrganisationKind.MEDIA  # type: ignore[union-attr]
    assert vocabulary.organisation_by_name("Nazarbayev") is None
    with pytest.raises(KeyError):
        vocabulary.organisation("no-such-organisation")


def test_topics() -> None:
    assert vocabulary.topic("afghanistan").kind is TopicKind.PLACE
    assert vocabulary.topic("united-states").name == "United States"
    assert vocabulary.topic("russia").name == "Russia"
    assert vocabulary.topic("drug-trafficking").kind is TopicKind.THEME
    assert vocabulary.topic_by_name("Afghan").slug == "afghanistan"  # type: ignore[union-attr]
    themes = [t for t in vocabulary.all_topics() if t.kind is TopicKind.THEME]
    places = [t for t in vocabulary.all_topics() if t.kind is TopicKind.PLACE]
    assert len(themes) >= 25 and len(places) >= 250


def test_slugs_are_unique_and_no_form_names_two_things() -> None:
    topic_slugs = [t.slug for t in vocabulary.all_topics()]
    organisation_slugs = [o.slug for o in vocabulary.all_organisations()]
    assert len(set(topic_slugs)) == len(topic_slugs)
    assert len(set(organisation_slugs)) == len(organisation_slugs)
    meanings: dict[str, set[str | None]] = {}
    for surface in vocabulary.surfaces():
        meanings.setdefault(surface.form, set()).add(surface.ref)
    assert {form: refs for form, refs in meanings.items() if len(refs) > 1} == {}
    for organisation in vocabulary.all_organisations():
        for name in [organisation.name, organisation.acronym, *organisation.aliases]:
            if name:
                assert vocabulary.organisation_by_name(name) == organisation, name


# ---------------------------------------------------------------- matching rules


def test_acronyms_match_only_in_capitals_and_whole() -> None:
    assert organisations("Who said the WHO would act?") == [("who", "WHO")]
    assert organisations("This un-American idea is not for the UN.") == [("un", "UN")]
    assert organisations("The UNIT and the UNICEF team.") == [("unicef", "UNICEF")]
    assert organisations("Prices in EUR, not in the EU.") == [("eu", "EU")]
    assert topics("Tell us about the US.") == [("united-states", "US")]
    assert topics("the U.S. forces") == [("united-states", "U.S.")]


def test_longest_name_wins() -> None:
    text = (
        "the Collective Security Treaty Organisation (CSTO) has observer status in the UN "
        "General Assembly"
    )
    assert organisations(text) == [
        ("csto", "Collective Security Treaty Organisation"),
        ("csto", "CSTO"),
        ("un", "UN General Assembly"),
    ]
    assert topics("to join the World Trade Organisation") == []
    assert topics("energy security matters") == [("energy-security", "energy security")]


def test_hyphenated_names_give_both() -> None:
    assert organisations("the United Nations mandated NATO-ISAF operation") == [
        ("un", "United Nations"),
        ("nato", "NATO"),
        ("isaf", "ISAF"),
    ]
    assert topics("the Kazakh-NATO cooperation") == [("kazakhstan", "Kazakh")]


def test_names_wrapped_over_lines() -> None:
    assert organisations("the North Atlantic\nTreaty Organization") == [
        ("nato", "North Atlantic\nTreaty Organization")
    ]


def test_offsets_are_absolute() -> None:
    text = "Header\nWe support NATO in Afghanistan."
    start = text.index("We")
    orgs, places = find_mentions(text, Span(start, len(text)))
    assert [(m.span, m.text) for m in orgs] == [(Span(18, 22), "NATO")]
    assert [(m.span, m.text) for m in places] == [(Span(26, 37), "Afghanistan")]
    assert find_mentions(text, Span(0, 6)) == ([], [])


# ---------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Afghan territory", [("afghanistan", "Afghan")]),
        ("the Russian Federation", [("russia", "Russian Federation")]),
        (
            "joint Belarussian-Russian training exercises",
            [("belarus", "Belarussian"), ("russia", "Russian")],
        ),
        ("in the Central Asian countries", [("central-asia", "Central Asian")]),
        ("Türkiye and Turkey, not a turkey", [("turkey", "Türkiye"), ("turkey", "Turkey")]),
        (
            "the Czech Republic and South Korea",
            [("czech-republic", "Czech Republic"), ("south-korea", "South Korea")],
        ),
        ("New Mexico is not Mexico", [("mexico", "Mexico")]),
        ("Michael Jordan visited Jordan.", [("jordan", "Jordan")]),
        ("In Jordan and Chad.", [("jordan", "Jordan"), ("chad", "Chad")]),
        (
            "Iraq, Iran and the Caspian Basin",
            [("iraq", "Iraq"), ("iran", "Iran"), ("caspian", "Caspian Basin")],
        ),
        (
            "the United States of America and America",
            [("united-states", "United States of America"), ("united-states", "America")],
        ),
        ("Latin American countries", [("latin-america", "Latin American")]),
    ],
)
def test_places(text: str, expected: list[tuple[str, str]]) -> None:
    places = [(ref, found) for ref, found in topics(text) if vocabulary.topic(ref).kind == "PLACE"]
    assert places == expected


# ---------------------------------------------------------------- themes


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # kremlin-2005-06-23
        (
            "Afghanistan remains the source of a drugs threat and drugs trafficking",
            "drug-trafficking",
        ),
        ("directed at fighting terrorism in Afghanistan", "terrorism"),
        ("as members of the anti-terrorist operation", "terrorism"),
        ("trans-national crime, drug trafficking and illegal migration", "migration"),
        ("the proliferation of nuclear weapons", "nuclear-weapons"),
        ("the possibility of also using our forces for peace-keeping work", "peacekeeping"),
        ("how to complete the creation of a free trade zone", "trade"),
        ("to combat political and religious extremism", "extremism"),
        # nato-2006-12-04
        ("have you discussed the issue of energy security today", "energy-security"),
        # whitehouse
        ("our ongoing fight against COVID-19 at home", "covid-19"),
        ("spending at least 2 percent of their GDP on defense", "economy"),
    ],
)
def test_themes(text: str, slug: str) -> None:
    assert slug in [ref for ref, _ in topics(text)]


def test_no_theme_in_ordinary_words() -> None:
    assert topics("We had an open and business-like discussion.") == []

"""Resolving speakers to persons within a page: fullest names, case, offices, surnames,
address forms, spellings, journalists, offices standing for a person, and never merging two
people who share a surname. The people here are made up: resolution must not need the
reference file of well-known people."""

from __future__ import annotations

import pytest

from service.ingestion.designations import display_name
from service.ingestion.model import ParsedDocument, PersonRef
from service.ingestion.people import Person, Registry, SpeakerSurnames, may_be_misprint
from service.ingestion.pipeline import parse_document


def speakers(doc: ParsedDocument) -> list[PersonRef | None]:
    by_key = {p.key: p for p in doc.persons}
    return [by_key.get(t.person_key or "") for e in doc.events for t in e.turns]


def test_case_of_names_in_capitals() -> None:
    assert display_name(["NURSULTAN", "NAZARBAYEV"]) == "Nursultan Nazarbayev"
    assert display_name(["DE", "HOOP", "SCHEFFER"]) == "de Hoop Scheffer"
    assert display_name(["JEAN-PIERRE"]) == "Jean-Pierre"
    assert display_name(["Ludwig", "van", "Beethoven"]) == "Ludwig van Beethoven"
    assert display_name(["MCDONALD"]) == "McDonald"


def test_fullest_name_title_and_surname_labels() -> None:
    doc = parse_document(
        "MODERATOR: Welcome.\n\n"
        "OSKAR VAN DER BERG (Director General of the Agency): Thank you.\n\n"
        "Q: A question for the Director General.\n\n"
        "VAN DER BERG: Here is my answer.\n\n"
        "Mr van der Berg: And one more thing.\n"
    )
    oskar = speakers(doc)[1]
    assert oskar is not None
    assert oskar.name == "Oskar van der Berg"
    assert "Director General of the Agency" in oskar.titles
    assert speakers(doc)[3] is oskar and speakers(doc)[4] is oskar
    assert {"VAN DER BERG", "Mr van der Berg"} <= set(oskar.aliases)
    assert speakers(doc)[0] is None and speakers(doc)[2] is None


def test_misspelt_office_before_a_known_name() -> None:
    doc = parse_document(
        "Ilse Marten: Welcome.\n"
        "Presdent of Freedonia Karl Huber: Thank you, Ilse.\n"
        "Karl Huber: Indeed.\n"
    )
    huber = speakers(doc)[1]
    assert huber is not None and huber.name == "Karl Huber"
    assert speakers(doc)[2] is huber
    assert huber.titles == []  # an office we cannot read is not recorded


def test_misspelt_titled_surname_joins_the_one_person_with_that_title() -> None:
    doc = parse_document(
        "President of Freedonia Karl Huber: Welcome.\n"
        "Ilse Marten: Thank you.\n"
        "PRESIDENT HUEBR: One letter swapped in the label.\n"
    )
    huber = speakers(doc)[0]
    assert huber is not None and huber.name == "Karl Huber"
    assert speakers(doc)[2] is huber
    assert len(doc.persons) == 2


def test_misspelt_surname_without_agreeing_title_stays_apart() -> None:
    def page() -> tuple[Registry, Person | None]:
        registry = Registry()
        return registry, registry.add(["Karl", "Huber"], title="President")

    registry, huber = page()
    assert registry.resolve_surname(["Hueber"], title="President") is huber
    # an honorific, another title, no title: nothing says the label is this person
    for title in ("Mr", "Minister", None):
        registry, huber = page()
        other = registry.resolve_surname(["Hueber"], title=title)
        assert other is not None and other is not huber
    # an ending changed is another name (Petrov / Petrova), even with the title
    registry, huber = page()
    assert registry.resolve_surname(["Hubera"], title="President") is not huber
    # the title held by two persons of the page: which one is misprinted is unknown
    registry = Registry()
    smith = registry.add(["John", "Smith"], title="Senator")
    registry.resolve_surname(["Jones"], title="Senator")
    assert registry.resolve_surname(["Smyth"], title="Senator") is not smith
    assert registry.resolve_surname(["Smith"], title="Senator") is smith


@pytest.mark.parametrize(
    ("word", "misprint"),
    [
        ("Putn", True),
        ("HUEBR", True),
        ("Wrong", False),  # an English word
        ("TANKA", False),  # also one, though one letter off "Tanaka"
        ("Kyiv", False),  # a place of the vocabulary
        ("Gazprom", False),  # an organisation
        ("Bishkek", False),  # a city journalists come from
        ("Presidnet", False),  # an office word misspelt
        ("Scholz", False),  # the surname of a known office holder
    ],
)
def test_what_may_be_a_misprinted_surname(word: str, misprint: bool) -> None:
    assert may_be_misprint(word) is misprint


def test_the_surname_a_bare_label_misprints() -> None:
    page = SpeakerSurnames()
    for surname in ("HUBER", "Marten", "Kovacs", "Kovals", "Lee"):
        page.add(surname)
    assert page.misprinted("HUEBR") == "HUBER"  # swapped
    assert page.misprinted("Hubr") == "HUBER"  # missing
    assert page.misprinted("Maarten") is None  # doubled letters fold: the surname itself
    assert "marten" in page and "huber" in page
    assert page.misprinted("Martem") is None  # the last letter changed: another name
    assert page.misprinted("Kovas") is None  # one letter off two speakers
    assert page.misprinted("Lea") is None  # three letters: too short to tell
    assert page.misprinted("huebr") is None  # neither capitals nor a capital first
    assert page.misprinted("HuEBR") is None


def test_office_words_before_a_new_name() -> None:
    doc = parse_document(
        "Minister of Foreign Affairs of Freedonia Lena Ortiz: Good morning.\n"
        "Question: Why?\n"
        "Ortiz: Because.\n"
    )
    ortiz = speakers(doc)[0]
    assert ortiz is not None and ortiz.name == "Lena Ortiz"
    assert speakers(doc)[2] is ortiz


def test_two_people_sharing_a_surname_stay_apart() -> None:
    doc = parse_document(
        "President Serzh Sargsyan: Welcome.\n"
        "Prime Minister Tigran Sargsyan: Thank you.\n"
        "Question: For both of you.\n"
        "Mr Sargsyan: I will answer.\n"
        "PRIME MINISTER SARGSYAN: So will I.\n"
    )
    serzh, tigran, _question, mister, pm = speakers(doc)
    assert serzh is not None and tigran is not None
    assert serzh.key != tigran.key
    assert {serzh.name, tigran.name} == {"Serzh Sargsyan", "Tigran Sargsyan"}
    assert mister is None  # ambiguous: better unresolved than wrong
    assert pm is tigran  # the office tells them apart


def test_address_form_learned_from_the_text() -> None:
    doc = parse_document(
        "Ivan Sidorov: Good afternoon.\n"
        "Pyotr Orlov: I thank Ivan Petrovich Sidorov for his work.\n"
        "Question: A question for Ivan Petrovich.\n"
        "Ivan Sidorov: Gladly.\n"
    )
    ivan = speakers(doc)[0]
    assert ivan is not None and "Ivan Petrovich" in ivan.aliases
    assert speakers(doc)[3] is ivan


def test_address_form_with_bracketed_surname() -> None:
    doc = parse_document(
        "Question: Aleksei Ivanovich [Volkov], what do you think?\nAleksei Volkov: I think so.\n"
    )
    volkov = speakers(doc)[1]
    assert volkov is not None and "Aleksei Ivanovich" in volkov.aliases


def test_transliteration_variants_are_one_person() -> None:
    doc = parse_document(
        "Artur Kocharian: Hello.\nQuestion: Why?\nArtur Kocharyan: Because.\nKOCHARYAN: Yes.\n"
    )
    first, _, second, third = speakers(doc)
    assert first is not None and first is second is third
    assert {"Artur Kocharian", "Artur Kocharyan"} <= {first.name, *first.aliases}


def test_journalist_naming_himself() -> None:
    doc = parse_document(
        "Mary Brown: Questions, please.\n\n"
        "Q: Tom Green from the Northern Courier. Will taxes rise?\n\n"
        "Mary Brown: No.\n\n"
        "Q: And next year?\n"
    )
    turns = doc.events[0].turns
    tom = speakers(doc)[1]
    assert tom is not None and tom.name == "Tom Green"
    outlet = next(o for o in doc.organisations if o.slug == tom.affiliation)
    assert outlet.name == "Northern Courier" and outlet.kind == "MEDIA"
    assert turns[3].person_key == tom.key  # a follow-up "Q:" is still his (issue 13)
    journalist = next(p for p in doc.events[0].participants if p.person_key == tom.key)
    assert journalist.role == "JOURNALIST" and journalist.affiliation == outlet.slug


def test_journalist_introduced_by_the_chair() -> None:
    doc = parse_document(
        "MODERATOR: Our first question goes to Lisa Park with the Evening Herald.\n\n"
        "Q: Thank you. Is the deal done?\n\n"
        "Dana White: Almost.\n"
    )
    lisa = speakers(doc)[1]
    assert lisa is not None and lisa.name == "Lisa Park"


def test_the_office_stands_for_its_holder() -> None:
    doc = parse_document(
        "---\ntitle: Remarks by President Okafor and Vice President Lund\ndate: 2024-01-02\n---\n\n"
        "THE PRESIDENT: Good morning.\n\n"
        "THE VICE PRESIDENT: Thank you, sir.\n\n"
        "VICE PRESIDENT LUND: One more thing.\n"
    )
    president, vice, lund = speakers(doc)
    assert president is not None and president.name == "Okafor"
    assert vice is not None and vice is lund and vice.name == "Lund"
    assert president.key != vice.key


def test_reference_spellings_give_the_canonical_name() -> None:
    doc = parse_document("Emomali Rakhmonov: Hello.\nQuestion: Why?\nEmomali Rakhmonov: Yes.\n")
    ref = speakers(doc)[0]
    assert ref is not None
    assert ref.name in {"Emomali Rahmon", "Emomali Rakhmonov"}
    assert "Emomali Rakhmonov" in {ref.name, *ref.aliases}


def test_registry_never_merges_a_surname_into_two_people() -> None:
    registry = Registry()
    a = registry.add(["Anna", "Berg"])
    b = registry.add(["Otto", "Berg"])
    assert a is not None and b is not None and a is not b
    assert registry.resolve_surname(["Berg"]) is None
    assert registry.add(["Anna", "Berg"]) is a


def test_mentions_of_known_people_in_turns() -> None:
    doc = parse_document(
        "Karl Huber: I thank Mr Ortiz for coming.\nLena Ortiz: Thank you, Karl Huber.\n"
    )
    first, second = doc.events[0].turns
    ortiz = speakers(doc)[1]
    huber = speakers(doc)[0]
    assert ortiz is not None and huber is not None
    assert [m.ref for m in first.persons] == [ortiz.key]
    assert [m.ref for m in second.persons] == [huber.key]
    for m in first.persons + second.persons:
        assert doc.text[m.span.start : m.span.end] == m.text

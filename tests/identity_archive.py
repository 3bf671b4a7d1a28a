"""A synthetic archive of press transcripts whose true speakers are known (issue 12's proof).

Why: person identity is only measurable against a truth no parser saw. The generator writes
short plain-text transcripts, the way press offices print them, and remembers who really spoke
each turn. The archive is hard on purpose: many distinct people share a small set of surnames;
one person is printed under spelling variants (transliteration, one letter off) and as a bare
surname, sometimes misprinted one letter off ("MR. BRWON", "NOVKA" beside "Daniel Novak");
role labels ("THE PRESIDENT:", "PRESS SECRETARY:") cross changes of office holder (from
service/ingestion/data/offices.yaml); and titles read like names ("Remarks Honoring Grace
Hopper"). ``score`` turns stored rows back into wrong merges and duplicates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import asyncpg

from service.ingestion.names import fold_name

SURNAMES = [
    "Brown", "Smith", "Sullivan", "Khan", "Lee", "Walker", "Moreno", "Novak", "Kowalski",
    "Ivanov", "Petrov", "Garcia", "Fischer", "Dubois", "Rossi", "Kaplan", "Haddad", "Okafor",
    "Lindqvist", "Tanaka",
]  # fmt: skip
GIVEN = [
    "Quincy", "Michael", "Sarah", "Alexander", "Imran", "Maria", "Dmitry", "Olga", "Peter",
    "Natalia", "James", "Yuri", "Helen", "Carlos", "Anna", "Thomas", "Fatima", "Daniel",
    "Grace", "Viktor", "Ruth", "Samuel", "Irina", "Pavel", "Laura",
]  # fmt: skip
# How the same first name is also printed (transliteration, a letter off).
VARIANTS = {
    "Alexander": ["Aleksandr", "Alexandr"],
    "Dmitry": ["Dmitriy", "Dmitri"],
    "Yuri": ["Yury", "Iurii"],
    "Natalia": ["Natalya"],
    "Michael": ["Micheal"],
    "Viktor": ["Victor"],
}
PUBLISHERS = ["ministry-a", "ministry-b", "agency-c", "council-d", "office-e"]
TOPICS = [
    "the budget", "energy prices", "the border", "trade with our neighbours", "schools",
    "the harbour project", "the new hospital", "farm subsidies", "public transport",
]  # fmt: skip
# Page titles that read like names and must never become persons.
FAKE_TITLES = [
    "Remarks Honoring Grace Hopper Day",
    "Statement Marking Victoria Falls Anniversary",
    "Press Conference Following The Jackson Hole Symposium",
    "Readout Of Call With Senior Administration Official",
    "Briefing On Saint Lucia And Grenada",
]
# Labels that name a role: nobody in particular.
ROLE_LABELS = ["MODERATOR", "INTERPRETER", "PARTICIPANT", "SENIOR ADMINISTRATION OFFICIAL"]
# Dated offices of offices.yaml, and the page host that gives the page their country.
OFFICE_LABELS = [
    ("THE PRESIDENT", "President of the United States", "https://www.whitehouse.gov/briefing/"),
    ("PRESS SECRETARY", "White House Press Secretary", "https://www.whitehouse.gov/briefing/"),
    ("PRESIDENT", "President of Russia", "http://en.kremlin.ru/events/president/transcripts/"),
]


@dataclass(frozen=True)
class Person:
    key: str  # the truth: one id per real person
    given: str
    surname: str
    publisher: str
    years: tuple[int, int]
    team: int  # people who often appear together


@dataclass
class Doc:
    text: str
    source_url: str
    filename: str
    # true speaker key per turn, in order; None for a role that is nobody in particular
    truth: list[str | None] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _holders(office: str) -> list[tuple[str, dt.date, dt.date | None]]:
    from service.ingestion.offices import _offices

    for o in _offices():
        if o.name == office:
            return [(h.name, h.start, h.end) for h in o.holders]
    raise KeyError(office)


def _holder_on(office: str, day: dt.date) -> str | None:
    for name, start, end in _holders(office):
        if start <= day and (end is None or day < end):
            return name
    return None


SYLLABLES = ["zor", "quib", "mar", "chet", "vel", "dra", "kun", "sel", "tor", "bax", "lim", "oro"]


def _rare_surnames(rng: random.Random, count: int) -> list[str]:
    """Surnames nobody else in the archive has: made of syllables, so no real name is used."""
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.sample(SYLLABLES, 3)).capitalize())
    return sorted(names)


def make_people(rng: random.Random, count: int) -> list[Person]:
    """Distinct people: every common surname is shared by several of them, and each rare
    surname by exactly two, decades apart (the 1980s official and the 2020s one)."""
    rare = count // 10
    if count - 2 * rare > len(GIVEN) * len(SURNAMES):
        raise ValueError(f"at most {len(GIVEN) * len(SURNAMES) * 5 // 4} people")
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    for surname in _rare_surnames(rng, rare):
        pair = rng.sample(GIVEN, 2)  # two people, two first names
        for given, start in zip(
            pair, (rng.randint(1985, 1995), rng.randint(2012, 2020)), strict=True
        ):
            seen.add((given, surname))
            people.append(
                Person(
                    key=f"p{len(people)}",
                    given=given,
                    surname=surname,
                    publisher=rng.choice(PUBLISHERS),
                    years=(start, start + rng.randint(1, 4)),
                    team=rng.randrange(max(count // 20, 1)),
                )
            )
    while len(people) < count:
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        if (given, surname) in seen:
            continue
        seen.add((given, surname))
        start = rng.randint(1990, 2020)
        people.append(
            Person(
                key=f"p{len(people)}",
                given=given,
                surname=surname,
                publisher=rng.choice(PUBLISHERS),
                years=(start, start + rng.randint(1, 5)),
                team=rng.randrange(max(count // 20, 1)),
            )
        )
    return people


def _variant(rng: random.Random, p: Person) -> str:
    given = rng.choice(VARIANTS.get(p.given, [p.given]))
    return f"{given} {p.surname}"


def _sentence(rng: random.Random, n: int) -> str:
    topic = rng.choice(TOPICS)
    return (
        f"I want to say a few words about {topic}. We have worked on {topic} for {n} months, "
        f"and we will keep working on it with our partners."
    )


# Share of surname-only labels a transcriber misprints one letter off ("MR. BRWON", "NOVKA").
MISPRINTS = 0.2


def misprint(rng: random.Random, surname: str, others: set[str]) -> str | None:
    """The surname with one inner letter left out or two inner letters swapped ("Brown" ->
    "Brwon", "Kaplan" -> "Kapan"), as a transcriber slips; None when no such slip is
    another spelling of the same name (doubled letters fold) or another surname of the
    archive."""
    inner = range(1, len(surname) - 2)
    slips = [surname[:i] + surname[i + 1 :] for i in range(1, len(surname) - 1)]
    slips += [surname[:i] + surname[i + 1] + surname[i] + surname[i + 2 :] for i in inner]
    slips = [
        s
        for s in slips
        if len(s) >= 4 and fold_name(s) != fold_name(surname) and s.lower() not in others
    ]
    return rng.choice(slips) if slips else None


def make_document(
    rng: random.Random,
    people: list[Person],
    number: int,
    slips: random.Random | None = None,
) -> Doc:
    """One press conference: a host and guests of one publisher and period, questions, and
    sometimes an office label, a role label, or a title that reads like a name. ``slips``
    draws the misprinted surname-only labels (a generator of its own, so the pages are
    otherwise those the same seed made before misprints were added)."""
    surnames = {p.surname.lower() for p in people}

    def printed(surname: str) -> str:
        if slips is None or slips.random() >= MISPRINTS:
            return surname
        return misprint(slips, surname, surnames) or surname

    publisher = rng.choice(PUBLISHERS)
    local = [p for p in people if p.publisher == publisher]
    host = rng.choice(local)
    year = rng.randint(*host.years)
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    # guests are mostly the host's own team (who appear together, as a president and his
    # spokesman do), sometimes anyone of the publisher active that year
    team = [p for p in local if p.team == host.team and p is not host]
    in_period = [p for p in local if p.years[0] <= year <= p.years[1] and p is not host]
    pool = team if team and rng.random() < 0.8 else in_period
    guests = rng.sample(pool, k=min(len(pool), rng.randint(0, 2)))
    url = f"https://{publisher}.example.org/transcripts/{number}"
    office = None
    if rng.random() < 0.25:
        label, office_name, host_url = rng.choice(OFFICE_LABELS)
        day = dt.date(rng.randint(2001, 2024), rng.randint(1, 12), rng.randint(1, 28))
        holder = _holder_on(office_name, day)
        if holder is not None:
            office = (label, holder)
            url = f"{host_url}{number}"
    title = (
        rng.choice(FAKE_TITLES)
        if rng.random() < 0.15
        else f"Press conference on {rng.choice(TOPICS)}"
    )
    doc = Doc(text="", source_url=url, filename=f"synthetic-{number:05d}.txt")
    lines = [title, day.strftime("%d %B %Y"), ""]

    def turn(label: str, who: str | None, n: int) -> None:
        doc.labels.append(label)
        doc.truth.append(who)
        lines.append(f"{label}: {_sentence(rng, n)}")
        lines.append("")

    speakers = [host, *guests]
    named_in_full: set[str] = set()
    if rng.random() < 0.15:  # a page that names its host by surname only, nowhere in full
        host_label = f"MR. {printed(host.surname)}".upper()  # misprinted, then on both turns
        for n in (1, 2):
            turn(host_label, host.key, n)
        # (a guest of the same surname would make the label ambiguous to any reader)
        guests = [g for g in guests if g.surname != host.surname]
        speakers = guests or [host]
    for i in range(rng.randint(3, 6)):
        p = rng.choice(speakers)
        r = rng.random()
        if p.key not in named_in_full or r < 0.5:
            label = f"{p.given} {p.surname}".upper() if r < 0.7 else _variant(rng, p).upper()
            named_in_full.add(p.key)
        else:
            label = f"MR. {p.surname}".upper()
        turn(label, p.key, i + 1)
        if rng.random() < 0.4:
            turn("Q", None, i + 2)
    unique = [p for p in speakers if [q.surname for q in speakers].count(p.surname) == 1]
    if unique and rng.random() < 0.2:  # a speaker also labelled by surname alone
        p = rng.choice(unique)
        turn(p.surname.upper(), p.key, 9)
        turn(printed(p.surname).upper(), p.key, 11)  # once misprinted, beside the full name
    if rng.random() < 0.2:
        turn(rng.choice(ROLE_LABELS), None, 7)
    if office is not None:
        turn(office[0], f"holder:{office[1]}", 8)
        turn(office[0], f"holder:{office[1]}", 10)
    doc.text = "\n".join(lines) + "\n"
    return doc


def make_archive(seed: int, documents: int, people: int) -> list[Doc]:
    rng = random.Random(seed)
    slips = random.Random(f"{seed}-misprints")
    persons = make_people(rng, people)
    return [make_document(rng, persons, n, slips) for n in range(documents)]


@dataclass
class Score:
    statements: int
    persons: int  # person rows (not merged away) that speak some statement
    true_persons: int
    wrong_merges: int  # stored persons speaking for two or more true persons
    duplicates: int  # extra stored persons per true person, summed
    non_persons: int  # stored persons given to a role that is nobody
    unresolved: int  # turns of a true person stored with no speaker
    skipped: int  # documents whose turns the parser cut differently (not scored)
    examples: list[str] = field(default_factory=list)

    @property
    def persons_per_1000(self) -> float:
        return 1000 * self.persons / max(self.statements, 1)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / max(self.true_persons, 1)


SPEAKERS_SQL = """
SELECT d.filename, s.sequence, s.speaker_label,
       coalesce(p.merged_into_id, p.id) AS person_id, p.name
FROM statement s
JOIN event e ON e.id = s.event_id
JOIN source_document d ON d.id = e.document_id
LEFT JOIN person p ON p.id = s.speaker_id
WHERE d.filename = ANY($1::text[])
ORDER BY d.filename, s.sequence
"""


async def score(conn: asyncpg.Connection, docs: Iterable[Doc]) -> Score:
    """Compare stored speakers with the generator's truth."""
    docs = list(docs)
    rows = await conn.fetch(SPEAKERS_SQL, [d.filename for d in docs])
    by_file: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for row in rows:
        by_file[row["filename"]].append(row)
    truths: dict[int, set[str]] = defaultdict(set)
    stored: dict[str, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    non_persons: set[int] = set()
    unresolved = skipped = statements = 0
    for doc in docs:
        got = by_file.get(doc.filename, [])
        if [r["speaker_label"].upper() for r in got] != [label.upper() for label in doc.labels]:
            skipped += 1
            continue
        for row, truth in zip(got, doc.truth, strict=True):
            statements += 1
            pid = row["person_id"]
            if pid is not None:
                names[pid] = row["name"]
            if truth is None:
                if pid is not None:
                    non_persons.add(pid)
            elif pid is None:
                unresolved += 1
            else:
                truths[pid].add(truth)
                stored[truth].add(pid)
    wrong = {pid: t for pid, t in truths.items() if len(t) > 1}
    examples = [f"{names[pid]!r} speaks for {sorted(t)[:4]}" for pid, t in list(wrong.items())[:5]]
    return Score(
        statements=statements,
        persons=len(truths.keys() | non_persons),
        true_persons=len(stored),
        wrong_merges=len(wrong),
        duplicates=sum(len(ids) - 1 for ids in stored.values()),
        non_persons=len(non_persons),
        unresolved=unresolved,
        skipped=skipped,
        examples=examples,
    )

"""Every corpus page parses; per-file facts a reader can check against the text.

EXPECTED holds, per file, the layout family and, per event, how many turns each speaker label
opens: the number of paragraphs that start with that label in the file (a page that prints its
transcript three times, as the 2021 White House page does, holds one event; the 2025 White
House page prints one "PRESIDENT TRUMP." with a full stop for the colon, and it counts).
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from data_paths import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from service.ingestion.model import ParsedDocument
from service.ingestion.pipeline import parse_document
from service.ingestion.text import collapse, unescape_markdown

FILES = sorted(p.name for p in CORPUS.glob("*.txt"))

EXPECTED: dict[str, tuple[str, list[dict[str, int]]]] = {
    "kremlin-2005-06-23-csto-press-conference-and-plenary.txt": (
        "kremlin",
        [
            {
                "President Vladimir Putin": 2,
                "Question": 6,
                "Robert Kocherian": 1,
                "Aleksandr Lukashenko": 1,
                "Nursultan Nazarbaev": 1,
                "Mr Putin": 2,
                "Emomali Rakhmonov": 1,
                "Mr Nazarbaev": 1,
                "Kurmanbek Bakiev": 1,
            },
            {
                "President Vladimir Putin": 1,
                "Resident of Kazakhstan Nursultan Nazarbayev": 1,
                "Vladimir Putin": 1,
            },
        ],
    ),
    "kremlin-news-17173.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                (
                    "DEPUTY CHIEF OF STAFF OF THE PRESIDENTIAL EXECUTIVE OFFICE"
                    " AND PRESIDENTIAL PRESS SECRETARY DMITRY PESKOV"
                ): 1,
                "Vladimir Putin": 143,
                "Dmitry Peskov": 53,
                "Question": 79,
                "Oleg Kashtanov": 2,
                "Inessa Zemler": 1,
                "Reply": 6,
                "Remark": 5,
                "Viktoria Prihodko": 3,
                "Dmitry PeskoV": 1,
                "Bilkhis Dudayeva": 2,
                "Roman Sobolev": 1,
                "Anton Zhelnov": 3,
                "Vyacheslav Terekhov": 1,
                "Diana Khachatryan": 3,
                "Maria Solovyenko": 12,
                "Inna Salnikova": 1,
                "Yelena Milenchich": 1,
                "Anastasiya Subayeva": 1,
                "Yelena Glushakova": 2,
                "Response": 1,
                "Andrei Tumanov": 2,
                "Alexandra Krasnogorodskaya": 1,
                "Alexei Anishchouk": 1,
                "Olesya Perezhogina": 2,
                "David Akhvlediani": 3,
                "Sanal Shavaliev": 5,
            }
        ],
    ),
    "kremlin-news-47126.txt": (
        "kremlin",
        [{"President of Russia Vladimir Putin": 1, "Question": 3, "Vladimir Putin": 3}],
    ),
    "kremlin-news-51551.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "President of Finland Sauli Niinisto (retranslated)": 1,
                "Vladimir Putin": 3,
                "Question": 2,
                "Sauli Niinisto": 2,
            }
        ],
    ),
    "kremlin-news-53077.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "President and Chairman of the Board of VTB Bank Andrei Kostin": 1,
                "Vladimir Putin": 28,
                "Andrei Kostin": 16,
                "Question": 14,
                "Question (retranslated)": 2,
                "Reply": 1,
                "Alexander Branis": 2,
                "Anastasia Levashova": 1,
                "Response": 1,
            }
        ],
    ),
    "kremlin-news-54023.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "President of Turkey Recep Tayyip Erdogan (retranslated)": 1,
                "Question (retranslated)": 1,
                "Vladimir Putin": 4,
                "Recep Tayyip Erdogan": 3,
                "Question": 3,
            }
        ],
    ),
    "kremlin-news-55017.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Question": 17,
                "Vladimir Putin": 20,
                "Remark": 3,
            }
        ],
    ),
    "kremlin-news-56337.txt": (
        "kremlin",
        [
            {
                "Question": 15,
                "President of Russia Vladimir Putin": 1,
                "Vladimir Putin": 37,
                "Remark": 26,
            }
        ],
    ),
    "kremlin-news-57201.txt": (
        "kremlin",
        [
            {
                "President of the Republic of Turkey Recep Tayyip Erdogan (retranslated)": 1,
                "President of the Islamic Republic of Iran Hassan Rouhani (retranslated)": 1,
                "Recep Tayyip Erdogan": 6,
                "President of Russia Vladimir Putin": 1,
                "Question": 3,
                "Vladimir Putin": 5,
                "Remark": 1,
                "Question (retranslated)": 4,
                "Hassan Rouhani": 3,
            }
        ],
    ),
    "kremlin-news-58586.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Prime Minister of Hungary Viktor Orban (retranslated)": 1,
                "Question": 2,
                "Vladimir Putin": 2,
                "Viktor Orban": 1,
            }
        ],
    ),
    "kremlin-news-60370.txt": (
        "kremlin",
        [{"President of Russia Vladimir Putin": 1, "Question": 10, "Vladimir Putin": 10}],
    ),
    "kremlin-news-60396.txt": (
        "kremlin",
        [{"President of Russia Vladimir Putin": 1, "Question": 16, "Vladimir Putin": 16}],
    ),
    "kremlin-news-62277.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Question (retranslated)": 3,
                "Vladimir Putin": 4,
                "Question": 1,
            }
        ],
    ),
    "nato-2006-12-04-press-briefing-nazarbayev.txt": (
        "nato",
        [
            {
                "MODERATOR": 4,
                "JAAP DE HOOP SCHEFFER (Secretary General of NATO)": 1,
                "NURSULTAN NAZARBAYEV (President of the Republic of Kazakhstan)": 1,
                "Q": 2,
                "DE HOOP SCHEFFER": 2,
                "NAZARBAYEV": 2,
            }
        ],
    ),
    "whitehouse-2021-06-14-remarks-by-president-biden-in-press-conference-3.txt": (
        "whitehouse",
        [{"THE PRESIDENT": 10, "Q": 8}],
    ),
    "whitehouse-2022-02-18-remarks-by-vice-president-harris-and-nato-secretary-general.txt": (
        "whitehouse",
        [{"VICE PRESIDENT HARRIS": 3, "SECRETARY GENERAL STOLTENBERG": 2}],
    ),
    "whitehouse-2022-06-29-remarks-by-president-biden-and-nato-secretary-general-jens-.txt": (
        "whitehouse",
        [{"PRESIDENT BIDEN": 3, "SECRETARY GENERAL STOLTENBERG": 2}],
    ),
    "whitehouse-2023-07-11-press-briefing-by-press-secretary-karine-jean-pierre-and-na.txt": (
        "whitehouse",
        [{"MS. JEAN-PIERRE": 16, "MR. SULLIVAN": 24, "Q": 37}],
    ),
    "whitehouse-2024-07-05-background-press-call-previewing-the-nato-summit.txt": (
        "whitehouse",
        [{"MODERATOR": 11, "SENIOR ADMINISTRATION OFFICIAL": 10, "Q": 9}],
    ),
    "whitehouse-2025-03-13-remarks-by-president-trump-and-nato-secretary-general-mark-.txt": (
        "whitehouse",
        [
            {
                "PRESIDENT TRUMP": 102,
                "SECRETARY GENERAL RUTTE": 55,
                "Q": 42,
                "VICE PRESIDENT VANCE": 2,
                "SECRETARY BURGUM": 1,
                "SECRETARY WRIGHT": 1,
                "MR. WALTZ": 1,
                "SECRETARY HEGSETH": 1,
            }
        ],
    ),
    # Pages from publishers and layouts added later: Australian government transcripts (labels
    # on a line of their own, running headers, OCR), Federal Reserve transcripts with inline
    # <NAME> tags, single-speaker speeches and messages (the turn is labelled with the
    # speaker the header names), and White House pages whose role labels name no one.
    "au-1975-05-09-whitlam-press-conference-kingston.txt": (
        "generic",
        [{"Question": 18, "Prime Minister": 14}],
    ),
    "au-1983-11-22-hawke-press-conference-bangkok.txt": (
        "generic",
        [{"PM": 1, "JOURNALIST": 1, "P M": 1}],
    ),
    "au-1996-11-20-howard-clinton-joint-press-conference.txt": (
        "generic",
        [{"PRIME MINISTER HOWARD": 5, "THE PRESIDENT": 9, "Q": 9}],
    ),
    "au-2001-09-12-howard-press-conference-washington.txt": (
        "generic",
        [{"PRIME MINISTER": 51, "JOURNALIST": 50}],
    ),
    "au-2013-08-17-rudd-wong-carr-joint-press-conference-adelaide.txt": (
        "generic",
        [
            {
                "PRIME MINISTER": 19,
                "WONG": 1,
                "CARR": 1,
                "JOURNALIST": 15,
                "PREMIER WEATHERILL": 1,
                "KIM CARR": 1,
            }
        ],
    ),
    "au-2016-10-30-turnbull-dutton-joint-press-conference-sydney.txt": (
        "generic",
        [
            {
                "PRIME MINISTER": 10,
                "MINISTER FOR IMMIGRATION AND BORDER PROTECTION": 4,
                "JOURNALIST": 9,
            }
        ],
    ),
    "fomc-2021-12-15-powell-press-conference.txt": (
        "generic",
        [
            {
                "CHAIR POWELL": 29,
                "MICHELLE SMITH": 18,
                "RACHEL SIEGEL": 1,
                "STEVE LIESMAN": 2,
                "COLBY SMITH": 1,
                "NICK TIMIRAOS": 3,
                "HOWARD SCHNEIDER": 3,
                "JEANNA SMIALEK": 3,
                "CHRISTOPHER RUGABER": 1,
                "VICTORIA GUIDA": 2,
                "OLIVIA ROCKEMAN": 2,
                "EDWARD LAWRENCE": 1,
                "MICHAEL MCKEE": 1,
                "MICHAEL DERBY": 2,
                "NANCY MARSHALL": 1,
                "EVAN RYSER": 3,
                "SCOTT HORSLEY": 1,
                "BRIAN CHEUNG": 1,
                "GREG ROBB": 3,
            }
        ],
    ),
    "fomc-2023-03-22-powell-press-conference.txt": (
        "generic",
        [
            {
                "CHAIR POWELL": 34,
                "MICHELLE SMITH": 19,
                "COLBY SMITH": 2,
                "STEVE LIESMAN": 2,
                "NICK TIMIRAOS": 2,
                "VICTORIA GUIDA": 2,
                "HOWARD SCHNEIDER": 2,
                "JEANNA SMIALEK": 2,
                "MICHAEL MCKEE": 2,
                "RACHEL SIEGEL": 2,
                "EDWARD LAWRENCE": 2,
                "NEIL IRWIN": 1,
                "CHRIS RUGABER": 1,
                "KYLE CAMPBELL": 1,
                "CATARINA SARAIVA": 2,
                "SIMON RABINOVITCH": 1,
                "GREG ROBB": 1,
                "NICOLE GOODKIND": 2,
                "JEAN YUNG": 1,
                "NANCY MARSHALL": 3,
                "JENNIFER SCHONBERGER": 2,
            }
        ],
    ),
    "fomc-2024-09-18-powell-press-conference.txt": (
        "generic",
        [
            {
                "CHAIR POWELL": 35,
                "MICHELLE SMITH": 20,
                "STEVE LIESMAN": 2,
                "CHRIS RUGABER": 1,
                "HOWARD SCHNEIDER": 3,
                "JEANNA SMIALEK": 1,
                "NICK TIMIRAOS": 3,
                "COLBY SMITH": 2,
                "MICHAEL MCKEE": 2,
                "RACHEL SIEGEL": 2,
                "NEIL IRWIN": 1,
                "EDWARD LAWRENCE": 2,
                "JO LING KENT": 2,
                "CATARINA SARAIVA": 2,
                "VICTORIA GUIDA": 1,
                "ELIZABETH SCHULZE": 2,
                "GREG ROBB": 1,
                "SIMON RABINOVITCH": 1,
                "MATT EGAN": 1,
                "KYLE CAMPBELL": 4,
                "JENNIFER SCHONBERGER": 2,
            }
        ],
    ),
    "fomc-2025-12-10-powell-press-conference.txt": (
        "generic",
        [
            {
                "CHAIR POWELL": 33,
                "MICHELLE SMITH": 16,
                "HOWARD SCHNEIDER": 3,
                "STEVE LIESMAN": 2,
                "COLBY SMITH": 2,
                "NICK TIMIRAOS": 2,
                "CLAIRE JONES": 2,
                "ANDREW ACKERMAN": 3,
                "EDWARD LAWRENCE": 2,
                "MICHAEL MCKEE": 2,
                "VICTORIA GUIDA": 1,
                "ELIZABETH SCHULZE": 2,
                "CHRIS RUGABER": 1,
                "NEIL IRWIN": 2,
                "MATT EGAN": 2,
                "MARK HAMRICK": 1,
            }
        ],
    ),
    "kremlin-news-17559.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Chairman of The Investigative Committee Alexander Bastrykin": 1,
                "Vladimir Putin": 1,
            }
        ],
    ),
    "kremlin-news-56963.txt": ("kremlin", [{"Vladimir Putin": 1}]),
    "kremlin-news-57607.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Prime Minister of Bulgaria Boyko Borissov (retranslated)": 1,
                "Vladimir Putin": 1,
            }
        ],
    ),
    "kremlin-news-59829.txt": ("kremlin", [{"President of Russia Vladimir Putin": 1}]),
    "kremlin-news-60747.txt": (
        "kremlin",
        [
            {
                "President of Russia Vladimir Putin": 1,
                "Prime Minister of India Narendra Modi (retranslated)": 1,
            }
        ],
    ),
    "kremlin-news-63378.txt": ("kremlin", [{"Vladimir Putin": 1}]),
    "whitehouse-2021-02-10-remarks-by-vice-president-harris-to-department-of-defense-p.txt": (
        "whitehouse",
        [{"Kamala Harris": 1}],
    ),
    "whitehouse-2021-04-28-remarks-as-prepared-for-delivery-by-president-biden-address.txt": (
        "whitehouse",
        [{"Joe Biden": 1}],
    ),
    "whitehouse-2021-10-20-remarks-as-prepared-for-delivery-by-first-lady-jill-biden-a.txt": (
        "whitehouse",
        [{"Jill Biden": 1}],
    ),
    "whitehouse-2022-09-16-remarks-by-national-security-advisor-jake-sullivan-at-the-s.txt": (
        "whitehouse",
        [{"Jake Sullivan": 1}],
    ),
    "whitehouse-2022-11-22-press-gaggle-by-vice-president-harris-aboard-the-philippine.txt": (
        "whitehouse",
        [{"THE VICE PRESIDENT": 6, "AIDE": 1, "Q": 5}],
    ),
    "whitehouse-2023-05-10-remarks-by-president-biden-before-marine-one-departure-35.txt": (
        "whitehouse",
        [{"Q": 35, "THE PRESIDENT": 31, "AIDE": 3}],
    ),
    "whitehouse-2024-11-11-remarks-as-delivered-by-john-podesta-press-conference-at-th.txt": (
        "whitehouse",
        [{"John Podesta": 1}],
    ),
    "whitehouse-2025-02-19-press-gaggle-by-president-trump-aboard-air-force-one-en-rou.txt": (
        "whitehouse",
        [{"THE PRESIDENT": 54, "Q": 54, "MR. CHEUNG": 2}],
    ),
}

# Lines of page furniture seen in the corpus; none may be (part of) a statement.
FURNITURE_LINES = [
    "Publication status",
    "Text version",
    "Text versionEvents",
    "See also",
    "Geography",
    "Topics",
    "Persons",
    "Additional",
    "Events",
    "* * *",
    "Header",
    "Multimedia",
    "Audio file",
    "MP3/5770kb",
    "Go to Homepage Go to Index Back to NATO Homepage",
    "Kazakh President discusses regional stability at NATO",
    # photo captions
    "With President of Finland Sauli Niinisto.",
    "News conference following Russian-Finnish talks. With President of Finland Sauli Niinisto.",
    "Meeting with Yamal LNG employees.",
    "During the meeting with Yamal LNG employees.",
    "Visit to Yamal LNG plant.",
    "President of Turkey Recep Tayyip Erdogan.",
    "President of Iran Hassan Rouhani.",
    "Aa a joint news conference with President of Turkey Recep Tayyip Erdogan.",
    "Press conference following the Russian-Hungarian talks.",
    "News conference following a meeting of the presidents of Russia, Turkey and Iran.",
    # "See also" links inside turns
    "Meeting with President of Finland Sauli Niinistö",
    "Russian-Hungarian talks",
    "March 22, 2016",
    "September 18, 2018",
]
FURNITURE_PATTERNS = [
    re.compile(r"^Published in sections?: "),
    re.compile(r"^Publication date: "),
    re.compile(r"^END\b"),
    re.compile(r"^\d{1,2}:\d{2} [AP]\.M\. [A-Z]{3,4}$"),
    re.compile(r"^(title|date|source_url|tags|published_time|modified_time): "),
    re.compile(r"^Updated: "),
]


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_document((CORPUS / name).read_text(encoding="utf-8"), filename=name)


def test_every_corpus_file_is_expected() -> None:
    assert set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", FILES)
def test_layout_family(name: str) -> None:
    assert parsed(name).format == EXPECTED[name][0]
    if parsed(name).format != "generic":
        assert parsed(name).format == name.split("-")[0]


@pytest.mark.parametrize("name", FILES)
def test_turns_per_label(name: str) -> None:
    doc = parsed(name)
    counts = []
    for event in doc.events:
        per_label: dict[str, int] = {}
        for turn in event.turns:
            per_label[turn.label] = per_label.get(turn.label, 0) + 1
        counts.append(per_label)
    assert counts == EXPECTED[name][1]


@pytest.mark.parametrize("name", FILES)
def test_no_label_inside_statements(name: str) -> None:
    labels = {label for event in EXPECTED[name][1] for label in event}
    starts = tuple(f"{label}:" for label in labels)
    for event in parsed(name).events:
        for turn in event.turns:
            for line in turn.text.split("\n"):
                assert not line.startswith(starts), (turn.sequence, line[:60])
                assert not re.match(r"^Q {2,}", line)


@pytest.mark.parametrize("name", FILES)
def test_no_furniture_in_statements(name: str) -> None:
    for event in parsed(name).events:
        for turn in event.turns:
            for line in turn.text.split("\n"):
                assert line not in FURNITURE_LINES, (turn.sequence, line)
                assert not any(p.match(line) for p in FURNITURE_PATTERNS), (turn.sequence, line)


@pytest.mark.parametrize("name", FILES)
def test_provenance(name: str) -> None:
    """Every span indexes the original: paragraphs give back the turn's text, labels their
    label, mentions and figures their text."""
    doc = parsed(name)
    original = (CORPUS / name).read_text(encoding="utf-8")
    assert doc.text == original
    markdown = doc.format == "whitehouse"
    for event in doc.events:
        assert event.span is not None
        for turn in event.turns:
            assert turn.paragraphs
            from_spans = []
            for span in turn.paragraphs:
                assert 0 <= span.start < span.end <= len(original)
                assert event.span.start <= span.start and span.end <= event.span.end
                text = collapse(original[span.start : span.end])
                from_spans.append(unescape_markdown(text) if markdown else text)
            assert "\n".join(from_spans) == turn.text
            if turn.label_span is not None:
                printed = original[turn.label_span.start : turn.label_span.end]
                assert collapse(printed) == turn.label
            for mention in [*turn.organisations, *turn.topics, *turn.persons]:
                assert original[mention.span.start : mention.span.end] == mention.text
                assert turn.span.start <= mention.span.start < mention.span.end <= turn.span.end
            for figure in turn.figures:
                assert original[figure.span.start : figure.span.end] == figure.text


@pytest.mark.parametrize("name", FILES)
def test_references_are_listed(name: str) -> None:
    """Every organisation, topic and person referenced is listed in the document."""
    doc = parsed(name)
    orgs = {o.slug for o in doc.organisations}
    topics = {t.slug for t in doc.topics}
    persons = {p.key for p in doc.persons}
    for event in doc.events:
        assert set(event.organisations) <= orgs
        for p in event.participants:
            assert p.person_key is None or p.person_key in persons
            assert p.affiliation is None or p.affiliation in orgs
        for turn in event.turns:
            assert turn.person_key is None or turn.person_key in persons
            assert {m.ref for m in turn.organisations} <= orgs
            assert {m.ref for m in turn.topics} <= topics
            assert {m.ref for m in turn.persons} <= persons
    for p in doc.persons:
        assert p.affiliation is None or p.affiliation in orgs


def test_two_events_on_one_kremlin_page() -> None:
    doc = parsed("kremlin-2005-06-23-csto-press-conference-and-plenary.txt")
    assert [e.time for e in doc.events] == ["20:33", "18:48"]
    first, second = doc.events
    assert first.span is not None and second.span is not None
    assert first.span.end <= second.span.start


def test_repeated_transcript_is_one_event() -> None:
    doc = parsed("whitehouse-2021-06-14-remarks-by-president-biden-in-press-conference-3.txt")
    assert len(doc.events) == 1
    assert doc.events[0].time == "21:28"  # "9:28 P.M. CEST"
    assert doc.events[0].location == "NATO Headquarters, Brussels, Belgium"


def test_contextual_label_resolves_to_office_holder() -> None:
    doc = parsed("whitehouse-2021-06-14-remarks-by-president-biden-in-press-conference-3.txt")
    president = {t.person_key for t in doc.events[0].turns if t.label == "THE PRESIDENT"}
    assert len(president) == 1
    ref = next(p for p in doc.persons if p.key in president)
    assert "Biden" in ref.name


def test_white_house_headers() -> None:
    doc = parsed(
        "whitehouse-2023-07-11-press-briefing-by-press-secretary-karine-jean-pierre-and-na.txt"
    )
    event = doc.events[0]
    assert event.kind == "PRESS_BRIEFING"
    assert event.time == "08:39"
    assert event.location == "Vilnius Town Hall, Vilnius, Lithuania"
    names = {p.name for p in doc.persons}
    assert {"Karine Jean-Pierre", "Jake Sullivan"} <= names  # fuller forms from the title


def test_markdown_escapes_are_not_speech() -> None:
    doc = parsed("whitehouse-2024-07-05-background-press-call-previewing-the-nato-summit.txt")
    text = "\n".join(t.text for t in doc.events[0].turns)
    assert "[senior administration official]" in text
    assert "\\[" not in text


def test_journalists_introduced_by_the_moderator() -> None:
    doc = parsed("whitehouse-2024-07-05-background-press-call-previewing-the-nato-summit.txt")
    first_question = next(t for t in doc.events[0].turns if t.kind == "QUESTION")
    asker = next(p for p in doc.persons if p.key == first_question.person_key)
    assert asker.name == "Aamer Madhani"  # "we’ll go to Aamer Madhani with the Associated Press"


def test_named_chair_moderates() -> None:
    """Dmitry Peskov hands the floor to journalists: his turns are moderation."""
    doc = parsed("kremlin-news-17173.txt")
    peskov = [t for t in doc.events[0].turns if t.label == "Dmitry Peskov"]
    moderation = [t for t in peskov if t.kind == "MODERATION"]
    assert len(moderation) >= 0.8 * len(peskov)


@pytest.mark.parametrize("name", FILES)
def test_line_endings_do_not_matter(name: str) -> None:
    """The same page with Windows line endings gives the same events and turns."""
    unix = parsed(name)
    windows = parse_document(unix.text.replace("\n", "\r\n"), filename=name)
    assert [(e.title, e.date, e.time, e.location) for e in windows.events] == [
        (e.title, e.date, e.time, e.location) for e in unix.events
    ]
    assert [(t.label, t.kind, t.text) for e in windows.events for t in e.turns] == [
        (t.label, t.kind, t.text) for e in unix.events for t in e.turns
    ]


ODD_SPACES = st.sampled_from([" ", "  ", "\u00a0", "\t", "\u2009", " \u00a0 "])


@settings(max_examples=40, deadline=None)
@given(st.lists(ODD_SPACES, min_size=12, max_size=12))
def test_spans_survive_odd_whitespace(spaces: list[str]) -> None:
    """Whatever the spaces, offsets index the original and labels stay labels."""
    words = [
        "Anna Berg:",
        "NATO",
        "and",
        "the",
        "UN",
        "agree.\n",
        "Question:",
        "Why",
        "now?\n",
        "Berg:",
        "Because",
        "Afghanistan.\n",
    ]
    text = "".join(w + s for w, s in zip(words, spaces, strict=True))
    doc = parse_document(text)
    turns = doc.events[0].turns
    assert [t.label for t in turns] == ["Anna Berg", "Question", "Berg"]
    assert turns[0].person_key == turns[2].person_key is not None
    for turn in turns:
        for span in turn.paragraphs:
            assert collapse(text[span.start : span.end]) in turn.text.split("\n")
        for m in [*turn.organisations, *turn.topics, *turn.persons]:
            assert text[m.span.start : m.span.end] == m.text


# Who speaks under a label or a labelless page, as the page itself says it (header, title, lede)
# or as the office's holder on the event's date: (file, label) -> person.
ATTRIBUTIONS = {
    # "TRANSCRIPT OF THE PRIME MINISTER THE HON JOHN HOWARD PRESS CONFERENCE", 12 September 2001
    ("au-2001-09-12-howard-press-conference-washington.txt", "PRIME MINISTER"): "John Howard",
    # "Press conference, President of the United States and Prime Minister Howard", 1996
    ("au-1996-11-20-howard-clinton-joint-press-conference.txt", "THE PRESIDENT"): "Bill Clinton",
    ("au-1996-11-20-howard-clinton-joint-press-conference.txt", "PRIME MINISTER HOWARD"): (
        "John Howard"
    ),
    ("au-1975-05-09-whitlam-press-conference-kingston.txt", "Prime Minister"): "Gough Whitlam",
    ("au-1983-11-22-hawke-press-conference-bangkok.txt", "P M"): "Bob Hawke",
    ("au-2013-08-17-rudd-wong-carr-joint-press-conference-adelaide.txt", "PRIME MINISTER"): (
        "Kevin Rudd"
    ),
    # "WONG:" once; the page names "Senator Penny Wong"
    ("au-2013-08-17-rudd-wong-carr-joint-press-conference-adelaide.txt", "WONG"): "Penny Wong",
    ("au-2016-10-30-turnbull-dutton-joint-press-conference-sydney.txt", "PRIME MINISTER"): (
        "Malcolm Turnbull"
    ),
    # "Now, I’ll ask the Minister, Mr Dutton, to expand on the proposed legislation."
    (
        "au-2016-10-30-turnbull-dutton-joint-press-conference-sydney.txt",
        "MINISTER FOR IMMIGRATION AND BORDER PROTECTION",
    ): "Dutton",
    ("fomc-2021-12-15-powell-press-conference.txt", "CHAIR POWELL"): "Jerome Powell",
    ("fomc-2025-12-10-powell-press-conference.txt", "CHAIR POWELL"): "Jerome Powell",
    ("fomc-2023-03-22-powell-press-conference.txt", "MICHELLE SMITH"): "Michelle Smith",
    (
        "whitehouse-2022-11-22-press-gaggle-by-vice-president-harris-aboard-the-philippine.txt",
        "THE VICE PRESIDENT",
    ): "Kamala Harris",
    (
        "whitehouse-2023-05-10-remarks-by-president-biden-before-marine-one-departure-35.txt",
        "THE PRESIDENT",
    ): "Joe Biden",
    (
        "whitehouse-2025-02-19-press-gaggle-by-president-trump-aboard-air-force-one-en-rou.txt",
        "THE PRESIDENT",
    ): "Donald Trump",
    # labelless pages: the byline names the speaker
    (
        "whitehouse-2021-04-28-remarks-as-prepared-for-delivery-by-president-biden-address.txt",
        None,
    ): "Joe Biden",
    (
        "whitehouse-2021-02-10-remarks-by-vice-president-harris-to-department-of-defense-p.txt",
        None,
    ): "Kamala Harris",
    (
        "whitehouse-2021-10-20-remarks-as-prepared-for-delivery-by-first-lady-jill-biden-a.txt",
        None,
    ): "Jill Biden",
    (
        "whitehouse-2022-09-16-remarks-by-national-security-advisor-jake-sullivan-at-the-s.txt",
        None,
    ): "Jake Sullivan",
    (
        "whitehouse-2024-11-11-remarks-as-delivered-by-john-podesta-press-conference-at-th.txt",
        None,
    ): "John Podesta",
    # messages: the lede's subject writes ("Vladimir Putin sent his condolences to ..."), the
    # person in the title is the addressee
    ("kremlin-news-56963.txt", None): "Vladimir Putin",
    ("kremlin-news-63378.txt", None): "Vladimir Putin",
    # short one-paragraph-per-line pages
    ("kremlin-news-17559.txt", "Chairman of The Investigative Committee Alexander Bastrykin"): (
        "Alexander Bastrykin"
    ),
    ("kremlin-news-60747.txt", "Prime Minister of India Narendra Modi (retranslated)"): (
        "Narendra Modi"
    ),
}


@pytest.mark.parametrize(("name", "label"), sorted(ATTRIBUTIONS, key=str))
def test_attribution(name: str, label: str | None) -> None:
    doc = parsed(name)
    names = {p.key: p.name for p in doc.persons}
    turns = [t for e in doc.events for t in e.turns]
    chosen = [t for t in turns if label is None or t.label == label]
    if label is None:
        assert len(turns) == 1 and turns[0].label_span is None  # one labelless statement
    assert chosen
    assert {names.get(t.person_key or "") for t in chosen} == {ATTRIBUTIONS[(name, label)]}


def test_a_message_is_not_spoken_by_its_addressee() -> None:
    doc = parsed("kremlin-news-56963.txt")  # "Condolences to President of Azerbaijan Ilham Aliyev"
    speakers = {t.person_key for e in doc.events for t in e.turns}
    assert "Ilham Aliyev" not in {p.name for p in doc.persons if p.key in speakers}


def test_running_headers_are_not_speech() -> None:
    """ "PRIME MINISTER" over a page number "2" is the printed page's header, not speech."""
    doc = parsed("au-2001-09-12-howard-press-conference-washington.txt")
    text = "\n".join(t.text for e in doc.events for t in e.turns)
    assert "Australia\nis somehow or other different" in text
    assert not re.search(r"^(PRIME MINISTER|\d{1,2})$", text, re.M)
    assert "www.pm.gov.au" not in text


def test_inline_name_tags_are_labels() -> None:
    doc = parsed("fomc-2024-09-18-powell-press-conference.txt")
    first = doc.events[0].turns[0]
    assert first.label == "CHAIR POWELL"
    assert first.text.startswith("Good afternoon.")
    assert "<NAME>" not in "".join(t.text for t in doc.events[0].turns)
    assert doc.events[0].date is not None and doc.events[0].date.isoformat() == "2024-09-18"


def test_a_bare_dollar_is_the_pages_own_currency() -> None:
    """An Australian government page's "$8 million" is Australian dollars; a White House
    page's, US dollars."""
    au = parsed("au-2016-10-30-turnbull-dutton-joint-press-conference-sydney.txt")
    money = {f.text: f.unit for e in au.events for t in e.turns for f in t.figures}
    assert money["about $8 million"] == "AUD"
    us = parsed(
        "whitehouse-2021-04-28-remarks-as-prepared-for-delivery-by-president-biden-address.txt"
    )
    units = {f.unit for e in us.events for t in e.turns for f in t.figures if "$" in f.text}
    assert units == {"USD"}


@pytest.mark.parametrize(
    ("name", "place"),
    [
        # "Transcript of joint press conference: Adelaide: 17 August 2013: ..."
        ("au-2013-08-17-rudd-wong-carr-joint-press-conference-adelaide.txt", "Adelaide"),
        # "Prime Minister's press conference - Kingston"
        ("au-1975-05-09-whitlam-press-conference-kingston.txt", "Kingston"),
        # "... PRESS CONFERENCE - AMBASSADOR’S RESIDENCE, WASHINGTON DC"
        (
            "au-2001-09-12-howard-press-conference-washington.txt",
            "AMBASSADOR’S RESIDENCE, WASHINGTON DC",
        ),
    ],
)
def test_place_named_after_the_occasion(name: str, place: str) -> None:
    assert parsed(name).events[0].location == place


def test_remarks_from_the_room_are_not_questions() -> None:
    """On the Yamal LNG visit workers speak as "Remark:"; they say things, they ask nothing,
    and they are not journalists."""
    doc = parsed("kremlin-news-56337.txt")
    turns = doc.events[0].turns
    remarks = [t for t in turns if t.label == "Remark"]
    assert remarks and {t.kind for t in remarks} == {"REMARKS"}
    questions = [t for t in turns if t.label == "Question"]
    assert questions and {t.kind for t in questions} == {"QUESTION"}
    roles = {p.role for p in doc.events[0].participants if p.label == "Remark"}
    assert roles == {"SPEAKER"}

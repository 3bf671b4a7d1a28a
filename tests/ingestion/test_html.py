"""Article text out of HTML pages: real en.kremlin.ru pages and pages of other layouts.

The expected lines were read in the pages (in a browser and in their source); the product
owners' own extraction of kremlin-news-57607 (kremlin-news-57607.txt) is the reference for
that page's lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from data_paths import CORPUS

from service.ingestion.html import extract

PAGES = Path(__file__).resolve().parent / "html_pages"

# The site's navigation, footer and sidebar, and the "related"/tags/status lists under the
# article: never lines of the transcript.
KREMLIN_FURNITURE = {
    "Events",
    "Structure",
    "Videos and Photos",
    "Documents",
    "Contacts",
    "Search",
    "Mobile version",
    "Official Internet Resources",
    "For the Media",
    "Version for People with Disabilities",
    "See also",
    "Publication status",
    "Geography",
    "Text version",
}


def lines(text: str) -> list[str]:
    """Non-blank lines, no-break spaces read as spaces (the page uses them between words)."""
    return [line.replace("\xa0", " ") for line in text.splitlines() if line.strip()]


def page(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "title", "first_turn", "sentence"),
    [
        (
            "kremlin-news-57607.html",
            "Russian-Bulgarian Talks",
            "President of Russia Vladimir Putin: Mr Prime Minister, colleague, friends,",
            "Moscow will host the FIFA World Cup and become the football capital.",
        ),
        (
            "kremlin-news-54499.html",
            "Replies to journalists’ questions",
            "President of Russia Vladimir Putin: Good afternoon.",
            "Let me dispense with opening remarks and get straight on with answering any "
            "questions you may have.",
        ),
        (
            "kremlin-news-54794-print.html",
            "Answers to journalists’ questions following Direct Line",
            "President of Russia Vladimir Putin: Let us start with our Chinese friends.",
            "I would like to once again thank China for arranging this work.",
        ),
        (
            "kremlin-news-60857.html",
            "Vladimir Putin’s news conference",
            "President of Russia Vladimir Putin: Good afternoon. Let us begin. Go ahead, please.",
            "I would like to single out four major fields where the needed agreements have "
            "been reached.",
        ),
    ],
)
def test_kremlin_page_gives_its_transcript(
    name: str, title: str, first_turn: str, sentence: str
) -> None:
    found = extract(page(name))
    text = lines(found.text)
    assert text[0] == title
    assert found.title == title
    assert first_turn in text  # the opening label starts its own line
    assert any(line.startswith("Vladimir Putin: ") for line in text)
    assert any(line.startswith("Question: ") for line in text) or "57607" in name
    assert sentence in found.text.replace("\xa0", " ")
    assert not KREMLIN_FURNITURE & set(text)
    assert found.source_url == f"http://en.kremlin.ru/events/president/news/{name[13:18]}"


def test_kremlin_page_header_lines_are_kept() -> None:
    """Title, lede, date, time and place: the event header the parser reads."""
    text = lines(extract(page("kremlin-news-60857.html")).text)
    assert text[:6] == [
        "Vladimir Putin’s news conference",
        "Following the G20 summit, the President of Russia answered journalists’ questions.",
        "June 29, 2019",
        "10:50",
        "Osaka",
        "President of Russia Vladimir Putin: Good afternoon. Let us begin. Go ahead, please.",
    ]


def test_kremlin_57607_matches_the_product_owners_extraction() -> None:
    """Every line of the article as the product owners extracted it, in order; what we leave
    out is only the section link above the title and the lists under the article."""
    ours = lines(extract(page("kremlin-news-57607.html")).text)
    theirs = lines((CORPUS / "kremlin-news-57607.txt").read_text(encoding="utf-8"))
    article = theirs[theirs.index("Russian-Bulgarian Talks") : theirs.index("<…>") + 1]
    assert ours == article
    assert theirs[0] == "Events" and "See also" in theirs[len(article) :]


def test_general_rules_alone_find_the_kremlin_article() -> None:
    """Without its URL the page gets no per-site selectors: the general rules still keep the
    title and the turns and drop the site's menus, footer and sidebar."""
    html = page("kremlin-news-57607.html")
    html = html.replace('property="og:url"', 'property="og:unknown"')
    found = extract(html)
    assert found.source_url is None
    text = lines(found.text)
    assert "Russian-Bulgarian Talks" in text[:2]
    assert "President of Russia Vladimir Putin: Mr Prime Minister, colleague, friends," in text
    assert "Vladimir Putin: Thank you." in text
    assert not {"Videos and Photos", "Mobile version", "Official Internet Resources"} & set(text)


def test_white_house_like_page() -> None:
    found = extract((PAGES / "whitehouse-like-press-conference.html").read_text(encoding="utf-8"))
    text = lines(found.text)
    assert text[:5] == [
        "Remarks by President Hale and Prime Minister Varga in Joint Press Conference",
        "April 2, 2031",
        "East Room",
        "2:14 P.M. EDT",
        "PRESIDENT HALE:  Good afternoon, everyone.  Please, sit down.  It is a pleasure to "
        "welcome Prime Minister Varga to the White House for the first time.",
    ]
    assert any(line.startswith("PRIME MINISTER VARGA:  Thank you, Mr. President") for line in text)
    assert "Q  Mr. President, will the bridge be finished before the winter?" in text
    assert text[-1] == "END   2:31 P.M. EDT"
    boilerplate = ["Skip to content", "Briefing Room", "Related Posts", "Facebook", "Privacy"]
    assert not [word for word in boilerplate if word in found.text]
    assert "analytics" not in found.text and "font-family" not in found.text
    assert (
        found.source_url
        == "https://www.whitehouse.example/briefing-room/2031/04/02/remarks-hale-varga/"
    )


def test_generic_press_page_without_article_markup() -> None:
    """No <article> or <main>: the text-dense block is found, menus and lists are not."""
    found = extract((PAGES / "generic-ministry-press-page.html").read_text(encoding="utf-8"))
    text = lines(found.text)
    assert text[:3] == [
        "Joint press conference of Foreign Ministers Lindqvist and Moreau",
        "Stockholm, 14 March 2031",
        "Minister Lindqvist: Good morning and welcome to the Ministry. Minister Moreau and I "
        "have just concluded our talks on Baltic security and on the fisheries agreement.",
    ]
    assert "Journalist: Will the agreement cover the northern waters as well?" in text
    assert len(text) == 7
    for gone in ["cookies", "Travel advice", "Latest news", "Porto", "Switchboard", "Press room"]:
        assert gone not in found.text
    assert found.source_url == (
        "https://mfa.example.org/press/2031/joint-press-conference-lindqvist-moreau"
    )


def test_br_separated_turns_keep_their_lines() -> None:
    """<br><br> between turns is a paragraph break; one <br> a line break inside a turn."""
    found = extract((PAGES / "br-separated-hearing.html").read_text(encoding="utf-8"))
    blocks = found.text.split("\n\n")
    assert blocks[:3] == [
        "Hearing of the Committee on Transport",
        "9 June 2031, Room 210",
        "CHAIRMAN ROWE: The committee will come to order. We meet today on the state of the "
        "national rail network.",
    ]
    assert (
        "SENATOR OKAFOR: Thank you, Mr. Chairman. I want to begin with the delays on the "
        "northern line,\nwhich have doubled since last spring."
    ) in blocks
    assert blocks[-1] == "CHAIRMAN ROWE: The hearing is adjourned."
    assert "Committee home" not in found.text and "Members" not in found.text


def test_page_without_body_text() -> None:
    found = extract("<html><head><title>Nothing here</title></head><body></body></html>")
    assert found.text in ("", "Nothing here")

"""Who speaks each turn of a page.

Names are registered in order of how much they say: full names first (from event headers,
labels and journalists' introductions), then surnames alone ("NAZARBAYEV", "Mr Putin",
"SECRETARY GENERAL STOLTENBERG"), then offices standing for a person ("THE PRESIDENT"). So a
surname is only ever resolved against every full name of the page, and is left unresolved
when two people of the page share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.ingestion import journalists, namefinder, offices
from service.ingestion.designations import Designation, surname_tokens
from service.ingestion.events import EventPage
from service.ingestion.labels import Label
from service.ingestion.names import fold_name
from service.ingestion.people import Person, Registry, is_surname_only
from service.ingestion.turns import RawTurn


@dataclass
class TurnSpeaker:
    person: Person | None = None
    journalist: bool = False
    outlet: str | None = None  # a journalist's outlet as printed
    title: str | None = None  # office given at this event


@dataclass
class EventSpeakers:
    turns: list[TurnSpeaker]
    principals: set[int] = field(default_factory=set)  # id() of persons named in the header


@dataclass
class EventTurns:
    """One event of the page: its header and raw turns (and, for a speech, the speaker)."""

    page: EventPage
    turns: list[RawTurn]
    speaker: list[str]  # labelless speech: the speaker's name
    speaker_title: str | None


def resolve(
    registry: Registry, items: list[EventTurns], country: str | None = None
) -> list[EventSpeakers]:
    """Resolve the speaker of every turn of every event of a page.

    ``country`` is the page's jurisdiction: with the event's date it names the holder of an
    office the page itself leaves unnamed (``offices``).
    """
    headers = [_header_people(item.page) for item in items]
    result = [EventSpeakers([TurnSpeaker() for _ in item.turns]) for item in items]
    exclude = {fold_name(d.name_text) for people in headers for d in people if len(d.name) > 1}
    _name_office_holders(registry, items, headers, result, country)

    # 1. full names: headers, labels, journalists
    for e, item in enumerate(items):
        for name, office in _presiding(item.page):
            person = registry.add(name, title=office)
            if person is not None:
                result[e].principals.add(id(person))
    for e, people in enumerate(headers):
        for d in people:
            if len(d.name) > 1 and not is_surname_only(d.name):
                person = registry.add(d.name, title=_known_title(d))
                if person is not None:
                    result[e].principals.add(id(person))
    for e, item in enumerate(items):
        for t, turn in enumerate(item.turns):
            slot = result[e].turns[t]
            label = turn.label
            if label is None:
                if item.speaker and len(item.speaker) > 1:
                    slot.person = registry.add(item.speaker, title=item.speaker_title)
                continue
            slot.title = _label_title(label)
            slot.outlet = label.outlet
            d = label.designation
            if d is not None and len(d.name) > 1 and not is_surname_only(d.name):
                slot.person = registry.add(d.name, title=slot.title, alias=label.raw)
                if label.outlet:  # "Robin Emmott (Reuters)": a journalist
                    slot.journalist = True
            elif label.side == "question":
                intro = journalists.self_introduction(_opening(turn), exclude)
                if intro is None and t > 0:
                    previous = item.turns[t - 1]
                    if previous.label is None or previous.label.side != "question":
                        intro = journalists.introduced(previous.texts[-1], exclude)
                if intro is not None:
                    slot.person = registry.add(intro.name)
                    slot.outlet = intro.outlet or label.outlet
                elif (named := label.outlet or journalists.outlet_only(_opening(turn))) is not None:
                    slot.outlet = named  # "I represent the TVN television company": a new asker
                elif (asker := _follow_up_of(item.turns, result[e].turns, t)) is not None:
                    slot.person, slot.outlet = asker.person, asker.outlet
                slot.journalist = True
    # journalists with their own labels who introduce themselves in their turns
    for e, item in enumerate(items):
        for t, turn in enumerate(item.turns):
            slot = result[e].turns[t]
            if slot.person is None or slot.journalist or id(slot.person) in result[e].principals:
                continue
            for text in turn.texts[:2]:
                intro = journalists.self_introduction(text)
                if intro is not None and registry.add(intro.name, create=False) is slot.person:
                    slot.outlet = slot.outlet or intro.outlet
                    _mark_journalist(result[e], slot.person, intro.outlet)
                    break
    _spread_journalists(result)

    # 2. surnames alone (labels, and header forms such as "President Biden")
    for e, people in enumerate(headers):
        for d in people:
            if len(d.name) == 1 or is_surname_only(d.name):
                person = registry.resolve_surname(d.name, title=_known_title(d))
                if person is not None:
                    result[e].principals.add(id(person))
    for e, item in enumerate(items):
        introductions = _Introductions(item.turns)
        for t, turn in enumerate(item.turns):
            label, slot = turn.label, result[e].turns[t]
            if slot.person is not None:
                continue
            if label is None and item.speaker:  # a speech by "President Okafor"
                slot.person = registry.resolve_surname(item.speaker, title=item.speaker_title)
                continue
            if label is None or label.designation is None:
                continue
            d = label.designation
            if d.name and (len(d.name) == 1 or is_surname_only(d.name)):
                if not registry.knows_surname(d.name):
                    introduced = introductions.of(d.name, t)
                    if introduced is not None:
                        registry.add(introduced.name, title=slot.title or introduced.title_text)
                slot.person = registry.resolve_surname(d.name, title=slot.title, alias=label.raw)

    _spread_journalists(result)  # their surname labels too: "WOLF BLITZER, CNN" then "BLITZER"

    # 3. offices standing for their holder: "THE PRESIDENT"
    for e, item in enumerate(items):
        for t, turn in enumerate(item.turns):
            label, slot = turn.label, result[e].turns[t]
            if label is None or label.designation is None or slot.person is not None:
                continue
            title = label.designation.title_text
            if label.designation.contextual and title:
                slot.person = registry.by_title(title)
                if slot.person is None:
                    found = offices.holder(title, item.page.date, country) or (
                        offices.holder_named_in(title, item.page.date, _header_texts(item.page))
                    )
                    if found is not None:
                        slot.person = registry.add(found.name_tokens, title=found.title)
                        slot.title = slot.title or found.title
                if slot.person is None and t > 0:
                    handed = _handed_over_to(item.turns[t - 1])
                    if handed is not None:  # "I'll ask the Minister, Mr Dutton, to expand"
                        slot.person = registry.add(handed, title=title)
                if slot.person is not None:
                    slot.person.add_alias(label.raw)
    # 4. "A." answers in an interview: the one person the header names ("Interview with ...")
    for e, item in enumerate(items):
        principals = [p for p in registry.persons if id(p) in result[e].principals]
        if len(principals) != 1:
            continue
        for t, turn in enumerate(item.turns):
            label, slot = turn.label, result[e].turns[t]
            if label is not None and slot.person is None and _is_answer_mark(label):
                slot.person = principals[0]
    return result


class _Introductions:
    """Full names an event introduces before someone speaks under their surname alone: "Today
    I'm joined by Admiral John Kirby" (the event's first turn) or "I'll hand over to Jake
    Sullivan" (the turn just before) make "ADMIRAL KIRBY:" / "MR. SULLIVAN:" those people.

    Only where introductions stand, only at a surname's first turn, and only when exactly one
    name of that surname is there: "my father, George H. W. Bush" later in a speech never
    names the "MR. BUSH" who says it.
    """

    def __init__(self, turns: list[RawTurn]) -> None:
        self.turns = turns
        self._tried: set[str] = set()
        self._named: dict[int, list[Designation]] = {}

    def of(self, surname: list[str], t: int) -> Designation | None:
        wanted = fold_name(" ".join(surname))
        if wanted in self._tried or t == 0:
            return None
        self._tried.add(wanted)
        found: dict[str, Designation] = {}
        for i in {0, t - 1}:
            for d in self._people(i):
                if fold_name(" ".join(surname_tokens(d.name))) == wanted:
                    found[fold_name(" ".join(d.name))] = d
        return next(iter(found.values())) if len(found) == 1 else None

    def _people(self, i: int) -> list[Designation]:
        """The people turn ``i`` names in full."""
        if i not in self._named:
            self._named[i] = [
                d
                for text in self.turns[i].texts
                for d in namefinder.people(text)
                if len(d.name) > 1 and not is_surname_only(d.name)
            ]
        return self._named[i]


def _opening(turn: RawTurn) -> str:
    """The first paragraphs of a turn: "Hello, Mr President," may stand on a line of its own
    before the introduction."""
    return "\n".join(turn.texts[:_OPENING_PARAGRAPHS])


_OPENING_PARAGRAPHS = 3


def _follow_up_of(turns: list[RawTurn], slots: list[TurnSpeaker], t: int) -> TurnSpeaker | None:
    """The named questioner whose question an unnamed "Q:" at ``t`` follows up.

    Only answers may stand between them: another question, a moderator, a turn whose end hands
    the floor on ("Go ahead, Tom.", "Jane Doe, Reuters.") or a greeting opening the turn ("Hi,
    Mr. President.", which a new questioner says) ends the exchange.
    """
    if journalists.greets(turns[t].texts[0] if turns[t].texts else ""):
        return None
    for p in range(t - 1, -1, -1):
        label, slot = turns[p].label, slots[p]
        asks = slot.journalist or (label is not None and label.side == "question")
        if asks:
            return slot if slot.person is not None else None
        if label is not None and label.side in {"moderator", "audience"}:
            return None
        if turns[p].texts and journalists.hands_floor(turns[p].texts[-1]):
            return None
    return None


def _is_answer_mark(label: Label) -> bool:
    """ "A:", "A.", "Answer:": the interviewee, unlike an anonymous "Senior Official"."""
    return label.side == "answer" and label.raw.lower().strip(" .") in {"a", "answer"}


# The floor handed to someone at the end of a turn: "Now, I'll ask the Minister, Mr Dutton, to
# expand on ...", "I'll hand over to the Treasurer, Jim Chalmers."
_HANDOVER = re.compile(
    r"\b(?:ask|invite|hand(?:ing)?(?: it)? over to|pass(?:ing)?(?: it)? (?:over )?to|over to"
    r"|turn(?:ing)? to|call on|now to)\s+(?P<rest>[^.?!]{3,120})",
    re.I,
)


def _handed_over_to(previous: RawTurn) -> list[str] | None:
    """The one person the end of the previous turn hands the floor to, by name."""
    if not previous.texts:
        return None
    tail = previous.texts[-1][-400:]
    found = None
    for m in _HANDOVER.finditer(tail):
        people = [d for d in namefinder.people(m["rest"]) if d.name]
        if len(people) == 1:
            found = people[0].name
    return found


def _name_office_holders(
    registry: Registry,
    items: list[EventTurns],
    headers: list[list[Designation]],
    result: list[EventSpeakers],
    country: str | None,
) -> None:
    """Office and surname ("CHAIR POWELL", "President Biden") -> the holder's full name.

    Registered before any surname is resolved, so that the surname then finds its person.
    """
    for e, item in enumerate(items):
        day = item.page.date
        named = [(d, True) for d in headers[e]]
        named += [(t.label.designation, False) for t in item.turns if t.label is not None]
        for d, in_header in named:
            if d is None or not d.title or not d.name:
                continue
            if len(d.name) > 1 and not is_surname_only(d.name):
                continue
            if registry.add(d.name, create=False) is not None:
                continue  # the page names this person in full
            found = offices.holder_by_surname(d.title_text, d.name, day, country)
            if found is None:
                continue
            person = registry.add(found.name_tokens, title=found.title)
            if person is not None and in_header:
                result[e].principals.add(id(person))


def _spread_journalists(result: list[EventSpeakers]) -> None:
    """Every turn of a person who asks as a journalist in an event is a journalist's."""
    for event in result:
        for slot in event.turns:
            if slot.journalist and slot.person is not None:
                _mark_journalist(event, slot.person, slot.outlet)


def _mark_journalist(event: EventSpeakers, person: Person, outlet: str | None) -> None:
    for slot in event.turns:
        if slot.person is person:
            slot.journalist = True
            slot.outlet = slot.outlet or outlet


# "Hon. John F. Kerry (chairman of the committee) presiding": who chairs a hearing.
_PRESIDING = re.compile(
    r"(?P<who>(?:[A-Z][\w.’'\-]*\s+){1,5}?[A-Z][\w’'\-]+)\s*,?\s*\((?P<office>[^()]{2,80})\)"
    r"\s*,?\s*presiding"
)


def _presiding(page: EventPage) -> list[tuple[list[str], str]]:
    """The presiding officer named in a hearing's header, with the office he chairs in."""
    found = []
    for text in [p.text for p in page.header] + page.lede:
        for m in _PRESIDING.finditer(text):
            d = namefinder.people(m["who"])
            office = m["office"].split()[0].strip(",").capitalize()
            if d and len(d[0].name) > 1:
                found.append((d[0].name, office))
    return found


def _header_texts(page: EventPage) -> list[str]:
    return [page.title or "", *page.lede]


def _header_people(page: EventPage) -> list[Designation]:
    found: list[Designation] = []
    for text in _header_texts(page):
        found.extend(namefinder.people(text))
    return found


def _known_title(d: Designation) -> str | None:
    return d.title_text if d.title_known else None


def _label_title(label: Label) -> str | None:
    if label.titles:
        return label.titles[0]
    d = label.designation
    return d.title_text if d is not None and d.title_known else None

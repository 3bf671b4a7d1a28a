"""Turn kinds (REMARKS, QUESTION, ANSWER, MODERATION) and which question an answer answers.

Questions come from the floor: role labels such as "Q", "Question", "Remark" and journalists
who named themselves. Moderation comes from moderator labels, from a named chair whose turns
hand the floor to questioners, and, once questions have begun, from short floor-giving turns
("Go ahead, please.") right before a question. Every other turn answers the latest question,
until the next question or moderation; before any question it is REMARKS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from statistics import median

from service.ingestion.datafiles import load
from service.ingestion.model import StatementKind

_FLOOR_TURN_MAX_WORDS = 15
_CHAIR_MIN_TURNS = 3
_CHAIR_MAX_MEDIAN_WORDS = 30
_CHAIR_STATEMENT_WORDS = 60  # a chair's longer turn is a statement of his own


@dataclass
class Slot:
    """What classification needs to know about one turn."""

    side: str | None  # role label side: question | audience | moderator | interpreter | answer
    who: str | None  # person key (or None when unknown)
    journalist: bool  # the speaker is a journalist of this event
    principal: bool  # named in the event header (title, lede): never the chair
    text: str
    kind: StatementKind | None = None
    in_reply_to: int | None = None  # index of the question slot

    @property
    def asks(self) -> bool:
        return self.side == "question" or self.journalist

    @property
    def words(self) -> int:
        return len(self.text.split())


@cache
def _floor_cue() -> re.Pattern[str]:
    cues = "|".join(re.escape(c) for c in load("labels")["floor_cues"])
    return re.compile(rf"\b(?:{cues})\b", re.I)


def chairs(slots: list[Slot]) -> set[str]:
    """Named speakers who chair: most of their short turns hand the floor to a questioner."""
    by_person: dict[str, list[int]] = {}
    for i, s in enumerate(slots):
        if s.who and s.side is None and not s.journalist and not s.principal:
            by_person.setdefault(s.who, []).append(i)
    found = set()
    for who, idx in by_person.items():
        if len(idx) < _CHAIR_MIN_TURNS:
            continue
        before_question = sum(1 for i in idx if i + 1 < len(slots) and slots[i + 1].asks)
        after_question = sum(1 for i in idx if i > 0 and slots[i - 1].asks)
        short = median(slots[i].words for i in idx) <= _CHAIR_MAX_MEDIAN_WORDS
        if short and before_question >= 0.5 * len(idx) and after_question <= 0.3 * len(idx):
            found.add(who)
    return found


def classify(slots: list[Slot]) -> set[str]:
    """Set kind and in_reply_to on every slot; return the chairs found."""
    chair = chairs(slots)
    question: int | None = None
    asked = False  # before the first question, a speaker's short word is an opening
    for i, s in enumerate(slots):
        nxt = slots[i + 1] if i + 1 < len(slots) else None
        if s.who in chair and not s.asks and s.words > _CHAIR_STATEMENT_WORDS:
            s.kind, question = StatementKind.REMARKS, None  # the chair speaking for himself
        elif s.side == "moderator" or (s.who in chair and not s.asks):
            s.kind, question = StatementKind.MODERATION, None
        elif s.asks:
            s.kind, question, asked = StatementKind.QUESTION, i, True
        elif s.side == "audience":  # "Remark:", "Reply:" from the room: said, not asked
            s.kind, question = StatementKind.REMARKS, None
        elif (
            asked
            and nxt is not None
            and nxt.asks
            and s.words <= _FLOOR_TURN_MAX_WORDS
            and _floor_cue().search(s.text)
        ):
            s.kind, question = StatementKind.MODERATION, None
        elif question is not None:
            s.kind, s.in_reply_to = StatementKind.ANSWER, question
        else:
            s.kind = StatementKind.REMARKS
    return chair

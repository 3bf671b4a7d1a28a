"""The contract's enums; values equal names so they map 1:1 onto the database's text columns."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum
class EventKind(Enum):
    PRESS_CONFERENCE = "PRESS_CONFERENCE"
    PRESS_BRIEFING = "PRESS_BRIEFING"
    MEETING = "MEETING"
    SPEECH = "SPEECH"
    INTERVIEW = "INTERVIEW"
    OTHER = "OTHER"


@strawberry.enum
class ParticipantRole(Enum):
    SPEAKER = "SPEAKER"
    MODERATOR = "MODERATOR"
    JOURNALIST = "JOURNALIST"
    INTERPRETER = "INTERPRETER"


@strawberry.enum
class OrganisationKind(Enum):
    INTERNATIONAL = "INTERNATIONAL"
    GOVERNMENT = "GOVERNMENT"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


@strawberry.enum
class TopicKind(Enum):
    PLACE = "PLACE"
    THEME = "THEME"


@strawberry.enum
class StatementKind(Enum):
    REMARKS = "REMARKS"
    QUESTION = "QUESTION"
    ANSWER = "ANSWER"
    MODERATION = "MODERATION"


@strawberry.enum
class FigureKind(Enum):
    MONEY = "MONEY"
    PERCENTAGE = "PERCENTAGE"
    MASS = "MASS"
    COUNT = "COUNT"
    MULTIPLIER = "MULTIPLIER"
    DURATION = "DURATION"
    OTHER = "OTHER"


@strawberry.enum
class FigureQualifier(Enum):
    EXACT = "EXACT"
    APPROXIMATE = "APPROXIMATE"
    MORE_THAN = "MORE_THAN"
    LESS_THAN = "LESS_THAN"
    AT_LEAST = "AT_LEAST"
    AT_MOST = "AT_MOST"
    ALMOST = "ALMOST"


@strawberry.enum
class StatementOrder(Enum):
    DATE_DESC = "DATE_DESC"
    DATE_ASC = "DATE_ASC"


@strawberry.enum
class EventOrder(Enum):
    DATE_DESC = "DATE_DESC"
    DATE_ASC = "DATE_ASC"


@strawberry.enum
class FigureOrder(Enum):
    DATE_DESC = "DATE_DESC"
    DATE_ASC = "DATE_ASC"
    VALUE_DESC = "VALUE_DESC"
    VALUE_ASC = "VALUE_ASC"


@strawberry.enum
class StatementGrouping(Enum):
    SPEAKER = "SPEAKER"
    TOPIC = "TOPIC"
    ORGANISATION = "ORGANISATION"
    EVENT = "EVENT"
    MONTH = "MONTH"
    YEAR = "YEAR"

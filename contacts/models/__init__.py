"""The contact directory's data: departments and channels (`directory`), on-call
schedules generated from layers (`schedules`), and Jira targets (`jira`)."""

from .directory import (
    ChannelKind,
    ContactChannel,
    Department,
    OnCallShift,
    Restriction,
)
from .jira import JiraTarget
from .schedules import (
    LONGEST_TURN,
    SHORTEST_TURN,
    LayerMember,
    Schedule,
    ScheduleLayer,
    validate_turn_length,
)

__all__ = [
    "LONGEST_TURN",
    "SHORTEST_TURN",
    "ChannelKind",
    "ContactChannel",
    "Department",
    "JiraTarget",
    "LayerMember",
    "OnCallShift",
    "Restriction",
    "Schedule",
    "ScheduleLayer",
    "validate_turn_length",
]

"""The contact directory's data: departments and channels (`directory`), on-call
schedules generated from layers (`schedules`), Jira targets (`jira`) and escalation
policies for paging (`paging`), people's working hours (`hours`)."""

from .directory import (
    ChannelKind,
    ContactChannel,
    Department,
    OnCallShift,
    Restriction,
)
from .hours import WorkingHours
from .jira import JiraTarget
from .paging import MAX_DELAY_MINUTES, MAX_REPEATS, EscalationLevel, EscalationPolicy
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
    "MAX_DELAY_MINUTES",
    "MAX_REPEATS",
    "SHORTEST_TURN",
    "ChannelKind",
    "ContactChannel",
    "Department",
    "EscalationLevel",
    "EscalationPolicy",
    "JiraTarget",
    "LayerMember",
    "OnCallShift",
    "Restriction",
    "Schedule",
    "ScheduleLayer",
    "WorkingHours",
    "validate_turn_length",
]

"""The contact directory's data: departments and channels (`directory`), and on-call
schedules generated from layers (`schedules`)."""

from .directory import (
    ChannelKind,
    ContactChannel,
    Department,
    OnCallShift,
    Restriction,
)
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
    "LayerMember",
    "OnCallShift",
    "Restriction",
    "Schedule",
    "ScheduleLayer",
    "validate_turn_length",
]

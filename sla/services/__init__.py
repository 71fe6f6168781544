"""Every write of the SLA app, one module per concept; import them from here.

`policies` (targets, the matrix, policy edits), `calendars` (business hours, holidays),
`clocks` (one target on a subject and its warning and breach timers), `timers` (one-off
timers), `sweeper` (firing what is due), `bulk` (volume loading) and `keys` (how clocks'
timers are keyed).
Callers write `from sla import services as sla` and `sla.clock_start(...)`.
"""

from .bulk import ClockPlan, clock_plan, clocks_bulk_create
from .calendars import (
    around_the_clock_calendar,
    business_hours_calendar,
    calendar_import_holidays,
    calendars_roll_holidays_forward,
)
from .clocks import (
    clock_pause,
    clock_resume,
    clock_retarget,
    clock_start,
    clock_stop,
    clocks_void,
    latest_clock,
    next_cycle,
    running_clocks,
)
from .keys import BREACH
from .policies import POLICY_TARGET_FIELDS, Targets, sla_policy_save, targets_for, tier_time_allowed
from .suspension import clocks_lift, clocks_suspend, suspended_clocks
from .sweeper import sweep, sweep_backlog
from .timers import timer_set, timers_cancel, timers_plan

__all__ = [
    "BREACH",
    "POLICY_TARGET_FIELDS",
    "ClockPlan",
    "Targets",
    "around_the_clock_calendar",
    "business_hours_calendar",
    "calendar_import_holidays",
    "calendars_roll_holidays_forward",
    "clock_pause",
    "clock_plan",
    "clock_resume",
    "clock_retarget",
    "clock_start",
    "clock_stop",
    "clocks_bulk_create",
    "clocks_lift",
    "clocks_suspend",
    "clocks_void",
    "latest_clock",
    "next_cycle",
    "running_clocks",
    "sla_policy_save",
    "suspended_clocks",
    "sweep",
    "sweep_backlog",
    "targets_for",
    "tier_time_allowed",
    "timer_set",
    "timers_cancel",
    "timers_plan",
]

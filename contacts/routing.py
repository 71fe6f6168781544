"""Whom to reach in a department right now, and how (003 "Team Contact Directory").

Pure reads over prefetched rows: callers that show many departments prefetch
`channels` and the calendar's `spans`/`holidays` and pass `on_call` from
`on_call_now_by_department`, so a directory page costs a fixed number of queries.
Who is on call comes from the departments' schedules with their entered shifts on top
(`contacts.oncall`), fetched in four queries for any number of departments.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from core.errors import CalendarMisconfigured
from sla.businesstime import is_open as schedule_is_open
from sla.businesstime import next_opening
from sla.services import business_hours_calendar

from .models import ContactChannel, Department, OnCallShift, Restriction, Schedule
from .oncall import OnCallEntry, Outlook, on_call_entries, outlook
from .selectors import ON_CALL_HORIZON, schedules_by_department, shifts_by_department


@dataclass(frozen=True)
class Route:
    department: Department
    channel: ContactChannel | None
    on_call: OnCallEntry | None
    is_open: bool
    opens_at: datetime | None
    reason: str
    copies: list[str] = field(default_factory=list)


def _local(instant: datetime, department: Department) -> datetime:
    """An instant in the department's own time zone (its calendar's), for people to read.

    Only asked of departments with a calendar: one without is never closed, so it never
    has an opening time to show.
    """
    if department.calendar is None:
        raise ValueError(f"Department {department.code!r} has no calendar, hence no time zone.")
    return instant.astimezone(ZoneInfo(department.calendar.time_zone))


def open_status(department: Department, at: datetime) -> tuple[bool, datetime | None]:
    """(open now?, when it next opens); no calendar means reachable around the clock."""
    if department.calendar is None:
        return True, at
    try:
        schedule = department.calendar.schedule()
    except CalendarMisconfigured:
        return False, None  # shown as "Closed" until a directory admin fixes the hours
    return schedule_is_open(at, schedule), next_opening(at, schedule)


def off_hours(at: datetime) -> bool:
    """Outside the organisation's business hours (`sla.business_hours_calendar`: the
    standard SLA policy's, Mon-Fri 9am-6pm New York, holidays off): the hours a department
    without a calendar has nobody at its channel. Unknown hours count as business hours."""
    calendar = business_hours_calendar()
    if calendar is None:
        return False
    try:
        return not schedule_is_open(at, calendar.schedule())
    except CalendarMisconfigured:
        return False


def outlooks(
    at: datetime,
    schedules: dict[int, Schedule],
    shifts: dict[int, list[OnCallShift]],
    horizon: datetime | None = None,
) -> dict[int, Outlook]:
    """Now and next per department from fetched schedules and shifts (keyed by department);
    a hand-over after `horizon` (default `ON_CALL_HORIZON` ahead) is reported as none."""
    horizon = horizon or at + ON_CALL_HORIZON
    return {
        pk: outlook(
            on_call_entries(schedules.get(pk), at, horizon, shifts.get(pk, [])), at, horizon
        )
        for pk in sorted(set(schedules) | set(shifts))
    }


def on_call_outlook_by_department(
    at: datetime, departments: Iterable[Department] | None = None
) -> dict[int, Outlook]:
    """Now and next per department with a schedule or shifts, in four queries."""
    wanted = list(departments) if departments is not None else None
    shifts = shifts_by_department(at, at + ON_CALL_HORIZON, wanted)
    return outlooks(at, schedules_by_department(wanted), shifts)


def on_call_now_by_department(
    at: datetime, departments: Iterable[Department] | None = None
) -> dict[int, OnCallEntry]:
    """Who is on call at `at`, per department: overrides, then shifts, then layers.

    Each entry's `ends_at` is the hand-over (when someone else takes over, or nobody),
    at most `ON_CALL_HORIZON` ahead.
    """
    found = {}
    for pk, view in on_call_outlook_by_department(at, departments).items():
        if view.now is not None:
            found[pk] = replace(view.now, ends_at=view.until or at + ON_CALL_HORIZON)
    return found


def on_call_now(department: Department, at: datetime) -> OnCallEntry | None:
    return on_call_now_by_department(at, [department]).get(department.pk)


def usable_channels(
    department: Department, *, critical: bool, enterprise: bool
) -> list[ContactChannel]:
    allowed = {Restriction.NONE}
    if critical:
        allowed.add(Restriction.CRITICAL)
    if enterprise:
        allowed.add(Restriction.ENTERPRISE)
    channels = [c for c in department.channels.all() if c.restriction in allowed]
    # A restricted channel the customer qualifies for is their faster lane: it comes first.
    return sorted(channels, key=lambda c: (c.restriction == Restriction.NONE, c.position, c.pk))


def route(
    department: Department,
    *,
    at: datetime,
    critical: bool = False,
    enterprise: bool = False,
    on_call: OnCallEntry | None | Literal[False] = False,
) -> Route:
    """The channel (or on-call person) to use for this department at `at`.

    Open: the preferred channel this customer may use. Closed and critical with 24/7
    coverage: the person on call. Otherwise the preferred channel, with when it opens.
    A department without a calendar is open around the clock through its channels, but
    off-hours (outside the organisation's business hours) a critical request goes to its
    person on call, if it has one: keeping an on-call rota without hours of its own is the
    department saying that on-call covers the hours nobody watches the channel.
    Pass `on_call` when already fetched (None: nobody); False fetches it.
    """
    is_open, opens_at = open_status(department, at)
    channels = usable_channels(department, critical=critical, enterprise=enterprise)
    first = channels[0] if channels else None
    if department.calendar is None and critical:
        shift = on_call_now(department, at) if on_call is False else on_call
        if shift is not None and off_hours(at):
            return Route(
                department,
                first,
                shift,
                True,
                at,
                f"Open around the clock; outside business hours critical issues go to "
                f"{shift.person} (on call).",
            )
    if is_open:
        if first is None:
            return Route(
                department,
                None,
                None,
                True,
                at,
                "Open now, but no channel is available for this customer.",
            )
        return Route(department, first, None, True, at, "Open now.")
    when = (
        f"Closed; opens {_local(opens_at, department):%a %d %b %H:%M %Z}."
        if opens_at
        else ("Closed.")
    )
    if critical and department.critical_around_the_clock:
        shift = on_call_now(department, at) if on_call is False else on_call
        if shift is not None:
            return Route(
                department,
                first,
                shift,
                False,
                opens_at,
                f"Outside hours: critical issues go to {shift.person} (on call).",
            )
        when = f"{when} Nobody is on call: use the channel and alert a lead."
    if first is None:
        return Route(
            department,
            None,
            None,
            False,
            opens_at,
            f"{when} No channel is available for this customer.",
        )
    return Route(department, first, None, False, opens_at, when)


def department_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).prefetch_related("channels").first()


def email_for(code: str) -> str | None:
    """The preferred email of the department with this code (None if it has none)."""
    department = department_by_code(code)
    return email_of(department) if department else None


def chats_for(code: str) -> list[str]:
    """The chat channels of the department with this code."""
    department = department_by_code(code)
    return [c.value for c in department.channels.all() if c.kind == "chat"] if department else []


def email_of(department: Department) -> str | None:
    """The department's preferred unrestricted email address (for copies and alerts)."""
    for channel in usable_channels(department, critical=False, enterprise=False):
        if channel.kind == "email":
            return channel.value
    return None

"""A schedule's generated rota as an iCalendar feed (RFC 5545), for people's calendars.

Built with icalendar's `Calendar.new()`/`Event.new()`: one VEVENT per on-call entry, in
the schedule's time zone with its VTIMEZONE added for just the span covered (the default
span, 1970-2038, would add decades of transitions to every download).
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from .models import Schedule
from .oncall import OnCallEntry

PRODID = "-//Escalation back office//On-call schedules//EN"
UID_DOMAIN = "oncall.escalation-back-office"


def entry_uid(schedule: Schedule, entry: OnCallEntry) -> str:
    """Stable while the entry is: the same schedule, source, start and person."""
    if entry.shift is not None:
        source = f"shift{entry.shift.pk}"
    else:
        source = f"layer{entry.layer.pk}" if entry.layer is not None else "none"
    start = entry.starts_at.astimezone(UTC)
    return f"{schedule.pk}-{source}-{start:%Y%m%dT%H%M%SZ}-{entry.person.pk}@{UID_DOMAIN}"


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def schedule_calendar(schedule: Schedule, entries: Sequence[OnCallEntry], *, stamp: datetime):
    """The VCALENDAR for `entries` of `schedule` (DTSTAMP `stamp`), as bytes."""
    tz = ZoneInfo(schedule.time_zone)
    department = schedule.department.name
    calendar = Calendar.new(
        name=f"On call: {department} ({schedule.name})",
        description=f"Who is on call for {department}, generated from the schedule.",
        prodid=PRODID,
        uid=f"schedule-{schedule.pk}@{UID_DOMAIN}",
    )
    for entry in entries:
        details = [f"Source: {entry.source}"]
        if entry.phone:
            details.append(f"Phone: {entry.phone}")
        calendar.add_component(
            Event.new(
                uid=entry_uid(schedule, entry),
                stamp=stamp,
                start=entry.starts_at.astimezone(tz),
                end=entry.ends_at.astimezone(tz),
                summary=f"On call for {department}: {_name(entry.person)}",
                description="\n".join(details),
            )
        )
    if entries:
        calendar.add_missing_timezones(
            first_date=entries[0].starts_at.astimezone(tz).date() - timedelta(days=1),
            last_date=entries[-1].ends_at.astimezone(tz).date() + timedelta(days=1),
        )
    return calendar.to_ical()

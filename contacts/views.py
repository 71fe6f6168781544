"""The agents' read-only directory page (/desk/directory/) and each schedule's calendar
feed (/desk/directory/schedules/<id>.ics)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .ical import schedule_calendar
from .models import Department
from .oncall import on_call_entries, to_instant, wall
from .routing import open_status, outlooks
from .selectors import (
    ON_CALL_HORIZON,
    departments_for_directory,
    schedules_by_department,
    schedules_with_layers,
    shifts_by_department,
)

FEED_WEEKS, MOST_FEED_WEEKS = 4, 12


def _zone(department: Department, schedule) -> ZoneInfo:
    """Where the department's on-call times are read: its schedule's zone, else its hours'."""
    if schedule is not None:
        return ZoneInfo(schedule.time_zone)
    if department.calendar is not None:
        return ZoneInfo(department.calendar.time_zone)
    return ZoneInfo(settings.TIME_ZONE)


def _when(instant: datetime | None, tz: ZoneInfo) -> str:
    return f"{instant.astimezone(tz):%a %d %b %H:%M %Z}" if instant else ""


@require_safe
@login_required
@permission_required("contacts.view_department", raise_exception=True)
def directory(request: HttpRequest) -> HttpResponse:
    """Whom to contact by issue type or name: channels, open now or when, who is on call
    now and next (with the hand-over), and a calendar feed of each schedule."""
    now = timezone.now()
    query = request.GET.get("q", "")[:100]
    departments = list(departments_for_directory(query))
    schedules = schedules_by_department()
    on_call = outlooks(now, schedules, shifts_by_department(now, now + ON_CALL_HORIZON))
    rows = []
    for department in departments:
        is_open, opens_at = open_status(department, now)
        schedule = schedules.get(department.pk)
        tz = _zone(department, schedule)
        view = on_call.get(department.pk)
        rows.append(
            {
                "department": department,
                "is_open": is_open,
                "opens_at": opens_at,
                "on_call": view.now if view else None,
                "until": _when(view.until if view else None, tz),
                "next": view.next if view else None,
                "next_from": _when(view.next.starts_at if view and view.next else None, tz),
                "schedule": schedule,
                "channels": list(department.channels.all()),
            }
        )
    return render(request, "desk/directory.html", {"rows": rows, "query": query, "now": now})


def _weeks(raw: str | None) -> int:
    """The feed's length in weeks: FEED_WEEKS unless a number from 1 to MOST_FEED_WEEKS."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 3:
        return min(max(int(raw), 1), MOST_FEED_WEEKS)
    return FEED_WEEKS


@require_safe
@login_required
@permission_required("contacts.view_department", raise_exception=True)
def schedule_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule's rota from the start of today (its zone) for `?weeks=` (default 4, at
    most 12) weeks, shifts and overrides included, as an iCalendar file.

    Starting at local midnight rather than now keeps each entry's UID the same all day.
    """
    schedule = get_object_or_404(schedules_with_layers(), pk=pk)
    tz = ZoneInfo(schedule.time_zone)
    now = timezone.now()
    start = to_instant(datetime.combine(wall(now, tz).date(), time(0)), tz)
    end = start + timedelta(weeks=_weeks(request.GET.get("weeks")))
    shifts = shifts_by_department(start, end, [schedule.department])
    entries = on_call_entries(schedule, start, end, shifts.get(schedule.department_id, []))
    response = HttpResponse(
        schedule_calendar(schedule, entries, stamp=now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="on-call-{schedule.pk}.ics"'
    return response

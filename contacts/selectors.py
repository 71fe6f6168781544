"""Directory reads with a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet

from sla.models import BusinessCalendar

from .models import ContactChannel, Department, LayerMember, OnCallShift, Schedule, ScheduleLayer

# How far ahead "who is next" looks: past it, a hand-over is reported as none.
ON_CALL_HORIZON = timedelta(weeks=8)


def departments_for_directory(search: str = "") -> QuerySet[Department]:
    """Departments with channels, lead, members and calendar hours prefetched."""
    departments = Department.objects.select_related("lead").prefetch_related(
        Prefetch("channels", queryset=ContactChannel.objects.order_by("position", "pk")),
        Prefetch(
            "calendar",
            queryset=BusinessCalendar.objects.prefetch_related("spans", "holidays"),
        ),
        "members",
    )
    search = search.strip()
    if search:
        departments = departments.filter(
            Q(name__icontains=search) | Q(handles__icontains=search) | Q(purpose__icontains=search)
        )
    return departments.order_by("name")


def schedules_with_layers() -> QuerySet[Schedule]:
    """Schedules with their layers (in precedence order) and members (in turn order), and
    the members' users: what `contacts.oncall` reads, in three queries."""
    members = LayerMember.objects.select_related("person").order_by("position", "pk")
    layers = ScheduleLayer.objects.order_by("position", "pk").prefetch_related(
        Prefetch("members", queryset=members)
    )
    return Schedule.objects.select_related("department").prefetch_related(
        Prefetch("layers", queryset=layers)
    )


def schedules_by_department(departments: Iterable[Department] | None = None) -> dict[int, Schedule]:
    schedules = schedules_with_layers()
    if departments is not None:
        schedules = schedules.filter(department__in=[d.pk for d in departments])
    return {schedule.department_id: schedule for schedule in schedules}


def shifts_by_department(
    start: datetime, end: datetime, departments: Iterable[Department] | None = None
) -> dict[int, list[OnCallShift]]:
    """Entered shifts overlapping [start, end), per department, in one query."""
    shifts = OnCallShift.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related(
        "person"
    )
    if departments is not None:
        shifts = shifts.filter(department__in=[d.pk for d in departments])
    found: dict[int, list[OnCallShift]] = defaultdict(list)
    for shift in shifts:
        found[shift.department_id].append(shift)
    return dict(found)

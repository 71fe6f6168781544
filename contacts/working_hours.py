"""Who is off duty among the people an email goes to, and who stands in for them.

Registered with the outbox (`outbox.hours`) by the directory's AppConfig: the outbox asks
when it records messages. A person's hours are a business calendar (`WorkingHours`);
someone without one, inactive, or whose calendar is misconfigured or never opens counts
as reachable (an alert that waits forever is worse than one at night). The stand-ins are
whoever is on call now for the departments the person belongs to, so a critical alert to
someone asleep also reaches the person whose turn it is.
"""

from collections.abc import Collection
from datetime import datetime

from core.errors import CalendarMisconfigured
from outbox.hours import OffDuty
from sla.businesstime import is_open, next_opening

from .models import Department, WorkingHours
from .routing import on_call_now_by_department


def off_duty_people(addresses: Collection[str], at: datetime) -> dict[str, OffDuty]:
    """Addresses (among `addresses`) of people off duty at `at`: a fixed number of queries."""
    rows = (
        WorkingHours.objects.filter(person__email__in=list(addresses), person__is_active=True)
        .select_related("person", "calendar")
        .prefetch_related("calendar__spans", "calendar__holidays")
        .order_by("person_id")
    )
    away: dict[str, tuple[WorkingHours, datetime]] = {}
    for row in rows:
        try:
            schedule = row.calendar.schedule()
        except CalendarMisconfigured:
            continue
        if is_open(at, schedule):
            continue
        back = next_opening(at, schedule)
        if back is not None:
            away.setdefault(row.person.email, (row, back))
    if not away:
        return {}
    stand_ins = _stand_ins([row.person_id for row, _ in away.values()], at)
    return {
        email: OffDuty(
            back_at=back,
            person=row.person.get_full_name() or row.person.get_username(),
            hours=f"{row.calendar}, {row.calendar.time_zone}",
            stand_ins=tuple(e for e in stand_ins.get(row.person_id, ()) if e != email),
        )
        for email, (row, back) in away.items()
    }


def _stand_ins(person_ids: list[int], at: datetime) -> dict[int, list[str]]:
    """Per person: the addresses of whoever is on call now for their departments."""
    departments = list(
        Department.objects.filter(members__in=person_ids).prefetch_related("members").distinct()
    )
    if not departments:
        return {}
    on_call = on_call_now_by_department(at, departments)
    found: dict[int, list[str]] = {}
    for department in departments:
        entry = on_call.get(department.pk)
        if entry is None or not entry.person.email:
            continue
        for member in department.members.all():
            if member.pk in person_ids and entry.person.pk != member.pk:
                found.setdefault(member.pk, [])
                if entry.person.email not in found[member.pk]:
                    found[member.pk].append(entry.person.email)
    return found

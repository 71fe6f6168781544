"""Schedules for the on-call tests, built through the same service the admin uses."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from contacts.models import Department, Schedule, ScheduleLayer
from contacts.selectors import schedules_with_layers
from contacts.services import layer_members_set
from tests.factories import UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
DAY, WEEK = timedelta(days=1), timedelta(weeks=1)


def people(*names):
    return [
        UserFactory(username=n, first_name=n.title(), last_name="Oncall", role="Agent")
        for n in names
    ]


def schedule(code="security", tz="Europe/Berlin", name="Rota"):
    return Schedule.objects.create(
        department=Department.objects.get(code=code), name=name, time_zone=tz
    )


def layer(
    owner: Schedule,
    members,
    *,
    start: datetime,
    turn: timedelta = WEEK,
    position: int = 1,
    weekdays: str = "",
    window: tuple[time, time] | None = None,
    name: str = "",
) -> ScheduleLayer:
    made = ScheduleLayer.objects.create(
        schedule=owner,
        position=position,
        name=name,
        rotation_start=start,
        turn_length=turn,
        weekdays=weekdays,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
    )
    layer_members_set(layer=made, members=[(m, "") for m in members], actor=members[0])
    return made


def fresh(owner: Schedule) -> Schedule:
    """The schedule as the pages read it: layers and members prefetched."""
    return schedules_with_layers().get(pk=owner.pk)

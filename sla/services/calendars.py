"""Business calendars as data: the around-the-clock calendar, and loading public holidays
into a calendar from the `holidays` tables (a lead's admin action)."""

import holidays as holiday_tables
from django.db import transaction

from core.actors import Actor
from core.errors import InvalidInput
from core.history import save_audited

from ..models import BusinessCalendar, Holiday


def around_the_clock_calendar() -> BusinessCalendar | None:
    """The first 24/7 calendar (enterprise targets run on it), or None if there is none."""
    return BusinessCalendar.objects.filter(always_open=True).order_by("pk").first()


@transaction.atomic
def calendar_import_holidays(*, calendar: BusinessCalendar, years: list[int], actor: Actor) -> int:
    """Load the public holidays of the calendar's country for `years`; returns how many new."""
    if not calendar.holiday_country:
        raise InvalidInput(f"Set a holiday country on '{calendar}' first (e.g. US).")
    try:
        table = holiday_tables.country_holidays(calendar.holiday_country, years=years)
    except NotImplementedError as exc:
        raise InvalidInput(f"No holiday table for country '{calendar.holiday_country}'.") from exc
    created = 0
    for day, name in sorted(table.items()):
        holiday = Holiday(calendar=calendar, date=day, name=name[:120])
        if Holiday.objects.filter(calendar=calendar, date=day).exists():
            continue
        save_audited(holiday, actor=actor, reason=f"imported {calendar.holiday_country} holidays")
        created += 1
    return created

"""Business calendars as data: the around-the-clock calendar, the organisation's business
hours, and loading public holidays into a calendar from the `holidays` tables (a lead's
admin action, and each week the roll-forward into next year)."""

import logging
from datetime import date

import holidays as holiday_tables
from django.db import transaction
from django.utils import timezone

from core.actors import Actor, system_user
from core.choices import Priority
from core.errors import InvalidInput
from core.history import save_audited

from ..models import BusinessCalendar, Holiday, SlaPolicy

logger = logging.getLogger(__name__)


def around_the_clock_calendar() -> BusinessCalendar | None:
    """The first 24/7 calendar (enterprise targets run on it), or None if there is none."""
    return BusinessCalendar.objects.filter(always_open=True).order_by("pk").first()


def business_hours_calendar() -> BusinessCalendar | None:
    """The organisation's business hours: the calendar of the standard (medium) SLA policy
    (003: Mon-Fri 9am-6pm EST), with its opening spans and holidays prefetched; None
    without such a policy. What "off-hours" means for a department with no hours of its own.
    """
    policy = (
        SlaPolicy.objects.filter(priority=Priority.MEDIUM)
        .select_related("calendar")
        .prefetch_related("calendar__spans", "calendar__holidays")
        .first()
    )
    return policy.calendar if policy else None


@transaction.atomic
def calendar_import_holidays(*, calendar: BusinessCalendar, years: list[int], actor: Actor) -> int:
    """Load the public holidays of the calendar's country for `years`; returns how many new.

    Dates already in the calendar are left as they are. The calendar remembers the last
    year imported (`holidays_through`), so the weekly roll-forward imports a year once.
    """
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
    through = max([*years, calendar.holidays_through or 0])
    if years and through != calendar.holidays_through:
        calendar.holidays_through = through
        save_audited(
            calendar,
            actor=actor,
            reason=f"holidays imported through {through}",
            update_fields=["holidays_through"],
        )
    return created


def calendars_roll_holidays_forward(*, today: date | None = None) -> int:
    """Every calendar with a holiday country gets its public holidays through next year,
    as the system actor; returns how many holidays were added.

    A year is imported once: from the year after the last one imported (this year at the
    earliest) to next year, so running it again adds nothing and a holiday a lead deleted
    stays deleted. A calendar whose country has no table is logged and skipped; the others
    still roll forward.
    """
    today = today or timezone.localdate()
    added = 0
    for calendar in BusinessCalendar.objects.exclude(holiday_country="").order_by("pk"):
        years = list(range(max(today.year, (calendar.holidays_through or 0) + 1), today.year + 2))
        if not years:
            continue
        try:
            added += calendar_import_holidays(calendar=calendar, years=years, actor=system_user())
        except InvalidInput as exc:
            logger.warning("holiday roll-forward skipped %s: %s", calendar, exc.message)
    return added

"""Holidays roll forward each year without a person: a weekly task imports next year's
public holidays into every calendar with a holiday country, each year once."""

from datetime import date

import pytest
import time_machine

from core.schedules import PERIODIC_TASKS
from sla import tasks
from sla.models import BusinessCalendar, Holiday

JUNE_2027 = date(2027, 6, 1)


@pytest.fixture
def us(db):
    calendar = BusinessCalendar.objects.get(name="US business hours")
    BusinessCalendar.objects.filter(pk=calendar.pk).update(holidays_through=2027)
    calendar.refresh_from_db()
    return calendar


def run_on(day: date) -> int:
    with time_machine.travel(day, tick=False):
        return tasks.import_next_year_holidays()


def test_the_roll_forward_is_a_weekly_periodic_task():
    (task,) = [t for t in PERIODIC_TASKS if t.func == "sla.tasks.import_next_year_holidays"]
    assert task.minutes == 7 * 24 * 60


def test_next_years_holidays_are_imported_once_by_the_system(us):
    assert not Holiday.objects.filter(calendar=us, date__year=2028).exists()
    added = run_on(JUNE_2027)
    july_4th = Holiday.objects.get(calendar=us, date=date(2028, 7, 4))
    assert Holiday.objects.filter(calendar=us, date__year=2028).count() > 8
    assert added == Holiday.objects.filter(date__year=2028).count()  # every US calendar
    assert july_4th.history.get().history_user.username == "system"
    us.refresh_from_db()
    assert us.holidays_through == 2028
    assert run_on(JUNE_2027) == 0  # idempotent
    assert run_on(date(2027, 12, 31)) == 0  # next year is already there


def test_a_holiday_a_lead_deleted_stays_deleted(us):
    run_on(JUNE_2027)
    Holiday.objects.get(calendar=us, date=date(2028, 10, 9)).delete()  # Columbus Day: open
    assert run_on(JUNE_2027) == 0
    assert not Holiday.objects.filter(calendar=us, date=date(2028, 10, 9)).exists()


def test_a_calendar_without_a_table_is_skipped_and_the_others_still_roll(us, caplog):
    odd = BusinessCalendar.objects.create(name="Nowhere", holiday_country="XX")
    assert run_on(JUNE_2027) > 0
    assert not odd.holidays.exists()
    assert "holiday roll-forward skipped Nowhere" in caplog.text


def test_a_calendar_given_a_country_gets_this_year_and_next(db):
    calendar = BusinessCalendar.objects.create(name="Ottawa", holiday_country="CA")
    run_on(JUNE_2027)
    years = set(calendar.holidays.values_list("date__year", flat=True))
    assert years == {2027, 2028}

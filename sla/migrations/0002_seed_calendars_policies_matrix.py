"""Seed defaults: calendars, SLA policies (003), escalation matrix (001), clock settings."""

from datetime import time, timedelta

import holidays as holiday_tables
from django.db import migrations
from django.utils import timezone

H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)

# priority: (first response, resolution, customer update every, calendar)
POLICIES = {
    "critical": (30 * M, 4 * H, 2 * H, "24/7"),
    "high": (4 * H, 24 * H, 4 * H, "US business hours"),
    "medium": (24 * H, 72 * H, D, "US business hours"),
    "low": (24 * H, 72 * H, None, "US business hours"),
}
# priority: L1, L2, L3, L4 (None: on request). 001 "Escalation Matrix".
MATRIX = {
    "critical": (15 * M, 1 * H, 2 * H, timedelta(0)),
    "high": (2 * H, 4 * H, 8 * H, 4 * H),
    "medium": (4 * H, 1 * D, 2 * D, 1 * D),
    "low": (1 * D, 2 * D, 3 * D, None),
}


def load(apps, schema_editor):
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Span = apps.get_model("sla", "OpeningSpan")
    Holiday = apps.get_model("sla", "Holiday")
    Policy = apps.get_model("sla", "SlaPolicy")
    Row = apps.get_model("sla", "EscalationMatrixRow")
    Settings = apps.get_model("sla", "SlaSettings")

    always, _ = Calendar.objects.get_or_create(
        name="24/7", defaults={"time_zone": "America/New_York", "always_open": True}
    )
    us, created = Calendar.objects.get_or_create(
        name="US business hours",
        defaults={"time_zone": "America/New_York", "holiday_country": "US"},
    )
    if created:
        for weekday in range(5):
            Span.objects.create(calendar=us, weekday=weekday, opens=time(9), closes=time(18))
        today = timezone.now().date()
        for day, name in sorted(
            holiday_tables.country_holidays("US", years=[today.year, today.year + 1]).items()
        ):
            Holiday.objects.get_or_create(calendar=us, date=day, defaults={"name": name})
    calendars = {"24/7": always, "US business hours": us}
    for priority, (first, resolution, update, calendar) in POLICIES.items():
        Policy.objects.get_or_create(
            priority=priority,
            defaults={
                "first_response": first,
                "resolution": resolution,
                "update_every": update,
                "calendar": calendars[calendar],
                "warning_thresholds": [75],
                "enterprise_percent": 50,
                "enterprise_calendar": always,
            },
        )
    for priority, limits in MATRIX.items():
        for tier, limit in enumerate(limits, start=1):
            Row.objects.get_or_create(priority=priority, tier=tier, defaults={"max_time": limit})
    Settings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

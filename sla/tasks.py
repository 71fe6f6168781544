"""django-q2 tasks of the SLA app."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django_q.tasks import async_task

from . import services

HELP_TASK = "sla.tasks.help_sweep"
HELPERS_ASKED = "sla:sweep-helpers-asked"


def sweep_due_timers() -> int:
    """Every minute: fire what is due (idempotent; a missed minute only delays).

    When more is due than one batch (an outage, a mass breach), it first asks
    SLA_SWEEP_HELPERS other workers (default 1: the second of the default two) to sweep
    along: on PostgreSQL each takes its own batches (SKIP LOCKED), so the backlog clears
    about as many times faster as there are free workers. SQLite has one writer, so
    there it sweeps alone.
    """
    batch = settings.SLA_SWEEP_BATCH
    if (
        connection.features.has_select_for_update_skip_locked
        and services.sweep_backlog(batch=batch)
        # Once a minute at most: helpers still at work are not asked again.
        and cache.add(HELPERS_ASKED, True, timeout=60)
    ):
        for _ in range(settings.SLA_SWEEP_HELPERS):
            async_task(HELP_TASK)
    return services.sweep(batch=batch)


def help_sweep() -> int:
    """Another worker's share of a large sweep (asked for by sweep_due_timers)."""
    return services.sweep(batch=settings.SLA_SWEEP_BATCH)


def import_next_year_holidays() -> int:
    """Every week: each calendar with a holiday country gets next year's public holidays
    (each year once; a missed week only delays)."""
    return services.calendars_roll_holidays_forward()

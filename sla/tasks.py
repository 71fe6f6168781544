"""django-q2 tasks of the SLA app."""

from . import services


def sweep_due_timers() -> int:
    """Every minute: fire what is due (idempotent; a missed minute only delays)."""
    return services.sweep()


def import_next_year_holidays() -> int:
    """Every week: each calendar with a holiday country gets next year's public holidays
    (each year once; a missed week only delays)."""
    return services.calendars_roll_holidays_forward()

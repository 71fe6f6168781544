"""django-q2 tasks of the SLA app."""

from . import services


def sweep_due_timers() -> int:
    """Every minute: fire what is due (idempotent; a missed minute only delays)."""
    return services.sweep()

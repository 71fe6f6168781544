"""Every periodic task of the product, declared once and created idempotently after migrate."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str
    minutes: int


PERIODIC_TASKS = [
    Periodic("outbox: retry due messages", "outbox.tasks.retry_due_outbox_messages", 1),
    Periodic("sla: fire due timers", "sla.tasks.sweep_due_timers", 1),
    # Holidays roll into next year without a person; weekly is soon enough for a year ahead.
    Periodic(
        "sla: import next year's holidays", "sla.tasks.import_next_year_holidays", 7 * 24 * 60
    ),
    # An Idempotency-Key answers retries for a day; older ones are forgotten.
    Periodic("api: forget old idempotency keys", "api.tasks.forget_old_idempotency_keys", 60),
    # The dashboard's daily rollups: yesterday, the recent days, and any day changed since.
    Periodic(
        "metrics: refresh daily rollups", "escalation.metrics.tasks.refresh_metrics_rollups", 15
    ),
]


def ensure_schedules(**kwargs) -> None:
    # Imported here: django_q's models need the app registry, ready only after import.
    from django_q.models import Schedule

    for task in PERIODIC_TASKS:
        Schedule.objects.update_or_create(
            name=task.name,
            defaults={
                "func": task.func,
                "schedule_type": Schedule.MINUTES,
                "minutes": task.minutes,
                "repeats": -1,
            },
        )

"""One-off timers not tied to a clock ("no activity for 24 hours", "verification expires"):
other apps set and cancel them on their subjects; the sweep fires them."""

from datetime import datetime
from typing import Any

from django.db import models

from ..models import Timer
from .keys import subject_key


def timer_set(
    *, subject: models.Model, kind: str, due_at: datetime, payload: dict[str, Any] | None = None
) -> Timer:
    """A one-off timer not tied to a clock (e.g. 'no activity for 24 hours').

    Setting it again replaces the unfired one: the key carries the due instant, so a
    re-armed rule is a new cycle and a fired one is never fired again.
    """
    subject_type, subject_id = subject_key(subject)
    Timer.objects.filter(
        subject_type=subject_type, subject_id=subject_id, kind=kind, fired_at__isnull=True
    ).delete()
    return Timer.objects.create(
        key=f"{subject_type.pk}:{subject_id}:{kind}:{int(due_at.timestamp())}",
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=payload or {},
        due_at=due_at,
    )


def timers_cancel(*, subject: models.Model, kinds: list[str] | None = None) -> None:
    subject_type, subject_id = subject_key(subject)
    timers = Timer.objects.filter(
        subject_type=subject_type, subject_id=subject_id, fired_at__isnull=True
    )
    (timers.filter(kind__in=kinds) if kinds else timers).delete()


def timers_plan(
    *, subject: models.Model, kind: str, plan: list[tuple[datetime, dict[str, Any]]]
) -> list[Timer]:
    """Several one-off timers of one kind on a subject at once (e.g. the pages of an
    escalation policy), replacing its unfired ones of that kind. Unlike `timer_set`, each
    keeps its place in the plan: the key carries its index, so two due at one instant
    are two timers."""
    subject_type, subject_id = subject_key(subject)
    Timer.objects.filter(
        subject_type=subject_type, subject_id=subject_id, kind=kind, fired_at__isnull=True
    ).delete()
    return Timer.objects.bulk_create(
        [
            Timer(
                key=f"{subject_type.pk}:{subject_id}:{kind}:{index}:{int(due_at.timestamp())}",
                kind=kind,
                subject_type=subject_type,
                subject_id=subject_id,
                payload=payload,
                due_at=due_at,
            )
            for index, (due_at, payload) in enumerate(plan)
        ]
    )

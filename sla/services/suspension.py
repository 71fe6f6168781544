"""Suspending a subject's clocks for something outside it (a major incident), and lifting
that suspension again, without disturbing pauses of other reasons.

`clock_pause` keeps one pause per clock: a clock already paused (waiting on the customer)
stays paused for that reason. Lifting resumes only the clocks whose open pause has the
suspension's reason, so a ticket still waiting on its customer stays paused for them.
Callers lock the subject and run inside their transaction, as for `clocks`.
"""

from datetime import datetime

from django.db import models

from ..models import Clock
from .clocks import clock_pause, clock_resume, running_clocks


def clocks_suspend(*, subject: models.Model, at: datetime, reason: str) -> int:
    """Pause every running, counting clock of `subject` for `reason` (their breach and
    warning timers are disarmed). Idempotent; returns how many clocks it paused."""
    paused = 0
    for clock in running_clocks(subject).filter(paused_since__isnull=True):
        clock_pause(clock=clock, at=at, reason=reason)
        paused += 1
    return paused


def clocks_lift(*, subject: models.Model, at: datetime, reason: str) -> int:
    """Resume the clocks of `subject` paused for `reason`; their deadlines move by the
    business time spent suspended. Returns how many clocks resumed."""
    resumed = 0
    for clock in suspended_clocks(subject, reason):
        clock_resume(clock=clock, at=at)
        resumed += 1
    return resumed


def suspended_clocks(subject: models.Model, reason: str) -> models.QuerySet[Clock]:
    """The subject's running clocks whose open pause has `reason`."""
    return (
        running_clocks(subject)
        .filter(pauses__ended_at__isnull=True, pauses__reason=reason)
        .distinct()
    )

"""Clocks: start, pause, resume, stop, void and re-target one SLA target on a subject, with
the warning and breach timers each clock keeps armed while it runs.

Callers (escalation services) run these inside their own transaction, with the
subject row locked, so a clock and its timers always change with their subject.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..businesstime import add_business_time, business_time_between
from ..models import BusinessCalendar, Clock, ClockPause, Timer
from .keys import BREACH, subject_key, timer_key


def clock_start(
    *,
    subject: models.Model,
    kind: str,
    calendar: BusinessCalendar,
    target: timedelta,
    at: datetime,
    cycle: int = 1,
    warning_thresholds: list[int] | None = None,
    policy_version: int | None = None,
) -> Clock:
    """Start one target (idempotent per subject, kind and cycle) and arm its timers."""
    subject_type, subject_id = subject_key(subject)
    clock, created = Clock.objects.get_or_create(
        subject_type=subject_type,
        subject_id=subject_id,
        kind=kind,
        cycle=cycle,
        defaults={
            "calendar": calendar,
            "target": target,
            "started_at": at,
            "due_at": add_business_time(at, target, calendar.schedule()),
            "warning_thresholds": sorted(warning_thresholds or []),
            "policy_version": policy_version,
        },
    )
    if created:
        _arm(clock)
    return clock


def next_cycle(subject: models.Model, kind: str) -> int:
    """The cycle number a new clock of `kind` on `subject` takes (1 for the first)."""
    subject_type, subject_id = subject_key(subject)
    last = (
        Clock.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    return (last or 0) + 1


def latest_clock(subject: models.Model, kind: str) -> Clock | None:
    """The subject's most recent clock of `kind`, running or stopped (None: never started)."""
    subject_type, subject_id = subject_key(subject)
    return (
        Clock.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind)
        .select_related("calendar")
        .order_by("-cycle")
        .first()
    )


def running_clocks(subject: models.Model, *kinds: str) -> models.QuerySet[Clock]:
    subject_type, subject_id = subject_key(subject)
    clocks = Clock.objects.filter(
        subject_type=subject_type, subject_id=subject_id, stopped_at__isnull=True
    ).select_related("calendar")
    return clocks.filter(kind__in=kinds) if kinds else clocks


def clock_pause(*, clock: Clock, at: datetime, reason: str) -> Clock:
    """Stop the clock counting; its timers are disarmed until it resumes."""
    if clock.is_paused or not clock.is_running:
        return clock
    clock.paused_since = at
    clock.save(update_fields=["paused_since"])
    ClockPause.objects.create(clock=clock, reason=reason, started_at=at)
    _disarm(clock)
    return clock


def clock_resume(*, clock: Clock, at: datetime) -> Clock:
    """Count again; the deadline moves by exactly the business time spent paused."""
    paused_since = clock.paused_since
    if not clock.is_paused or paused_since is None:  # is_paused: paused_since is set
        return clock
    schedule = clock.calendar.schedule()
    clock.paused_business += business_time_between(paused_since, at, schedule)
    clock.paused_calendar += at - paused_since
    clock.paused_since = None
    clock.due_at = add_business_time(
        clock.started_at, clock.target + clock.paused_business, schedule
    )
    clock.save(update_fields=["paused_business", "paused_calendar", "paused_since", "due_at"])
    clock.pauses.filter(ended_at__isnull=True).update(ended_at=at)
    _arm(clock)
    return clock


def clock_stop(*, clock: Clock, at: datetime) -> Clock:
    """Stop for good and record business, calendar and paused time and whether it was met."""
    if not clock.is_running:
        return clock
    clock_resume(clock=clock, at=at)
    schedule = clock.calendar.schedule()
    clock.stopped_at = at
    clock.business_taken = business_time_between(clock.started_at, at, schedule) - (
        clock.paused_business
    )
    clock.calendar_taken = at - clock.started_at - clock.paused_calendar
    clock.met = at <= clock.due_at
    clock.save(update_fields=["stopped_at", "business_taken", "calendar_taken", "met"])
    _disarm(clock)
    return clock


def clocks_void(*, subject: models.Model) -> int:
    """The subject was withdrawn: none of its stopped targets counts as met or missed
    (`met` left empty), including a first response given before a ticket was cancelled.
    Stop the running ones first."""
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .filter(stopped_at__isnull=False)
        .exclude(met__isnull=True)
        .update(met=None)
    )


def clock_retarget(
    *,
    clock: Clock,
    target: timedelta,
    calendar: BusinessCalendar,
    warning_thresholds: list[int],
    policy_version: int | None,
) -> Clock:
    """Apply another policy version to a running clock (a lead's explicit choice)."""
    if not clock.is_running:
        return clock
    clock.target, clock.calendar = target, calendar
    clock.warning_thresholds = sorted(warning_thresholds)
    clock.policy_version = policy_version
    clock.due_at = add_business_time(
        clock.started_at, target + clock.paused_business, calendar.schedule()
    )
    clock.save(
        update_fields=["target", "calendar", "warning_thresholds", "policy_version", "due_at"]
    )
    if not clock.is_paused:
        _arm(clock)
    return clock


def _arm(clock: Clock) -> None:
    """(Re)schedule the clock's warning and breach timers; already fired ones stay fired."""
    stages = [(f"warn{pct}", due, {"percent": pct}) for pct, due in clock.warning_times()]
    stages.append((BREACH, clock.due_at, {}))
    # Stages a re-targeted policy no longer has (e.g. a dropped 50 % warning) go away.
    clock.timers.filter(fired_at__isnull=True).exclude(
        key__in=[timer_key(clock, stage) for stage, _, _ in stages]
    ).delete()
    for stage, due, payload in stages:
        kind = f"{clock.kind}.{'warning' if stage != BREACH else BREACH}"
        timer, created = Timer.objects.get_or_create(
            key=timer_key(clock, stage),
            defaults={
                "kind": kind,
                "subject_type_id": clock.subject_type_id,
                "subject_id": clock.subject_id,
                "clock": clock,
                "payload": payload,
                "due_at": due,
            },
        )
        if not created and timer.fired_at is None and timer.due_at != due:
            timer.due_at = due
            timer.save(update_fields=["due_at"])


def _disarm(clock: Clock) -> None:
    clock.timers.filter(fired_at__isnull=True).delete()

"""Clocks and timers: start, pause, resume, stop, re-target, and the sweep that fires them.

Callers (escalation services) run these inside their own transaction, with the
subject row locked, so a clock and its timers always change with their subject.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from outbox.services import outbox_batch

from .businesstime import add_business_time, business_time_between
from .models import (
    BreachEvent,
    BusinessCalendar,
    Clock,
    ClockPause,
    EscalationMatrixRow,
    SlaPolicy,
    Timer,
)
from .registry import handler_for

logger = logging.getLogger(__name__)

BREACH = "breach"


# --- targets from policy --------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """The SLA a subject starts under: copied onto its clocks, never looked up again."""

    first_response: timedelta
    resolution: timedelta
    update_every: timedelta | None
    calendar: BusinessCalendar
    warning_thresholds: list[int]
    pause_when_waiting_on_customer: bool
    policy_version: int


def targets_for(
    *, priority: str, enterprise: bool, category_response: timedelta | None = None
) -> Targets:
    """Policy targets for a priority; stricter category response targets win (003).

    Enterprise customers get `enterprise_percent` of every target, around the clock.
    """
    policy = SlaPolicy.objects.select_related("calendar", "enterprise_calendar").get(
        priority=priority
    )
    first = policy.first_response
    if category_response is not None:
        first = min(first, category_response)
    resolution, update_every, calendar = policy.resolution, policy.update_every, policy.calendar
    if enterprise:
        factor = policy.enterprise_percent / 100
        first, resolution = first * factor, resolution * factor
        update_every = update_every * factor if update_every else None
        calendar = policy.enterprise_calendar
    return Targets(
        first_response=first,
        resolution=resolution,
        update_every=update_every,
        calendar=calendar,
        warning_thresholds=list(policy.warning_thresholds),
        pause_when_waiting_on_customer=policy.pause_when_waiting_on_customer,
        policy_version=policy.version,
    )


def tier_time_allowed(*, priority: str, tier: int) -> timedelta | None:
    """The matrix cell, or None when the tier has no automatic limit ("on request")."""
    row = EscalationMatrixRow.objects.filter(priority=priority, tier=tier).first()
    return row.max_time if row else None


def around_the_clock_calendar() -> BusinessCalendar:
    return BusinessCalendar.objects.filter(always_open=True).order_by("pk").first()


# --- clocks -----------------------------------------------------------------------------


def _subject_key(subject: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(subject), subject.pk


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
    subject_type, subject_id = _subject_key(subject)
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
    subject_type, subject_id = _subject_key(subject)
    last = (
        Clock.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    return (last or 0) + 1


def running_clocks(subject: models.Model, *kinds: str):
    subject_type, subject_id = _subject_key(subject)
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
    if not clock.is_paused:
        return clock
    schedule = clock.calendar.schedule()
    clock.paused_business += business_time_between(clock.paused_since, at, schedule)
    clock.paused_calendar += at - clock.paused_since
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


# --- timers -----------------------------------------------------------------------------


def _timer_key(clock: Clock, stage: str) -> str:
    return f"{clock.subject_type_id}:{clock.subject_id}:{clock.kind}:{clock.cycle}:{stage}"


def _arm(clock: Clock) -> None:
    """(Re)schedule the clock's warning and breach timers; already fired ones stay fired."""
    stages = [(f"warn{pct}", due, {"percent": pct}) for pct, due in clock.warning_times()]
    stages.append((BREACH, clock.due_at, {}))
    # Stages a re-targeted policy no longer has (e.g. a dropped 50 % warning) go away.
    clock.timers.filter(fired_at__isnull=True).exclude(
        key__in=[_timer_key(clock, stage) for stage, _, _ in stages]
    ).delete()
    for stage, due, payload in stages:
        kind = f"{clock.kind}.{'warning' if stage != BREACH else BREACH}"
        timer, created = Timer.objects.get_or_create(
            key=_timer_key(clock, stage),
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


def timer_set(*, subject: models.Model, kind: str, due_at: datetime, payload=None) -> Timer:
    """A one-off timer not tied to a clock (e.g. 'no activity for 24 hours').

    Setting it again replaces the unfired one: the key carries the due instant, so a
    re-armed rule is a new cycle and a fired one is never fired again.
    """
    subject_type, subject_id = _subject_key(subject)
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
    subject_type, subject_id = _subject_key(subject)
    timers = Timer.objects.filter(
        subject_type=subject_type, subject_id=subject_id, fired_at__isnull=True
    )
    (timers.filter(kind__in=kinds) if kinds else timers).delete()


# --- the sweep --------------------------------------------------------------------------


def _record_breaches(timers: list[Timer]) -> None:
    """Breach facts for breach timers, in two statements (idempotent per clock)."""
    clocks = [t.clock for t in timers if t.kind.endswith(f".{BREACH}") and t.clock is not None]
    if not clocks:
        return
    BreachEvent.objects.bulk_create(
        [
            BreachEvent(
                clock=c,
                subject_type_id=c.subject_type_id,
                subject_id=c.subject_id,
                kind=c.kind,
                occurred_at=c.due_at,
            )
            for c in clocks
        ],
        ignore_conflicts=True,
    )
    Clock.objects.filter(pk__in=[c.pk for c in clocks], breached_at__isnull=True).update(
        breached_at=models.F("due_at")
    )


def _lock_subjects(timers: list[Timer]) -> list[Timer]:
    """Lock the timers' subjects (e.g. tickets) without waiting; keep timers whose subject
    is free or gone.

    Services lock the subject first and then touch its clocks and timers; locking the
    subject here, before any clock, keeps the same order, so a sweep and a user's action
    on one ticket can never deadlock. A subject someone is working on right now is
    skipped and its timers fire on the next sweep.
    """
    by_type: dict[int, set[int]] = {}
    for timer in timers:
        by_type.setdefault(timer.subject_type_id, set()).add(timer.subject_id)
    free: set[tuple[int, int]] = set()
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            free |= {(type_id, i) for i in ids}
            continue
        manager = model._default_manager
        existing = set(manager.filter(pk__in=ids).values_list("pk", flat=True))
        locked = set(
            manager.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=existing)
            .values_list("pk", flat=True)
        )
        free |= {(type_id, i) for i in (ids - existing) | locked}
    return [t for t in timers if (t.subject_type_id, t.subject_id) in free]


def _run_handler(kind: str, timers: list[Timer], now: datetime) -> None:
    """Run one kind's handler on its timers; if it fails, retry one by one to isolate it."""
    handler = handler_for(kind)
    if handler is None:
        logger.warning("no handler registered for timer kind %s", kind)
        return
    try:
        with transaction.atomic():
            handler(timers, now)
        return
    except Exception:  # noqa: BLE001 - fall back to one by one to find the bad timer
        if len(timers) == 1:
            raise
    for timer in timers:
        try:
            with transaction.atomic():
                handler([timer], now)
        except Exception as exc:  # noqa: BLE001 - one bad timer must not stall the rest
            logger.exception("timer %s failed", timer.key)
            timer.error = f"{type(exc).__name__}: {exc}"[:2000]


def sweep(*, now: datetime | None = None, batch: int = 500) -> int:
    """Fire every due, unfired timer once; return how many fired.

    Each batch is locked with SKIP LOCKED (PostgreSQL), so several workers share the
    work without overlap; timers are marked fired in the same transaction as their
    effects, so a crash mid-batch rolls both back and the next sweep finds them again.
    A failing handler is logged on its timer and does not stop the others. Messages
    are queued for delivery as one task per batch, after commit.
    """
    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic(), outbox_batch():
            due = list(
                Timer.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fired_at__isnull=True, due_at__lte=now)
                .select_related("clock__calendar")
                .order_by("due_at", "pk")[:batch]
            )
            if not due:
                return fired
            due = _lock_subjects(due)
            if not due:
                return fired  # every due subject is busy: the next sweep takes them
            _record_breaches(due)
            by_kind: dict[str, list[Timer]] = {}
            for timer in due:
                by_kind.setdefault(timer.kind, []).append(timer)
            for kind, timers in by_kind.items():
                try:
                    _run_handler(kind, timers, now)
                except Exception as exc:  # noqa: BLE001 - recorded on the timer
                    logger.exception("timer %s failed", timers[0].key)
                    timers[0].error = f"{type(exc).__name__}: {exc}"[:2000]
            Timer.objects.filter(pk__in=[t.pk for t in due]).update(fired_at=now)
            for timer in due:
                timer.fired_at = now
                if timer.error:
                    Timer.objects.filter(pk=timer.pk).update(error=timer.error)
            fired += len(due)


# --- rules as data: policies and calendars ----------------------------------------------

POLICY_TARGET_FIELDS = (
    "first_response",
    "resolution",
    "update_every",
    "calendar",
    "pause_when_waiting_on_customer",
    "warning_thresholds",
    "enterprise_percent",
    "enterprise_calendar",
)


@transaction.atomic
def sla_policy_save(*, policy: SlaPolicy, actor, changed: list[str]) -> SlaPolicy:
    """Save a lead's edit; a change to any target makes a new version (old tickets keep theirs)."""
    if policy.pk and set(changed) & set(POLICY_TARGET_FIELDS):
        current = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        policy.version = current.version + 1
    policy._history_user = actor
    policy._change_reason = f"edit: {', '.join(sorted(changed)) or 'no change'} (v{policy.version})"
    policy.save()
    del policy._change_reason
    return policy


@transaction.atomic
def calendar_import_holidays(*, calendar: BusinessCalendar, years: list[int], actor) -> int:
    """Load the public holidays of the calendar's country for `years`; returns how many new."""
    import holidays as holiday_tables

    from core.errors import InvalidInput

    from .models import Holiday

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
        holiday._history_user = actor
        holiday._change_reason = f"imported {calendar.holiday_country} holidays"
        holiday.save()
        created += 1
    return created


# --- bulk (demo and benchmark volume) ---------------------------------------------------


@dataclass
class ClockPlan:
    """A clock to create in bulk; `due_at` and `warn_at` are filled by `clock_plan`."""

    subject_type_id: int
    subject_id: int | None
    kind: str
    calendar: BusinessCalendar
    target: timedelta
    started_at: datetime
    warning_thresholds: list[int]
    policy_version: int | None
    paused_since: datetime | None = None
    stopped_at: datetime | None = None  # a finished target: recorded as met or missed
    cycle: int = 1
    due_at: datetime | None = None
    warn_at: datetime | None = None


def clock_plan(plan: ClockPlan, schedules: dict[int, object]) -> ClockPlan:
    """Compute due and first-warning instants (schedules cached per calendar by the caller)."""
    schedule = schedules.get(plan.calendar.pk)
    if schedule is None:
        schedule = schedules[plan.calendar.pk] = plan.calendar.schedule()
    plan.due_at = add_business_time(plan.started_at, plan.target, schedule)
    if plan.warning_thresholds:
        pct = min(plan.warning_thresholds)
        plan.warn_at = add_business_time(plan.started_at, plan.target * pct / 100, schedule)
    return plan


def clocks_bulk_create(plans: list[ClockPlan], *, now: datetime) -> int:
    """Insert planned clocks and their future timers in bulk; past deadlines count as breached.

    For volume only (seeding): no per-row signals, and timers already past are not
    created, so loading old data never floods the outbox.
    """
    schedules: dict[int, object] = {}
    clocks = []
    for p in plans:
        end = p.stopped_at or now
        clock = Clock(
            subject_type_id=p.subject_type_id,
            subject_id=p.subject_id,
            kind=p.kind,
            cycle=p.cycle,
            calendar=p.calendar,
            target=p.target,
            started_at=p.started_at,
            due_at=p.due_at,
            warning_thresholds=sorted(p.warning_thresholds),
            policy_version=p.policy_version,
            paused_since=p.paused_since,
            breached_at=p.due_at if p.due_at <= end and p.paused_since is None else None,
        )
        if p.stopped_at is not None:
            schedule = schedules.get(p.calendar.pk)
            if schedule is None:
                schedule = schedules[p.calendar.pk] = p.calendar.schedule()
            clock.stopped_at = p.stopped_at
            clock.business_taken = business_time_between(p.started_at, p.stopped_at, schedule)
            clock.calendar_taken = p.stopped_at - p.started_at
            clock.met = p.stopped_at <= p.due_at
        clocks.append(clock)
    Clock.objects.bulk_create(clocks, batch_size=2000)
    timers = []
    for clock, plan in zip(clocks, plans, strict=True):
        if plan.paused_since is not None or plan.stopped_at is not None:
            continue
        stages = []
        if plan.warn_at is not None:
            pct = min(plan.warning_thresholds)
            stages.append((f"warn{pct}", "warning", plan.warn_at, {"percent": pct}))
        stages.append((BREACH, BREACH, plan.due_at, {}))
        for stage, suffix, due, payload in stages:
            if due > now:
                timers.append(
                    Timer(
                        key=_timer_key(clock, stage),
                        kind=f"{clock.kind}.{suffix}",
                        subject_type_id=clock.subject_type_id,
                        subject_id=clock.subject_id,
                        clock=clock,
                        payload=payload,
                        due_at=due,
                    )
                )
    Timer.objects.bulk_create(timers, batch_size=2000)
    return len(clocks)

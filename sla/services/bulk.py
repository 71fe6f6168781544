"""Clocks and timers in bulk, for demo and benchmark volume: plans are computed first
(one schedule per calendar), then inserted a few thousand rows per statement."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.rows import insert_values

from ..businesstime import Schedule, add_business_time, business_time_between
from ..models import BusinessCalendar, Clock, Timer
from .keys import BREACH, timer_key_of


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


def clock_plan(plan: ClockPlan, schedules: dict[int, Schedule]) -> ClockPlan:
    """Compute due and first-warning instants (schedules cached per calendar by the caller)."""
    schedule = schedules.get(plan.calendar.pk)
    if schedule is None:
        schedule = schedules[plan.calendar.pk] = plan.calendar.schedule()
    plan.due_at = add_business_time(plan.started_at, plan.target, schedule)
    if plan.warning_thresholds:
        pct = min(plan.warning_thresholds)
        plan.warn_at = add_business_time(plan.started_at, plan.target * pct / 100, schedule)
    return plan


CLOCK_COLUMNS = (
    "subject_type_id",
    "subject_id",
    "kind",
    "cycle",
    "calendar_id",
    "target",
    "started_at",
    "due_at",
    "warning_thresholds",
    "policy_version",
    "paused_since",
    "breached_at",
    "stopped_at",
    "business_taken",
    "calendar_taken",
    "met",
)
TIMER_COLUMNS = ("key", "kind", "subject_type_id", "subject_id", "clock_id", "payload", "due_at")


def clocks_bulk_create(plans: list[ClockPlan], *, now: datetime) -> int:
    """Insert planned clocks and their future timers in bulk; past deadlines count as breached.

    For volume only (seeding): no per-row signals, and timers already past are not
    created, so loading old data never floods the outbox. Written by `core.rows` as
    plain values (a prepared multi-row INSERT), at a fraction of `bulk_create`'s cost
    per row.
    """
    schedules: dict[int, Schedule] = {}
    clocks = []
    checked: list[tuple[ClockPlan, int, datetime]] = []  # with subject and due time known
    for p in plans:
        if p.subject_id is None:
            raise ValueError(f"{p.kind} clock plan has no subject_id: insert its subject first.")
        if p.due_at is None:
            raise ValueError(f"{p.kind} clock plan has no due_at: pass it through clock_plan().")
        due_at = p.due_at
        checked.append((p, p.subject_id, due_at))
        end = p.stopped_at or now
        breached_at = due_at if due_at <= end and p.paused_since is None else None
        taken = business = met = None
        if p.stopped_at is not None:
            schedule = schedules.get(p.calendar.pk)
            if schedule is None:
                schedule = schedules[p.calendar.pk] = p.calendar.schedule()
            business = business_time_between(p.started_at, p.stopped_at, schedule)
            taken = p.stopped_at - p.started_at
            met = p.stopped_at <= due_at
        clocks.append(
            [
                p.subject_type_id,
                p.subject_id,
                p.kind,
                p.cycle,
                p.calendar.pk,
                p.target,
                p.started_at,
                due_at,
                sorted(p.warning_thresholds),
                p.policy_version,
                p.paused_since,
                breached_at,
                p.stopped_at,
                business,
                taken,
                met,
            ]
        )
    ids = insert_values(Clock, CLOCK_COLUMNS, clocks)
    timers = []
    for clock_id, (p, subject_id, due_at) in zip(ids, checked, strict=True):
        if p.paused_since is not None or p.stopped_at is not None:
            continue
        stages: list[tuple[str, str, datetime, dict[str, int]]] = []
        if p.warn_at is not None:
            pct = min(p.warning_thresholds)
            stages.append((f"warn{pct}", "warning", p.warn_at, {"percent": pct}))
        stages.append((BREACH, BREACH, due_at, {}))
        for stage, suffix, due, payload in stages:
            if due > now:
                key = timer_key_of(p.subject_type_id, subject_id, p.kind, p.cycle, stage)
                timers.append(
                    [
                        key,
                        f"{p.kind}.{suffix}",
                        p.subject_type_id,
                        subject_id,
                        clock_id,
                        payload,
                        due,
                    ]
                )
    insert_values(Timer, TIMER_COLUMNS, timers)
    return len(clocks)

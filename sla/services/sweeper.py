"""The sweep: fire every due timer once, in batches several workers can share.

It records breaches, locks the timers' subjects in the same order services do, and hands
each kind's timers to the handler another app registered for it (sla.registry).
"""

import logging
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.rows import insert_ignoring_conflicts
from outbox.services import outbox_batch

from ..models import BreachEvent, Clock, Timer
from ..registry import handler_for
from .keys import BREACH

logger = logging.getLogger(__name__)
BATCH = 500  # timers per transaction: one lock set, one event per kind, one outbox batch
# What no handler reads of a due timer's clock (its kind, target, start, due time and
# subject are read): thousands of rows per sweep convert a third fewer values.
UNREAD_CLOCK_FIELDS = tuple(
    f"clock__{name}"
    for name in (
        "warning_thresholds",
        "paused_since",
        "paused_business",
        "paused_calendar",
        "stopped_at",
        "business_taken",
        "calendar_taken",
        "policy_version",
    )
)


def sweep(*, now: datetime | None = None, batch: int = BATCH) -> int:
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
                .select_related("clock")
                .defer(*UNREAD_CLOCK_FIELDS)
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


def sweep_backlog(*, now: datetime | None = None, batch: int = BATCH) -> bool:
    """Whether more timers are due than one sweep batch: other workers should help."""
    due = Timer.objects.filter(fired_at__isnull=True, due_at__lte=now or timezone.now())
    return due.order_by("due_at", "pk")[batch : batch + 1].exists()


def _record_breaches(timers: list[Timer]) -> None:
    """Breach facts for breach timers, in two statements (idempotent per clock)."""
    clocks = [t.clock for t in timers if t.kind.endswith(f".{BREACH}") and t.clock is not None]
    if not clocks:
        return
    insert_ignoring_conflicts(
        BreachEvent,
        [
            BreachEvent(
                clock_id=c.pk,
                subject_type_id=c.subject_type_id,
                subject_id=c.subject_id,
                kind=c.kind,
                occurred_at=c.due_at,
            )
            for c in clocks
        ],
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

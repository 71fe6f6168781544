"""Daily rollups of the dashboard (issue 18): build them, keep them fresh, read them.

A day is rebuilt by deleting and inserting its rows in one transaction, so rebuilding
is idempotent. Today is never rolled up (the dashboard adds it live). Late changes to
a past day (a ticket opened last month resolved today) are caught by the schedule: it
rebuilds the last WINDOW_DAYS days and the days of every ticket saved since its last
run; the sweep marks the day of a target it breaches stale (`mark_days_stale`), read
live until rebuilt. Not caught past WINDOW_DAYS: a customer's plan change (no ticket
is saved), which re-files that customer's old days only when they are rebuilt.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from sla.models import Clock

from ..models import (
    AUTOMATIC_TRIGGERS,
    ClockRollup,
    Escalation,
    EscalationState,
    HandoffRollup,
    RefusalRollup,
    RefusedEscalation,
    RollupDay,
    RollupLevel,
    StayRollup,
    Ticket,
    TicketRollup,
)
from .cohorts import (
    DECIDED,
    SLA_KINDS,
    finished_stays,
    refused_automatic,
    ticket_clocks,
    ticket_type_id,
)
from .scope import MAX_DAYS, Scope, local_midnight
from .sql import bucket
from .sums import (
    CLOCK_FIELDS,
    REFUSAL_FIELDS,
    STAY_FIELDS,
    TICKET_FIELDS,
    clock_sums,
    refusal_sums,
    stay_sums,
    ticket_sums,
)

WINDOW_DAYS = 14  # rebuilt on every run: where late changes (targets breached) mostly land
CHUNK_DAYS = 100  # days built per transaction (a few statements per kind of row each)
MODELS = (TicketRollup, HandoffRollup, StayRollup, ClockRollup, RefusalRollup)
DAY = timedelta(days=1)
BUILD_LOCK = 7_318_318  # the advisory lock id of rollup builds (any constant of ours)


# --- building -------------------------------------------------------------------------


def _ticket_dims(prefix: str = "") -> dict:
    return {
        "r_cat": F(f"{prefix}category_id"),
        "r_prio": Coalesce(F(f"{prefix}priority"), Value("")),
        "r_plan": Coalesce(F(f"{prefix}customer__plan"), Value("")),
    }


def _clock_dims() -> dict:
    ticket = Ticket.objects.filter(pk=OuterRef("subject_id"))
    return {
        "r_cat": Subquery(ticket.values("category_id")[:1]),
        "r_prio": Coalesce(Subquery(ticket.values("priority")[:1]), Value("")),
        "r_plan": Coalesce(Subquery(ticket.values("customer__plan")[:1]), Value("")),
    }


def _insert(model, queryset, columns: dict[str, str | None], level: int) -> int:
    """INSERT INTO the model's table SELECT the queryset's columns: `columns` maps each
    column written to the queryset's alias for it (None: left empty)."""
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    empty = {"category_id": "NULL", "priority": "''", "plan": "''"}
    names = ["level", *columns]
    values = [str(int(level))] + [
        empty[c] if alias is None else f"r.{qn(alias)}" for c, alias in columns.items()
    ]
    # Only quoted names and Django's compiled SQL go into the text; values are params.
    into = f"{qn(model._meta.db_table)} ({', '.join(qn(n) for n in names)})"
    statement = f"INSERT INTO {into} SELECT {', '.join(values)} FROM ({sql}) r"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def _rows(model, queryset, field: str, edges, dims: dict, keys: list[str], sums: dict, days):
    """The full split of one kind of row per day, grouped in SQL and inserted by the
    same statement, then its coarser levels summed from it, one statement each."""
    fields = list(sums)
    grouped = (
        queryset.annotate(r_day=bucket(field, edges, days), **dims)
        .annotate(**{f"k_{k}": F(k) for k in keys})
        .values("r_day", "r_cat", "r_prio", "r_plan", *[f"k_{k}" for k in keys])
        .annotate(**{f"s_{k}": v for k, v in sums.items()})
        .order_by()
    )
    columns: dict[str, str | None] = {
        "day": "r_day",
        "category_id": "r_cat",
        "priority": "r_prio",
        "plan": "r_plan",
        **{k: f"k_{k}" for k in keys},
        **{k: f"s_{k}" for k in fields},
    }
    written = _insert(model, grouped, columns, RollupLevel.FULL)
    full = model.objects.filter(level=RollupLevel.FULL, day__gte=days[0], day__lte=days[-1])
    for level, kept in LEVELS.items():
        summed = (
            full.values("day", *kept, *keys)
            .annotate(**{f"s_{k}": Sum(k) for k in fields})
            .order_by()
        )
        columns = {
            "day": "day",
            **{d: (d if d in kept else None) for d in ("category_id", "priority", "plan")},
            **{k: k for k in keys},
            **{k: f"s_{k}" for k in fields},
        }
        written += _insert(model, summed, columns, level)
    return written


# The coarser levels and the dimensions each keeps.
LEVELS = {
    RollupLevel.ALL: [],
    RollupLevel.CATEGORY: ["category_id"],
    RollupLevel.PRIORITY: ["priority"],
    RollupLevel.PLAN: ["plan"],
}


def _one_build_at_a_time() -> None:
    """Two builds of one day at once would both delete, then both insert (PostgreSQL's
    READ COMMITTED shows neither the other's rows): a lock held to commit orders them.
    SQLite has one writer already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BUILD_LOCK])


def _build(days: list[date]) -> int:
    """Rebuild consecutive past days in one transaction; returns the rows written."""
    edges = [local_midnight(d) for d in days] + [local_midnight(days[-1] + DAY)]
    scope = Scope(start=edges[0], end=edges[-1])
    built_at = timezone.now()
    automatic = Case(When(trigger__in=AUTOMATIC_TRIGGERS, then=Value(True)), default=Value(False))
    handoffs = Escalation.objects.filter(scope.in_period("requested_at")).annotate(
        automatic=automatic
    )
    clocks = ticket_clocks(scope).filter(kind__in=list(SLA_KINDS)).filter(DECIDED)
    kinds = [
        (
            TicketRollup,
            scope.tickets(),
            "created_at",
            edges,
            _ticket_dims(),
            [],
            ticket_sums(),
            days,
        ),  # fmt: skip
        (
            HandoffRollup,
            handoffs,
            "requested_at",
            edges,
            _ticket_dims("ticket__"),
            ["to_tier", "state", "automatic"],
            {"n": Count("pk")},
            days,
        ),  # fmt: skip
        (
            StayRollup,
            finished_stays(scope),
            "accepted_at",
            edges,
            _ticket_dims("ticket__"),
            ["to_tier"],
            stay_sums(),
            days,
        ),  # fmt: skip
        (
            ClockRollup,
            clocks,
            "started_at",
            edges,
            _clock_dims(),
            ["kind"],
            clock_sums(),
            days,
        ),  # fmt: skip
        (
            RefusalRollup,
            refused_automatic(scope),
            "refused_at",
            edges,
            _ticket_dims("ticket__"),
            [],
            refusal_sums(),
            days,
        ),  # fmt: skip
    ]
    with transaction.atomic():
        _one_build_at_a_time()
        for model in MODELS:
            model.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
        written = sum(_rows(*kind) for kind in kinds)
        # A day marked stale while it was being read stays stale (read live, rebuilt next run).
        RollupDay.objects.filter(day__in=days).update(
            built_at=built_at,
            stale=Case(When(changed_at__gt=built_at, then=Value(True)), default=Value(False)),
        )
        RollupDay.objects.bulk_create(
            [RollupDay(day=d, built_at=built_at) for d in days], ignore_conflicts=True
        )
    return written


def _runs(days: list[date]) -> list[list[date]]:
    """Sorted days as runs of consecutive days, each at most CHUNK_DAYS long."""
    runs: list[list[date]] = []
    for d in days:
        if runs and runs[-1][-1] + DAY == d and len(runs[-1]) < CHUNK_DAYS:
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _rebuild_days(days) -> int:
    yesterday = timezone.localdate() - DAY
    wanted = sorted({d for d in days if d <= yesterday})
    return sum(_build(run) for run in _runs(wanted))


def metrics_rollup_rebuild(start: date | None = None, end: date | None = None) -> int:
    """Rebuild the rollups of every day from `start` to `end` (both included; by default
    the longest period the dashboard offers, up to yesterday). Today is never rolled up.
    Idempotent; returns the rollup rows written."""
    yesterday = timezone.localdate() - DAY
    end = yesterday if end is None else min(end, yesterday)
    start = yesterday - timedelta(days=MAX_DAYS) if start is None else start
    return _rebuild_days(start + timedelta(days=i) for i in range((end - start).days + 1))


# --- staleness ------------------------------------------------------------------------


def days_touched(tickets) -> set[date]:
    """The local days whose figures these tickets feed: opened, hand-offs requested and
    accepted, targets started, automatic escalations refused."""
    ids = tickets.values("pk")
    sets = [
        Ticket.objects.filter(pk__in=ids).datetimes("created_at", "day"),
        Escalation.objects.filter(ticket__in=ids).datetimes("requested_at", "day"),
        Escalation.objects.filter(ticket__in=ids, accepted_at__isnull=False).datetimes(
            "accepted_at", "day"
        ),
        Clock.objects.filter(
            subject_type_id=ticket_type_id(), subject_id__in=ids, kind__in=list(SLA_KINDS)
        ).datetimes("started_at", "day"),
        RefusedEscalation.objects.filter(ticket__in=ids).datetimes("refused_at", "day"),
    ]
    return {moment.date() for found in sets for moment in found}


def mark_days_stale(days) -> int:
    """The dashboard reads these days live until the next rebuild."""
    return RollupDay.objects.filter(day__in=list(days)).update(
        stale=True, changed_at=timezone.now()
    )


def mark_tickets_stale(ticket_ids) -> int:
    """For a service that changed tickets in a way a past day's figures show (a plan
    change, a bulk update that saves no `updated_at`)."""
    return mark_days_stale(days_touched(Ticket.objects.filter(pk__in=list(ticket_ids))))


def refresh_rollups() -> int:
    """The scheduled task: yesterday and the WINDOW_DAYS before it, every day of the
    longest period not built yet or stale, and the days of tickets saved since the last
    run. Returns the rollup rows written."""
    today = timezone.localdate()
    earliest = today - timedelta(days=MAX_DAYS)
    built = dict(
        RollupDay.objects.filter(day__gte=earliest, day__lt=today).values_list("day", "stale")
    )
    days = {today - timedelta(days=i) for i in range(1, WINDOW_DAYS + 1)}
    days |= {earliest + timedelta(days=i) for i in range(MAX_DAYS)} - {
        d for d, stale in built.items() if not stale
    }
    last = RollupDay.objects.aggregate(last=Max("built_at"))["last"]
    if last is not None:
        # An hour's overlap: a ticket saved while the last run was reading is seen again.
        changed = Ticket.objects.filter(updated_at__gt=last - timedelta(hours=1))
        days |= days_touched(changed)
    return _rebuild_days(d for d in days if d >= earliest)


# --- reading --------------------------------------------------------------------------


def first_live_day(scope: Scope) -> date | None:
    """The scope's days before the returned one are read from rollups, the rest live
    (None: every day is rolled up). Rollups serve a leading run of built, fresh, past
    days, so the live part is one range whatever the holes."""
    days, today = scope.days, timezone.localdate()
    past = [d for d in days if d < today]
    if not past:
        return days[0] if days else None
    ready = set(
        RollupDay.objects.filter(day__gte=past[0], day__lte=past[-1], stale=False).values_list(
            "day", flat=True
        )
    )
    return next((d for d in days if d >= today or d not in ready), None)


def rollup_q(scope: Scope) -> Q:
    """The dashboard's filters on rollup rows (a team: its categories as they route now),
    on the coarsest level that splits by every filter asked."""
    by_category = bool(scope.team or scope.category)
    asked = [by_category, bool(scope.priority), bool(scope.plan)]
    level = RollupLevel.FULL
    if sum(asked) == 0:
        level = RollupLevel.ALL
    elif sum(asked) == 1:
        level = [RollupLevel.CATEGORY, RollupLevel.PRIORITY, RollupLevel.PLAN][asked.index(True)]
    q = Q(level=level)
    if scope.team:
        q &= Q(category__route_to=scope.team)
    if scope.category:
        q &= Q(category=scope.category)
    if scope.priority:
        q &= Q(priority=scope.priority)
    if scope.plan:
        q &= Q(plan=scope.plan)
    return q


def rolled(model, scope: Scope, stop: date):
    return model.objects.filter(rollup_q(scope), day__gte=scope.days[0], day__lt=stop)


def rolled_tickets(scope: Scope, stop: date) -> dict:
    return rolled(TicketRollup, scope, stop).aggregate(**{f: Sum(f) for f in TICKET_FIELDS})


def rolled_handoffs(scope: Scope, stop: date) -> list[tuple]:
    """(day, tier reached, hand-offs, returned as incomplete, automatic) per day and tier;
    the last two are None for none."""
    return list(
        rolled(HandoffRollup, scope, stop)
        .values_list("day", "to_tier")
        .annotate(
            r_n=Sum("n"),
            r_returned=Sum("n", filter=Q(state=EscalationState.RETURNED)),
            r_automatic=Sum("n", filter=Q(automatic=True)),
        )
        .order_by()
    )


def rolled_stays(scope: Scope, stop: date) -> list[dict]:
    return list(
        rolled(StayRollup, scope, stop)
        .values("to_tier")
        .annotate(**{f: Sum(f) for f in STAY_FIELDS})
        .order_by()
    )


def rolled_clocks(scope: Scope, stop: date) -> list[dict]:
    return list(
        rolled(ClockRollup, scope, stop)
        .values("day", "kind")
        .annotate(**{f: Sum(f) for f in CLOCK_FIELDS})
        .order_by()
    )


def rolled_refusals(scope: Scope, stop: date) -> dict:
    return rolled(RefusalRollup, scope, stop).aggregate(**{f: Sum(f) for f in REFUSAL_FIELDS})

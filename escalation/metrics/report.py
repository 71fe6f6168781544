"""The dashboard's figures for one scope (000 §9, 001, 003): its queries, and the
arithmetic on their few result rows.

Apart from `figures` (how a value reads) and `cohorts` (which rows count) because this
is the part that must stay fast: nothing here loads tickets into Python, and at 100,000
tickets the page must answer in well under a second.
"""

from datetime import timedelta
from functools import cached_property

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from core.choices import Tier
from sla.models import ClockKind

from ..models import Escalation, EscalationState, Metric, MetricTarget, RefusalCause, StayEnd
from .cohorts import (
    DECIDED,
    ESCALATED,
    RESOLVED,
    SLA_KINDS,
    automatic_handoffs,
    department_requests,
    finished_stays,
    refused_automatic,
    ticket_clocks,
)
from .figures import DepartmentRow, Figure, SlaRow, TierRow, hours, percent, targets
from .scope import Scope, local_midnight
from .sql import DurationSeconds, SecondsBetween, as_duration, bucket

# Stays at a tier, grouped for the distribution chart: (label, upper bound or None).
STAY_BUCKETS = [
    ("< 1 h", timedelta(hours=1)),
    ("1–4 h", timedelta(hours=4)),
    ("4–8 h", timedelta(hours=8)),
    ("8–24 h", timedelta(hours=24)),
    ("1–3 d", timedelta(days=3)),
    ("> 3 d", None),
]
TIER_METRICS = {
    Tier.L1: Metric.TIME_AT_L1,
    Tier.L2: Metric.TIME_AT_L2,
    Tier.L3: Metric.TIME_AT_L3,
    Tier.L4: Metric.TIME_AT_L4,
}


def _l1_stay():
    """Opening to the first hand-off, or to resolution when never escalated."""
    return Coalesce(F("escalated_after"), F("resolved_after"))


def _stay_buckets(duration) -> dict:
    """Counts of stays per STAY_BUCKETS range, `duration` being an expression."""
    counts, lower = {}, None
    for i, (_, upper) in enumerate(STAY_BUCKETS):
        conditions: list[GreaterThanOrEqual | LessThan] = []
        if lower is not None:
            conditions.append(GreaterThanOrEqual(duration, lower))
        if upper is not None:
            conditions.append(LessThan(duration, upper))
        counts[f"b{i}"] = Count("pk", filter=Q(*conditions))
        lower = upper
    return counts


def _weeks(scope: Scope) -> list:
    first = scope.days[0]
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= scope.last_day:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


class Report:
    """Every figure of the dashboard for one scope. Each query runs once, lazily, and the
    figures share them: one pass over the period's tickets, one over its hand-offs, one
    over stays above L1, one over SLA clocks and one over department requests. Each
    reads a covering index and stored durations, so no row is visited one by one.
    """

    def __init__(self, scope: Scope, goals: dict[str, MetricTarget] | None = None):
        self.scope = scope
        self.goals = targets() if goals is None else goals

    # --- the queries ---------------------------------------------------------------

    @cached_property
    def _tickets(self) -> dict:
        resolved = ESCALATED & RESOLVED
        l1_stay = _l1_stay()
        return self.scope.tickets().aggregate(
            total=Count("pk"),
            escalated=Count("pk", filter=ESCALATED),
            to_escalate=Avg("escalated_after", filter=ESCALATED),
            resolved=Count("pk", filter=resolved),
            resolution=Avg("resolved_after", filter=resolved),
            csat_n=Count("csat", filter=ESCALATED),
            avg_csat=Avg("csat", filter=ESCALATED),
            repeat=Count("pk", filter=ESCALATED & Q(repeat_escalation=True)),
            flp_base=Count("pk", filter=ESCALATED & Q(first_level_possible__isnull=False)),
            flp=Count("pk", filter=ESCALATED & Q(first_level_possible=True)),
            l1_n=Count(l1_stay),
            l1_average=Avg(l1_stay),
            **{f"l1_{k}": v for k, v in _stay_buckets(l1_stay).items()},
        )

    @cached_property
    def _handoffs(self) -> list[dict]:
        """Hand-offs requested in the period per (day, tier reached, state)."""
        days = self.scope.days
        edges = [local_midnight(d) for d in days] + [self.scope.end]
        return list(
            Escalation.objects.filter(
                self.scope.in_period("requested_at"), self.scope.ticket_q("ticket__")
            )
            .annotate(day=bucket("requested_at", edges))
            .values("day", "to_tier", "state")
            .annotate(n=Count("pk"))
            .order_by()
        )

    @cached_property
    def _higher_stays(self) -> dict[int, dict]:
        stay = F("time_at_tier")
        rows = (
            finished_stays(self.scope)
            .values("to_tier")
            .annotate(
                n=Count("pk"),
                resolved_here=Count("pk", filter=Q(left_by=StayEnd.RESOLVED)),
                average=Avg(stay),
                **_stay_buckets(stay),
            )
            .order_by("to_tier")
        )
        return {row["to_tier"]: row for row in rows}

    @cached_property
    def _clocks(self) -> list[dict]:
        """Decided SLA targets per (week, kind), with sums to average in Python."""
        stopped = Q(stopped_at__isnull=False)
        edges = [self.scope.start] + [local_midnight(w) for w in self.weeks[1:]] + [self.scope.end]
        return list(
            ticket_clocks(self.scope)
            .filter(kind__in=list(SLA_KINDS))
            .filter(DECIDED)
            .annotate(week=bucket("started_at", edges))
            .values("week", "kind")
            .annotate(
                n=Count("pk"),
                met=Count("pk", filter=Q(met=True)),
                stopped=Count("pk", filter=stopped),
                business=Sum("business_taken", filter=stopped),
                calendar=Sum("calendar_taken", filter=stopped),
                paused=Sum("paused_calendar", filter=stopped),
            )
            .order_by()
        )

    @cached_property
    def _automatic(self) -> dict:
        """Automatic escalations of the period: those that happened and those refused."""
        refused = refused_automatic(self.scope).aggregate(
            n=Count("pk"), verification=Count("pk", filter=Q(cause=RefusalCause.VERIFICATION))
        )
        return {**refused, "done": automatic_handoffs(self.scope).count()}

    @cached_property
    def weeks(self) -> list:
        return _weeks(self.scope)

    # --- the figures ---------------------------------------------------------------

    def _figure(self, metric, value, basis, tickets) -> Figure:
        return Figure(
            metric=metric,
            value=value,
            target=self.goals.get(metric),
            label=Metric(metric).label,
            basis=basis,
            tickets=tickets,
        )

    def headline(self) -> list[Figure]:
        a, fig = self._tickets, self._figure
        n, esc = a["total"], a["escalated"]
        requests = sum(r["n"] for r in self._handoffs)
        returned = sum(r["n"] for r in self._handoffs if r["state"] == EscalationState.RETURNED)
        l2 = self._higher_stays.get(Tier.L2, {"n": 0, "resolved_here": 0})
        return [
            fig(Metric.ESCALATION_RATE, percent(esc, n), f"{esc} of {n} tickets", "escalated"),
            fig(
                Metric.TIME_TO_ESCALATE,
                hours(as_duration(a["to_escalate"])),
                f"{esc} tickets",
                "escalated",
            ),
            fig(
                Metric.ESCALATED_RESOLUTION_TIME,
                hours(as_duration(a["resolution"])),
                f"{a['resolved']} resolved escalated tickets",
                "escalated_resolved",
            ),
            fig(
                Metric.L2_RESOLUTION_RATE,
                percent(l2["resolved_here"], l2["n"]),
                f"{l2['resolved_here']} of {l2['n']} finished stays at L2",
                "l2_reached",
            ),
            fig(
                Metric.CSAT_ESCALATED,
                None if a["avg_csat"] is None else float(a["avg_csat"]),
                f"{a['csat_n']} ratings",
                "csat_escalated",
            ),
            fig(
                Metric.REPEAT_ESCALATIONS,
                percent(a["repeat"], esc),
                f"{a['repeat']} of {esc} escalated tickets",
                "repeat",
            ),
            fig(
                Metric.FIRST_LEVEL_POSSIBLE,
                percent(a["flp"], a["flp_base"]),
                f"{a['flp']} of {a['flp_base']} closed escalated tickets",
                "first_level_possible",
            ),
            fig(
                Metric.HANDOFFS_RETURNED,
                percent(returned, requests),
                f"{returned} of {requests} hand-offs",
                "returned",
            ),
            self._refused_figure(),
        ]

    def _refused_figure(self) -> Figure:
        """Never silent (003 with 001): rules that should have moved a ticket up and could
        not, mostly because the customer's identity was not verified yet."""
        auto = self._automatic
        fired = auto["n"] + auto["done"]
        return self._figure(
            Metric.AUTO_ESCALATIONS_REFUSED,
            percent(auto["n"], fired),
            f"{auto['n']} of {fired} automatic escalations "
            f"({auto['verification']} for identity not verified)",
            "auto_refused",
        )

    def tiers(self) -> list[TierRow]:
        """Completed stays per tier: L1 from opening to the first hand-off or resolution;
        higher tiers from acceptance to the next hand-off or resolution."""
        a = self._tickets
        l1 = {
            "n": a["l1_n"],
            "average": a["l1_average"],
            **{f"b{i}": a[f"l1_b{i}"] for i in range(len(STAY_BUCKETS))},
        }
        found = {Tier.L1: l1, **self._higher_stays}
        rows = []
        for tier in Tier.values:
            row = found.get(tier) or {"n": 0, "average": None}
            metric = TIER_METRICS[Tier(tier)]
            average = as_duration(row["average"])
            rows.append(
                TierRow(
                    metric=metric,
                    value=hours(average),
                    target=self.goals.get(metric),
                    tier=tier,
                    stays=row["n"],
                    average=average,
                    buckets=[row.get(f"b{i}", 0) for i in range(len(STAY_BUCKETS))],
                    tickets=f"tier_{tier}",
                )
            )
        return rows

    def departments(self) -> list[DepartmentRow]:
        """Inter-departmental response time: request to answer, against each commitment."""
        # The commitment is about responding: an acknowledgement counts, else the answer.
        responded_at = Coalesce(F("acknowledged_at"), F("answered_at"))
        answered = Q(acknowledged_at__isnull=False) | Q(answered_at__isnull=False)
        took = SecondsBetween(responded_at, F("created_at"))
        rows = (
            department_requests(self.scope)
            .values("department_id", "department__name", "department__response_time")
            .annotate(
                requests=Count("pk"),
                answered=Count("pk", filter=answered),
                average=Avg(took, filter=answered),
                within=Count(
                    "pk",
                    filter=answered
                    & Q(LessThanOrEqual(took, DurationSeconds(F("department__response_time")))),
                ),
            )
            .order_by("department__name")
        )
        return [
            DepartmentRow(
                department_id=r["department_id"],
                name=r["department__name"],
                requests=r["requests"],
                answered=r["answered"],
                average=as_duration(r["average"]),
                within=r["within"],
                commitment=r["department__response_time"],
            )
            for r in rows
        ]

    def sla(self) -> list[SlaRow]:
        """Attainment per target, with business, calendar and paused time taken when stopped."""
        totals: dict[str, dict] = {}
        for r in self._clocks:
            t = totals.setdefault(r["kind"], {"n": 0, "met": 0, "stopped": 0})
            t["n"] += r["n"]
            t["met"] += r["met"]
            t["stopped"] += r["stopped"]
            for key in ("business", "calendar", "paused"):
                if r[key] is not None:
                    t[key] = t.get(key, timedelta(0)) + r[key]
        result = []
        for kind, metric in SLA_KINDS.items():
            t = totals.get(kind, {"n": 0, "met": 0, "stopped": 0})

            def average(key, t=t):
                return t[key] / t["stopped"] if t.get(key) is not None and t["stopped"] else None

            result.append(
                SlaRow(
                    metric=metric,
                    value=percent(t["met"], t["n"]),
                    target=self.goals.get(metric),
                    kind=kind,
                    label=ClockKind(kind).label,
                    decided=t["n"],
                    met_count=t["met"],
                    business=average("business"),
                    calendar=average("calendar"),
                    paused=average("paused"),
                )
            )
        return result

    def escalations_per_day(self) -> dict:
        """Hand-offs requested per day, by the tier they went to."""
        counts: dict[tuple, int] = {}
        for r in self._handoffs:
            key = (r["day"], r["to_tier"])
            counts[key] = counts.get(key, 0) + r["n"]
        days = self.scope.days
        return {
            "labels": [d.isoformat() for d in days],
            "series": [
                {
                    "label": f"To L{tier}",
                    "data": [counts.get((i, tier), 0) for i in range(len(days))],
                }
                for tier in (Tier.L2, Tier.L3, Tier.L4)
            ],
        }

    def sla_per_week(self) -> dict:
        """Attainment per week (weeks start on Monday) for each SLA target."""
        cells = {(r["week"], r["kind"]): percent(r["met"], r["n"]) for r in self._clocks}
        return {
            "labels": [f"Week of {w.isoformat()}" for w in self.weeks],
            "series": [
                {
                    "label": ClockKind(kind).label,
                    "data": [_one_decimal(cells.get((i, kind))) for i in range(len(self.weeks))],
                }
                for kind in SLA_KINDS
            ],
        }


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def tier_distribution(rows: list[TierRow]) -> dict:
    return {
        "labels": [label for label, _ in STAY_BUCKETS],
        "series": [{"label": f"L{row.tier}", "data": row.buckets} for row in rows],
    }

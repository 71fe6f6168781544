"""The escalation figures, each one aggregate query in the database (000 §9, 001, 003).

Ticket figures count tickets opened in the period; hand-offs, stays at a tier, SLA
targets and department requests count by when they started. Nothing here loads
tickets into Python: at 100,000 tickets the page must answer in well under a second.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from core.choices import Tier
from sla.models import Clock, ClockKind

from ..models import (
    UNITS,
    DepartmentRequest,
    DepartmentRequestState,
    Escalation,
    EscalationState,
    Metric,
    MetricTarget,
    StayEnd,
    Ticket,
    TicketState,
)
from ..models.metrics import HOURS, PERCENT
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
SLA_KINDS = {
    ClockKind.FIRST_RESPONSE: Metric.SLA_FIRST_RESPONSE,
    ClockKind.NEXT_UPDATE: Metric.SLA_NEXT_UPDATE,
    ClockKind.RESOLUTION: Metric.SLA_RESOLUTION,
    ClockKind.ACKNOWLEDGEMENT: Metric.SLA_ACKNOWLEDGEMENT,
}
TIER_METRICS = {
    Tier.L1: Metric.TIME_AT_L1,
    Tier.L2: Metric.TIME_AT_L2,
    Tier.L3: Metric.TIME_AT_L3,
    Tier.L4: Metric.TIME_AT_L4,
}
RESOLVED = Q(resolved_at__isnull=False, state__in=[TicketState.RESOLVED, TicketState.CLOSED])


def hours(delta: timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 3600


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def duration_text(delta: timedelta | None) -> str:
    """Hours with one decimal like the seed's dashboard ('3.2 h'); minutes under an hour,
    days from two days on."""
    if delta is None:
        return "—"
    if delta < timedelta(hours=1):
        return f"{round(delta.total_seconds() / 60)} min"
    if delta < timedelta(days=2):
        return f"{delta.total_seconds() / 3600:.1f} h"
    return f"{delta.total_seconds() / 86400:.1f} d"


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == HOURS:
        return duration_text(timedelta(hours=value))
    return f"{value:.2f}/5"


def status_text(*, has_target: bool, has_value: bool, met: bool | None) -> str:
    """The dashboard's Status column, in words and a mark (never colour alone)."""
    if not has_target:
        return "—"
    if not has_value:
        return "No data"
    return "✓ On target" if met else "✗ Off target"


@dataclass
class Judged:
    """A figure against its target: what the dashboard's Target and Status columns say."""

    metric: str
    value: float | None
    target: MetricTarget | None

    @property
    def met(self) -> bool | None:
        return self.target.is_met(self.value) if self.target else None

    @property
    def target_text(self) -> str:
        return self.target.describe() if self.target else "no target set"

    @property
    def status_text(self) -> str:
        return status_text(
            has_target=self.target is not None, has_value=self.value is not None, met=self.met
        )

    @property
    def value_text(self) -> str:
        return value_text(self.value, UNITS[self.metric])


@dataclass
class Figure(Judged):
    label: str = ""
    basis: str = ""  # what the figure was computed over, e.g. "42 of 300 tickets"
    tickets: str = ""  # the code of the tickets behind it (tickets_behind)


@dataclass
class TierRow(Judged):
    tier: int = 0
    stays: int = 0
    average: timedelta | None = None
    buckets: list[int] = field(default_factory=list)
    tickets: str = ""


@dataclass
class DepartmentRow:
    department_id: int
    name: str
    requests: int
    answered: int
    average: timedelta | None
    within: int
    commitment: timedelta | None

    @property
    def met(self) -> bool | None:
        if self.commitment is None or self.average is None:
            return None
        return self.average <= self.commitment

    @property
    def within_text(self) -> str:
        if self.commitment is None:
            return "—"
        return value_text(percent(self.within, self.answered), PERCENT)

    @property
    def status_text(self) -> str:
        return status_text(
            has_target=self.commitment is not None, has_value=self.average is not None, met=self.met
        )

    @property
    def tickets(self) -> str:
        return f"dept_{self.department_id}"


@dataclass
class SlaRow(Judged):
    kind: str = ""
    label: str = ""
    decided: int = 0
    met_count: int = 0
    business: timedelta | None = None
    calendar: timedelta | None = None
    paused: timedelta | None = None

    @property
    def tickets(self) -> str:
        return f"sla_{self.kind}_missed"


def targets() -> dict[str, MetricTarget]:
    return {t.metric: t for t in MetricTarget.objects.all()}


# --- the tickets behind the figures -------------------------------------------------------


ESCALATED = Q(first_escalated_at__isnull=False)


def _ticket_type_id() -> int:
    return ContentType.objects.get_for_model(Ticket).pk


def _clocks(scope: Scope):
    """Ticket clocks started in the period, of tickets in scope."""
    clocks = Clock.objects.filter(scope.in_period("started_at"), subject_type_id=_ticket_type_id())
    if scope.has_ticket_filters:
        clocks = clocks.filter(subject_id__in=Ticket.objects.filter(scope.ticket_q()).values("pk"))
    return clocks


# Met or missed; a clock stopped without `met` was voided (its ticket was cancelled), and a
# running clock past its deadline is already missed.
_OVERDUE = Q(stopped_at__isnull=True, breached_at__isnull=False)
_DECIDED = Q(met__isnull=False) | _OVERDUE
_MISSED = Q(met=False) | _OVERDUE


def _stays(scope: Scope):
    """Hand-offs accepted in the period whose stay at the receiving tier has ended (time
    spent is time spent, even on a ticket cancelled later)."""
    return Escalation.objects.filter(
        scope.in_period("accepted_at"),
        scope.ticket_q("ticket__"),
        state=EscalationState.ACCEPTED,
        time_at_tier__isnull=False,
    )


def _department_requests(scope: Scope):
    """Requests sent in the period; cancelled ones (withdrawn) are left out."""
    return DepartmentRequest.objects.filter(
        scope.in_period("created_at"), scope.ticket_q("ticket__")
    ).exclude(state=DepartmentRequestState.CANCELLED)


def tickets_behind(code: str, scope: Scope):
    """The tickets a figure was computed over; None for an unknown code."""
    cohort = scope.tickets()
    escalated = cohort.filter(ESCALATED)
    simple = {
        "all": cohort,
        "escalated": escalated,
        "escalated_resolved": escalated.filter(RESOLVED),
        "csat_escalated": escalated.filter(csat__isnull=False),
        "repeat": escalated.filter(repeat_escalation=True),
        "first_level_possible": escalated.filter(first_level_possible=True),
        "tier_1": cohort.filter(Q(escalated_after__isnull=False) | Q(resolved_after__isnull=False)),
    }
    if code in simple:
        return simple[code]
    everything = Ticket.objects.all()
    if code in ("l2_reached", "l2_resolved"):
        stays = _stays(scope).filter(to_tier=Tier.L2)
        if code == "l2_resolved":
            stays = stays.filter(left_by=StayEnd.RESOLVED)
        return everything.filter(pk__in=stays.values("ticket_id"))
    if code == "returned":
        return everything.filter(
            pk__in=Escalation.objects.filter(
                scope.in_period("requested_at"),
                scope.ticket_q("ticket__"),
                state=EscalationState.RETURNED,
            ).values("ticket_id")
        )
    number = re.fullmatch(r"(tier|dept)_([0-9]{1,9})", code)
    if number and number[1] == "tier":
        stays = _stays(scope).filter(to_tier=int(number[2]))
        return everything.filter(pk__in=stays.values("ticket_id"))
    if number and number[1] == "dept":
        return everything.filter(
            pk__in=_department_requests(scope)
            .filter(department_id=int(number[2]))
            .values("ticket_id")
        )
    if code.startswith("sla_"):
        kind, missed = code[4:].removesuffix("_missed"), code.endswith("_missed")
        if kind in SLA_KINDS:
            clocks = _clocks(scope).filter(kind=kind).filter(_MISSED if missed else _DECIDED)
            return everything.filter(pk__in=clocks.values("subject_id"))
    return None


TICKET_SETS = {
    "all": "Tickets opened in the period",
    "escalated": "Escalated tickets",
    "escalated_resolved": "Escalated tickets that are resolved",
    "l2_reached": "Tickets whose stay at L2 ended",
    "l2_resolved": "Tickets resolved at L2",
    "csat_escalated": "Escalated tickets with a CSAT score",
    "repeat": "Repeat escalations",
    "first_level_possible": "Escalations solvable at the first level",
    "returned": "Tickets with a hand-off returned as incomplete",
}


def ticket_set_label(code: str) -> str:
    if code in TICKET_SETS:
        return TICKET_SETS[code]
    if code.startswith("tier_"):
        return f"Tickets that left L{code[5:]}"
    if code.startswith("dept_"):
        return "Tickets with requests to the department"
    kind = code[4:].removesuffix("_missed")
    label = ClockKind(kind).label if kind in ClockKind.values else kind
    return (
        f"Tickets that missed the {label.lower()} target"
        if code.endswith("_missed")
        else f"Tickets with a {label.lower()} target"
    )


# --- the figures ------------------------------------------------------------------------


def _l1_stay():
    """Opening to the first hand-off, or to resolution when never escalated."""
    return Coalesce(F("escalated_after"), F("resolved_after"))


def _stay_buckets(duration) -> dict:
    """Counts of stays per STAY_BUCKETS range, `duration` being an expression."""
    counts, lower = {}, None
    for i, (_, upper) in enumerate(STAY_BUCKETS):
        conditions = []
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
            _stays(self.scope)
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
            _clocks(self.scope)
            .filter(kind__in=list(SLA_KINDS))
            .filter(_DECIDED)
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
        ]

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
            metric = TIER_METRICS[tier]
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
            _department_requests(self.scope)
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
                    "data": [
                        None if cells.get((i, kind)) is None else round(cells[(i, kind)], 1)
                        for i in range(len(self.weeks))
                    ],
                }
                for kind in SLA_KINDS
            ],
        }


def tier_distribution(rows: list[TierRow]) -> dict:
    return {
        "labels": [label for label, _ in STAY_BUCKETS],
        "series": [{"label": f"L{row.tier}", "data": row.buckets} for row in rows],
    }


# --- enterprise success reviews (003 "VIP/Enterprise") -------------------------------------


def customer_summary(scope: Scope):
    """Per customer with tickets opened in the period: volume, escalations, outcomes."""
    escalated = ESCALATED
    breached = Exists(
        Clock.objects.filter(
            _MISSED,
            subject_type_id=_ticket_type_id(),
            subject_id=OuterRef("pk"),
            kind__in=list(SLA_KINDS),
        )
    )
    return (
        scope.tickets()
        .annotate(is_breached=breached)
        .values(
            "customer_id",
            "customer__name",
            "customer__company",
            "customer__plan",
            "customer__is_vip",
        )
        .annotate(
            tickets=Count("pk"),
            escalated=Count("pk", filter=escalated),
            still_open=Count(
                "pk", filter=escalated & ~Q(state__in=[TicketState.RESOLVED, TicketState.CLOSED])
            ),
            resolution=Avg("resolved_after", filter=escalated & RESOLVED),
            breached=Count("pk", filter=Q(is_breached=True)),
            csat=Avg("csat"),
        )
        .order_by("-escalated", "-tickets", "customer__name", "customer_id")
    )

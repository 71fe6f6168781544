"""The dashboard's figures for one scope (000 §9, 001, 003): its queries, and the
arithmetic on their few result rows.

Apart from `figures` (how a value reads) and `cohorts` (which rows count) because this
is the part that must stay fast: nothing here loads tickets into Python, and at 100,000
tickets the page must answer in well under a second.
"""

from dataclasses import replace
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count, Q

from core.choices import Tier
from sla.models import ClockKind

from ..models import AUTOMATIC_TRIGGERS, Escalation, EscalationState, Metric, MetricTarget
from . import rollup
from .cohorts import (
    DECIDED,
    SLA_KINDS,
    finished_stays,
    refused_automatic,
    ticket_clocks,
)
from .departments import department_rows
from .figures import DepartmentRow, Figure, SlaRow, TierRow, hours, percent, targets
from .scope import Scope, local_midnight
from .sql import bucket
from .sums import (
    BUCKETS,
    REFUSAL_FIELDS,
    STAY_BUCKETS,
    STAY_FIELDS,
    TICKET_FIELDS,
    add_into,
    clock_sums,
    mean,
    refusal_sums,
    stay_sums,
    ticket_sums,
    zeroed,
)

__all__ = ["STAY_BUCKETS", "Report"]

TIER_METRICS = {
    Tier.L1: Metric.TIME_AT_L1,
    Tier.L2: Metric.TIME_AT_L2,
    Tier.L3: Metric.TIME_AT_L3,
    Tier.L4: Metric.TIME_AT_L4,
}


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
    figures share them. Past days come from the daily rollups (`rollup`), one small
    query per kind of row; the days not rolled up (always today) are computed live: one
    pass over their tickets, hand-offs, stays above L1, SLA clocks and refusals. Both
    give the same additive sums, so the figures are the same either way. Department
    requests, few, are always read live (their commitment is read as it is now).
    `rollups=False` computes everything live.
    """

    def __init__(
        self, scope: Scope, goals: dict[str, MetricTarget] | None = None, *, rollups: bool = True
    ):
        self.scope = scope
        self.goals = targets() if goals is None else goals
        self.use_rollups = rollups

    # --- which days are read how ---------------------------------------------------

    @cached_property
    def _first_live(self) -> date | None:
        if not self.use_rollups:
            return self.scope.days[0]
        return rollup.first_live_day(self.scope)

    @cached_property
    def _live(self) -> Scope | None:
        """The part of the scope computed live (None: none)."""
        first = self._first_live
        return None if first is None else replace(self.scope, start=local_midnight(first))

    @cached_property
    def _stop(self) -> date | None:
        """The day the rollups stop before (None: no rollups read)."""
        days, first = self.scope.days, self._first_live
        stop = days[-1] + timedelta(days=1) if first is None else first
        return stop if stop > days[0] else None

    def _index(self, day: date) -> int:
        return (day - self.scope.days[0]).days

    # --- the queries ---------------------------------------------------------------

    @cached_property
    def _tickets(self) -> dict:
        total: dict = {}
        if self._live is not None:
            add_into(total, self._live.tickets().aggregate(**ticket_sums()), TICKET_FIELDS)
        if self._stop is not None:
            add_into(total, rollup.rolled_tickets(self.scope, self._stop), TICKET_FIELDS)
        return zeroed(total, TICKET_FIELDS)

    @cached_property
    def _handoffs(self) -> dict:
        """Hand-offs requested in the period: per (day index, tier reached), and the
        totals returned as incomplete and requested by an automatic rule."""
        rows: list = []
        if self._live is not None and self._first_live is not None:
            # Only the live days are bucketed (usually just today: no bucketing at all).
            offset = self._index(self._first_live)
            edges = [local_midnight(d) for d in self.scope.days[offset:]] + [self.scope.end]
            rows += [
                (offset + day, *rest)
                for day, *rest in Escalation.objects.filter(
                    self._live.in_period("requested_at"), self.scope.ticket_q("ticket__")
                )
                .annotate(r_day=bucket("requested_at", edges))
                .values_list("r_day", "to_tier")
                .annotate(
                    n=Count("pk"),
                    returned=Count("pk", filter=Q(state=EscalationState.RETURNED)),
                    automatic=Count("pk", filter=Q(trigger__in=AUTOMATIC_TRIGGERS)),
                )
                .order_by()
            ]
        if self._stop is not None:
            first = self.scope.days[0]
            rows += [
                ((day - first).days, *rest)
                for day, *rest in rollup.rolled_handoffs(self.scope, self._stop)
            ]
        per_day: dict[tuple, int] = {}
        totals = {"n": 0, "returned": 0, "automatic": 0}
        for day, tier, n, returned, automatic in rows:
            per_day[(day, tier)] = per_day.get((day, tier), 0) + n
            totals["n"] += n
            totals["returned"] += returned or 0
            totals["automatic"] += automatic or 0
        return {"per_day": per_day, **totals}

    @cached_property
    def _higher_stays(self) -> dict[int, dict]:
        rows = []
        if self._live is not None:
            rows += finished_stays(self._live).values("to_tier").annotate(**stay_sums()).order_by()
        if self._stop is not None:
            rows += rollup.rolled_stays(self.scope, self._stop)
        found: dict[int, dict] = {}
        for row in rows:
            add_into(found.setdefault(row["to_tier"], {}), row, STAY_FIELDS)
        return {tier: zeroed(row, STAY_FIELDS) for tier, row in sorted(found.items())}

    @cached_property
    def _clocks(self) -> list[dict]:
        """Decided SLA targets per (week, kind), with sums to average in Python."""
        rows = []
        first_live = self._first_live
        if self._live is not None and first_live is not None:
            # Only the weeks of the live days are bucketed (usually just today's week).
            offset = (first_live - self.weeks[0]).days // 7
            edges = [self._live.start]
            edges += [local_midnight(w) for w in self.weeks[1:] if w > first_live]
            edges += [self.scope.end]
            rows += [
                {**r, "week": offset + r["week"]}
                for r in ticket_clocks(self._live)
                .filter(kind__in=list(SLA_KINDS))
                .filter(DECIDED)
                .annotate(week=bucket("started_at", edges))
                .values("week", "kind")
                .annotate(**clock_sums())
                .order_by()
            ]
        if self._stop is not None:
            first_week = self.weeks[0]
            rows += [
                {**r, "week": (r["day"] - first_week).days // 7}
                for r in rollup.rolled_clocks(self.scope, self._stop)
            ]
        return rows

    @cached_property
    def _automatic(self) -> dict:
        """Automatic escalations of the period: those that happened and those refused."""
        refused: dict = {}
        if self._live is not None:
            add_into(
                refused, refused_automatic(self._live).aggregate(**refusal_sums()), REFUSAL_FIELDS
            )
        if self._stop is not None:
            add_into(refused, rollup.rolled_refusals(self.scope, self._stop), REFUSAL_FIELDS)
        done = self._handoffs["automatic"]
        return {**zeroed(refused, REFUSAL_FIELDS), "done": done}

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
        requests, returned = self._handoffs["n"], self._handoffs["returned"]
        l2 = self._higher_stays.get(Tier.L2, {"n": 0, "resolved_here": 0})
        return [
            fig(Metric.ESCALATION_RATE, percent(esc, n), f"{esc} of {n} tickets", "escalated"),
            fig(
                Metric.TIME_TO_ESCALATE,
                hours(mean(a["to_escalate_sum"], a["to_escalate_n"])),
                f"{esc} tickets",
                "escalated",
            ),
            fig(
                Metric.ESCALATED_RESOLUTION_TIME,
                hours(mean(a["resolution_sum"], a["resolution_n"])),
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
                _float(mean(a["csat_sum"], a["csat_n"])),
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
            "stay_sum": a["l1_sum"],
            **{f"b{i}": a[f"l1_b{i}"] for i in BUCKETS},
        }
        found = {Tier.L1: l1, **self._higher_stays}
        rows = []
        for tier in Tier.values:
            row = found.get(tier) or {"n": 0, "stay_sum": None}
            metric = TIER_METRICS[Tier(tier)]
            average = mean(row["stay_sum"], row["n"])
            rows.append(
                TierRow(
                    metric=metric,
                    value=hours(average),
                    target=self.goals.get(metric),
                    tier=tier,
                    stays=row["n"],
                    average=average,
                    buckets=[row.get(f"b{i}", 0) for i in BUCKETS],
                    tickets=f"tier_{tier}",
                )
            )
        return rows

    def departments(self) -> list[DepartmentRow]:
        """Inter-departmental response time: request to answer, against each commitment.
        Always live: requests are few, and 'within' is judged on the commitment as it is."""
        return department_rows(self.scope)

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
        counts = self._handoffs["per_day"]
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
        sums: dict[tuple, list[int]] = {}
        for r in self._clocks:
            cell = sums.setdefault((r["week"], r["kind"]), [0, 0])
            cell[0] += r["met"]
            cell[1] += r["n"]
        cells = {key: percent(met, n) for key, (met, n) in sums.items()}
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


def _float(value) -> float | None:
    return None if value is None else float(value)


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

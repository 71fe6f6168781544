"""The additive counts and sums behind every dashboard figure, defined once.

The live queries (`report`) and the daily rollups (`rollup`) aggregate the same
expressions, so a period read from rollups plus today live adds up to exactly what a
live query over the whole period gives: averages are a sum over a count, never an AVG,
and the time-at-tier distribution is a count per bucket.
"""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from ..models import RefusalCause, StayEnd
from .cohorts import ESCALATED, RESOLVED

# Stays at a tier, grouped for the distribution chart: (label, upper bound or None).
STAY_BUCKETS = [
    ("< 1 h", timedelta(hours=1)),
    ("1–4 h", timedelta(hours=4)),
    ("4–8 h", timedelta(hours=8)),
    ("8–24 h", timedelta(hours=24)),
    ("1–3 d", timedelta(days=3)),
    ("> 3 d", None),
]
BUCKETS = range(len(STAY_BUCKETS))


def l1_stay():
    """Opening to the first hand-off, or to resolution when never escalated."""
    return Coalesce(F("escalated_after"), F("resolved_after"))


def stay_buckets(duration, prefix: str = "") -> dict:
    """Counts of stays per STAY_BUCKETS range, `duration` being an expression."""
    counts, lower = {}, None
    for i, (_, upper) in enumerate(STAY_BUCKETS):
        conditions: list[GreaterThanOrEqual | LessThan] = []
        if lower is not None:
            conditions.append(GreaterThanOrEqual(duration, lower))
        if upper is not None:
            conditions.append(LessThan(duration, upper))
        counts[f"{prefix}b{i}"] = Count("pk", filter=Q(*conditions))
        lower = upper
    return counts


def ticket_sums() -> dict:
    """Over tickets (opened in a period, cancelled left out)."""
    resolved = ESCALATED & RESOLVED
    l1 = l1_stay()
    return {
        "total": Count("pk"),
        "escalated": Count("pk", filter=ESCALATED),
        "to_escalate_n": Count("escalated_after", filter=ESCALATED),
        "to_escalate_sum": Sum("escalated_after", filter=ESCALATED),
        "resolved": Count("pk", filter=resolved),
        "resolution_n": Count("resolved_after", filter=resolved),
        "resolution_sum": Sum("resolved_after", filter=resolved),
        "csat_n": Count("csat", filter=ESCALATED),
        "csat_sum": Sum("csat", filter=ESCALATED),
        "repeat": Count("pk", filter=ESCALATED & Q(repeat_escalation=True)),
        "flp_base": Count("pk", filter=ESCALATED & Q(first_level_possible__isnull=False)),
        "flp": Count("pk", filter=ESCALATED & Q(first_level_possible=True)),
        "l1_n": Count(l1),
        "l1_sum": Sum(l1),
        **stay_buckets(l1, "l1_"),
    }


TICKET_FIELDS = list(ticket_sums())


def stay_sums() -> dict:
    """Over finished stays (time_at_tier set), grouped by tier."""
    stay = F("time_at_tier")
    return {
        "n": Count("pk"),
        "resolved_here": Count("pk", filter=Q(left_by=StayEnd.RESOLVED)),
        "stay_sum": Sum(stay),
        **stay_buckets(stay),
    }


STAY_FIELDS = ["n", "resolved_here", "stay_sum", *[f"b{i}" for i in BUCKETS]]


def clock_sums() -> dict:
    """Over decided SLA targets, grouped by kind: times of the stopped ones."""
    stopped = Q(stopped_at__isnull=False)
    return {
        "n": Count("pk"),
        "met": Count("pk", filter=Q(met=True)),
        "stopped": Count("pk", filter=stopped),
        "business": Sum("business_taken", filter=stopped),
        "calendar": Sum("calendar_taken", filter=stopped),
        "paused": Sum("paused_calendar", filter=stopped),
    }


CLOCK_FIELDS = ["n", "met", "stopped", "business", "calendar", "paused"]


def refusal_sums() -> dict:
    return {
        "n": Count("pk"),
        "verification": Count("pk", filter=Q(cause=RefusalCause.VERIFICATION)),
    }


REFUSAL_FIELDS = ["n", "verification"]


def plus(a, b):
    """Adds two sums where None means 'no row' (SQL's SUM over nothing)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def add_into(total: dict, row: dict, fields) -> dict:
    for key in fields:
        total[key] = plus(total.get(key), row.get(key))
    return total


def mean(total, n: int):
    """A sum over its count (a duration stays a duration), None for no data."""
    if not n or total is None:
        return None
    return total / n


# The sums that stay None over no rows (durations, CSAT); every other field is a count.
NULLABLE = {"to_escalate_sum", "resolution_sum", "csat_sum", "l1_sum", "stay_sum"}
NULLABLE |= {"business", "calendar", "paused"}


def zeroed(total: dict, fields) -> dict:
    """Counts over nothing read 0, sums over nothing stay None."""
    for key in fields:
        if total.get(key) is None and key not in NULLABLE:
            total[key] = 0
    return total

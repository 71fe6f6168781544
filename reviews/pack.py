"""The monthly escalation review pack: what the meeting looks at (003 "Monthly escalation
review meeting", 004 "Analyze data on escalations to identify common issues").

A month is a calendar month in local time. The pack reads a fixed number of queries
whatever the number of tickets: counts are grouped in the database, the month's
root-cause analyses come in one query, the repeat checks in two more.

Repeat root causes (our reading of 004 "common issues"): an RCA of the month is a repeat
when its category already had an RCA in any of the three months before, or when its
customer had more than one RCA in those four months together. There is no separate
root-cause "type" field: the category is the type.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from core.choices import Tier
from core.errors import InvalidInput
from core.validators import LATEST
from escalation.models import Escalation, RootCauseAnalysis

from .models import ActionState, PreventiveAction

EARLIEST = date(2000, 1, 1)
REPEAT_LOOKBACK_MONTHS = 3
TOP_CAUSES = 3
_MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


def parse_month(text: str) -> date:
    """The first day of a `yyyy-mm` month; InvalidInput with a sentence for anything else
    (2026-13, 0000-01, 10000-01, a NUL byte)."""
    match = _MONTH.match(text or "")
    if not match:
        raise InvalidInput("Give the month as YYYY-MM, for example 2026-03.")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise InvalidInput(f"There is no month {month:02d}: choose 01 to 12.")
    if not EARLIEST.year <= year <= LATEST.year:
        raise InvalidInput(f"Choose a month between {EARLIEST.year} and {LATEST.year}.")
    return date(year, month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_month() -> date:
    return add_months(timezone.localdate().replace(day=1), -1)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Group:
    """One category or tier: its escalations and root causes of the month."""

    label: str
    detail: str = ""
    escalations: int = 0
    root_causes: int = 0
    share: float = 0.0  # of the month's root causes, in %
    repeats: int = 0
    top_causes: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class RootCause:
    rca: RootCauseAnalysis
    repeat_reasons: list[str]

    @property
    def is_repeat(self) -> bool:
        return bool(self.repeat_reasons)


@dataclass
class ActionRow:
    action: PreventiveAction
    overdue: bool
    carried_over: bool


@dataclass
class ReviewPack:
    month: date
    escalations: int
    by_category: list[Group]
    by_tier: list[Group]
    root_causes: list[RootCause]
    actions: list[ActionRow]

    @property
    def slug(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def previous(self) -> str | None:
        before = add_months(self.month, -1)
        return f"{before:%Y-%m}" if before >= EARLIEST else None

    @property
    def next(self) -> str | None:
        after = add_months(self.month, 1)
        return f"{after:%Y-%m}" if after <= LATEST else None

    @property
    def repeats(self) -> int:
        return sum(1 for r in self.root_causes if r.is_repeat)

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.action.state == ActionState.OPEN)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def _top(texts: list[str]) -> list[tuple[str, int]]:
    """The most frequent root-cause texts (same words, any case or spacing, count as one)."""
    shown: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in texts:
        key = " ".join(text.split()).casefold()
        shown.setdefault(key, " ".join(text.split()))
        counts[key] += 1
    return [(shown[k], n) for k, n in counts.most_common(TOP_CAUSES)]


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _repeat_reasons(month: date, start: datetime, end: datetime, rcas) -> dict[int, list[str]]:
    """Why each RCA of the month is a repeat (two queries, whatever the number of RCAs)."""
    lookback = _midnight(add_months(month, -REPEAT_LOOKBACK_MONTHS))
    earlier = RootCauseAnalysis.objects.filter(completed_at__gte=lookback, completed_at__lt=start)
    seen_categories = set(earlier.values_list("ticket__category", flat=True).distinct())
    window = RootCauseAnalysis.objects.filter(completed_at__gte=lookback, completed_at__lt=end)
    repeat_customers = dict(
        window.values_list("ticket__customer").annotate(n=Count("id")).filter(n__gt=1)
    )
    reasons: dict[int, list[str]] = {}
    for rca in rcas:
        found = []
        if rca.ticket.category_id in seen_categories:
            found.append(f"{rca.ticket.category.name} also in the previous 3 months")
        if rca.ticket.customer_id in repeat_customers:
            found.append(
                f"{repeat_customers[rca.ticket.customer_id]} root causes for "
                f"{rca.ticket.customer.name} in 4 months"
            )
        reasons[rca.pk] = found
    return reasons


def _by_category(start: datetime, end: datetime, causes: list[RootCause]) -> list[Group]:
    groups: dict[str, Group] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    escalated = (
        Escalation.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .values_list("ticket__category__name", "ticket__category__group")
        .annotate(n=Count("id"))
    )
    for name, group, n in escalated:
        groups[name] = Group(label=name, detail=group, escalations=n)
    for cause in causes:
        category = cause.rca.ticket.category
        row = groups.setdefault(category.name, Group(label=category.name, detail=category.group))
        row.root_causes += 1
        row.repeats += cause.is_repeat
        texts[category.name].append(cause.rca.root_cause)
    return _finish(groups, texts, len(causes))


def _by_tier(start: datetime, end: datetime, causes: list[RootCause]) -> list[Group]:
    """Escalations by the tier they went to; root causes by the tier the ticket reached."""
    groups = {tier: Group(label=Tier(tier).label) for tier in Tier.values if tier > Tier.L1}
    texts: dict[int, list[str]] = defaultdict(list)
    escalated = (
        Escalation.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .values_list("to_tier")
        .annotate(n=Count("id"))
    )
    for tier, n in escalated:
        groups.setdefault(tier, Group(label=Tier(tier).label)).escalations = n
    for cause in causes:
        tier = cause.rca.ticket.tier
        row = groups.setdefault(tier, Group(label=Tier(tier).label))
        row.root_causes += 1
        row.repeats += cause.is_repeat
        texts[tier].append(cause.rca.root_cause)
    return _finish(groups, texts, len(causes), keep_order=True)


def _finish(groups: dict, texts: dict, total: int, keep_order: bool = False) -> list[Group]:
    for key, row in groups.items():
        row.share = _share(row.root_causes, total)
        row.top_causes = _top(texts.get(key, []))
    rows = list(groups.values())
    if not keep_order:
        rows.sort(key=lambda g: (-g.root_causes, -g.escalations, g.label))
    return rows


def _actions(month: date, start: datetime) -> list[ActionRow]:
    """Actions raised this month, and earlier ones that were still open when it began."""
    today = timezone.localdate()
    carried = Q(review_month__lt=month) & (Q(state=ActionState.OPEN) | Q(done_at__gte=start))
    rows = PreventiveAction.objects.filter(Q(review_month=month) | carried).select_related(
        "owner", "category", "done_by", "rca__ticket"
    )
    return [
        ActionRow(action=a, overdue=a.is_overdue(today), carried_over=a.review_month < month)
        for a in rows
    ]


def rcas_of(month: date):
    """The root-cause analyses completed in the month, oldest first."""
    start, end = _midnight(month), _midnight(add_months(month, 1))
    return (
        RootCauseAnalysis.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .select_related("ticket__category", "ticket__customer", "completed_by")
        .order_by("completed_at", "id")
    )


def review_pack(month: date) -> ReviewPack:
    start, end = _midnight(month), _midnight(add_months(month, 1))
    rcas = list(rcas_of(month))
    reasons = _repeat_reasons(month, start, end, rcas)
    causes = [RootCause(rca=r, repeat_reasons=reasons[r.pk]) for r in rcas]
    escalations = Escalation.objects.filter(requested_at__gte=start, requested_at__lt=end).count()
    return ReviewPack(
        month=month,
        escalations=escalations,
        by_category=_by_category(start, end, causes),
        by_tier=_by_tier(start, end, causes),
        root_causes=causes,
        actions=_actions(month, start),
    )

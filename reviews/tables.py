"""The review pack's tables as header + rows: the CSV exports (through core.csv_export,
which neutralises formula injection in free text such as root causes and notes)."""

from collections.abc import Callable
from dataclasses import dataclass

from escalation.models import CategoryGroup

from .pack import Group, ReviewPack

Rows = tuple[list[str], list[list[object]]]


@dataclass(frozen=True)
class Table:
    title: str
    build: Callable[[ReviewPack], Rows]


def _groups(first: str, groups: list[Group], detail: bool) -> Rows:
    header = [first, *(["Group"] if detail else []), "Escalations", "Root causes", "Share %"]
    header += ["Repeats", "Top root causes"]
    rows = []
    for g in groups:
        top = "; ".join(f"{text} ({n})" for text, n in g.top_causes)
        group = [CategoryGroup(g.detail).label if g.detail else ""] if detail else []
        rows.append([g.label, *group, g.escalations, g.root_causes, g.share, g.repeats, top])
    return header, rows


def _categories(pack: ReviewPack) -> Rows:
    return _groups("Category", pack.by_category, detail=True)


def _tiers(pack: ReviewPack) -> Rows:
    return _groups("Tier", pack.by_tier, detail=False)


def _root_causes(pack: ReviewPack) -> Rows:
    header = ["Ticket", "Customer", "Category", "Tier", "Root cause", "Contributing factors"]
    header += ["Preventive actions (RCA)", "Completed", "Repeat"]
    rows: list[list[object]] = [
        [
            c.rca.ticket.reference,
            c.rca.ticket.customer.name,
            c.rca.ticket.category.name,
            f"L{c.rca.ticket.tier}",
            c.rca.root_cause,
            c.rca.contributing_factors,
            c.rca.preventive_actions,
            f"{c.rca.completed_at:%Y-%m-%d}",
            "; ".join(c.repeat_reasons),
        ]
        for c in pack.root_causes
    ]
    return header, rows


def _actions(pack: ReviewPack) -> Rows:
    header = ["Action", "Category", "From RCA", "Owner", "Due", "State", "Overdue"]
    header += ["Raised in", "Done at", "What was done"]
    rows: list[list[object]] = [
        [
            r.action.title,
            r.action.category.name,
            r.action.rca.ticket.reference if r.action.rca else "",
            r.action.owner.get_username(),
            r.action.due_date.isoformat(),
            r.action.get_state_display(),
            "yes" if r.overdue else "",
            f"{r.action.review_month:%Y-%m}",
            f"{r.action.done_at:%Y-%m-%d}" if r.action.done_at else "",
            r.action.done_note,
        ]
        for r in pack.actions
    ]
    return header, rows


TABLES: dict[str, Table] = {
    "categories": Table("Root causes by category", _categories),
    "tiers": Table("Root causes by tier", _tiers),
    "root-causes": Table("Root causes of the month", _root_causes),
    "actions": Table("Preventive actions", _actions),
}

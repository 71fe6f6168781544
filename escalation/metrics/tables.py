"""Every metrics table once, as text cells: the page shows them and CSV writes the same cells."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.choices import Tier
from core.csv_export import csv_response as export_csv

from ..models import Plan
from .figures import (
    EMPTY,
    DepartmentRow,
    Figure,
    SlaRow,
    TierRow,
    duration,
    percent,
    value_text,
)
from .report import STAY_BUCKETS
from .scope import Scope


@dataclass
class Cell:
    text: str
    href: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""

    def body_html(self) -> SafeString:
        """The table's body rows, drawn here rather than by the template: a 90-day table
        has hundreds of cells, which the template engine drew at a few dozen µs each."""
        if not self.rows:
            return format_html(
                '<tr><td colspan="{}">Nothing in this period.</td></tr>', len(self.columns)
            )
        lines = []
        for row in self.rows:
            cells = []
            for i, cell in enumerate(row):
                text: str = escape(cell.text)
                if cell.href:
                    text = f'<a href="{escape(cell.href)}" title="List these tickets">{text}</a>'
                cells.append(f'<th scope="row">{text}</th>' if i == 0 else f"<td>{text}</td>")
            lines.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("\n".join(lines))  # noqa: S308 - every text and link escaped above


def tickets_url(code: str, scope: Scope) -> str:
    """The admin ticket list showing exactly the tickets behind a figure."""
    params = {"metric": code, **{f"m_{k}": v for k, v in scope.params().items()}}
    return f"{reverse('admin:escalation_ticket_changelist')}?{urlencode(params)}"


def _count(n: int, code: str, scope: Scope) -> Cell:
    return Cell(str(n), tickets_url(code, scope) if n else "")


def _if(row, scope: Scope) -> str:
    return tickets_url(row.tickets, scope) if row.decided > row.met_count else ""


def figures_table(scope: Scope, rows: list[Figure]) -> Table:
    return Table(
        "figures",
        "Escalation figures",
        ["Metric", "Current", "Target", "Status", "Based on"],
        [
            [
                Cell(r.label),
                Cell(r.value_text, tickets_url(r.tickets, scope)),
                Cell(r.target_text),
                Cell(r.status_text),
                Cell(r.basis),
            ]
            for r in rows
        ],
        "A repeat escalation: when first escalated, the ticket was the customer's third or "
        "later escalated ticket in 30 days (the process's repeat-escalation rule: Customer "
        "Success is alerted and a senior case review asked). One ticket climbing several "
        "tiers counts once; VIP auto-escalations do not count. The L2 resolution rate counts "
        "the stays at L2 that ended in the period: resolved there, or escalated on. "
        "Automatic escalations refused: rules that fired in the period but could not move "
        "the ticket up (identity not verified, ticket closed), of all automatic escalations "
        "that fired; each was told to the ticket's owner and the leads.",
    )


def tiers_table(scope: Scope, rows: list[TierRow]) -> Table:
    return Table(
        "tiers",
        "Time spent at each tier",
        [
            "Tier",
            "Completed stays",
            "Average time",
            *[label for label, _ in STAY_BUCKETS],
            "Target",
            "Status",
        ],
        [
            [
                Cell(Tier(r.tier).label),
                _count(r.stays, r.tickets, scope),
                Cell(duration(r.average)),
                *[Cell(str(n)) for n in r.buckets],
                Cell(r.target_text),
                Cell(r.status_text),
            ]
            for r in rows
        ],
        "L1: from opening to the first hand-off or resolution. Higher tiers: from accepting "
        "the hand-off to the next hand-off or resolution.",
    )


def departments_table(scope: Scope, rows: list[DepartmentRow]) -> Table:
    return Table(
        "departments",
        "Inter-departmental response time",
        [
            "Department",
            "Requests",
            "Responded",
            "Average response",
            "Responded within commitment",
            "Commitment",
            "Status",
        ],
        [
            [
                Cell(r.name, tickets_url(r.tickets, scope)),
                Cell(str(r.requests)),
                Cell(str(r.answered)),
                Cell(duration(r.average)),
                Cell(r.within_text),
                Cell(duration(r.commitment)),
                Cell(r.status_text),
            ]
            for r in rows
        ],
        "Requests sent in the period (withdrawn ones left out); response is from the request "
        "to the department's acknowledgement or, without one, its answer, in calendar time. "
        "A department's name lists the tickets behind its requests.",
    )


def sla_table(scope: Scope, rows: list[SlaRow]) -> Table:
    return Table(
        "sla",
        "SLA attainment per target",
        [
            "Target",
            "Decided",
            "Met",
            "Attainment",
            "Goal",
            "Status",
            "Missed",
            "Tickets that missed",
            "Average business time",
            "Average calendar time",
            "Average paused time",
        ],
        [
            [
                Cell(r.label),
                Cell(str(r.decided)),
                Cell(str(r.met_count)),
                Cell(r.value_text),
                Cell(r.target_text),
                Cell(r.status_text),
                Cell(str(r.decided - r.met_count)),
                Cell("list" if r.decided > r.met_count else EMPTY, _if(r, scope)),
                Cell(duration(r.business)),
                Cell(duration(r.calendar)),
                Cell(duration(r.paused)),
            ]
            for r in rows
        ],
        "Targets started in the period that were met, missed, or are running past their "
        "deadline; a ticket can owe several (one per hand-off, per update). Times are of "
        "stopped targets; business time excludes paused time. A cancelled ticket's targets "
        "count neither way.",
    )


def series_table(key: str, title: str, first: str, chart: dict, unit: str = "") -> Table:
    """A chart's data as a table: the chart's text alternative and its CSV."""
    return Table(
        key,
        title,
        [first, *[s["label"] for s in chart["series"]]],
        [
            [Cell(label)]
            + [
                Cell(EMPTY if s["data"][i] is None else f"{s['data'][i]}{unit}")
                for s in chart["series"]
            ]
            for i, label in enumerate(chart["labels"])
        ],
    )


def customers_table(scope: Scope, rows) -> Table:
    plans = dict(Plan.choices)
    return Table(
        "customers",
        "Escalations per customer",
        [
            "Customer",
            "Company",
            "Plan",
            "VIP",
            "Tickets",
            "Escalated",
            "Escalation rate",
            "Escalated, not yet resolved",
            "Average resolution (escalated)",
            "Tickets that missed an SLA target",
            "Average CSAT",
        ],
        [
            [
                Cell(
                    r["customer__name"],
                    reverse("admin:escalation_customer_change", args=[r["customer_id"]]),
                ),
                Cell(r["customer__company"] or EMPTY),
                Cell(plans.get(r["customer__plan"], r["customer__plan"])),
                Cell("Yes" if r["customer__is_vip"] else "No"),
                Cell(str(r["tickets"])),
                Cell(str(r["escalated"])),
                Cell(value_text(percent(r["escalated"], r["tickets"]), "%")),
                Cell(str(r["still_open"])),
                Cell(duration(r["resolution"])),
                Cell(str(r["breached"])),
                Cell(EMPTY if r["csat"] is None else f"{float(r['csat']):.1f}/5"),
            ]
            for r in rows
        ],
    )


def csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as a CSV file, through the project's one CSV writer (safe cells)."""
    return export_csv(filename, table.columns, ([cell.text for cell in row] for row in table.rows))


def tier_distribution(rows: list[TierRow]) -> dict:
    """The time-at-tier chart's data: one series of stay buckets per tier."""
    return {
        "labels": [label for label, _ in STAY_BUCKETS],
        "series": [{"label": f"L{row.tier}", "data": row.buckets} for row in rows],
    }

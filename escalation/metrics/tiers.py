"""The "Tier clocks (OLA)" metrics page: how each tier and each team kept to the escalation
matrix's time for its tier (001 Escalation Matrix), over a period.

A stay counts in the period its tier clock started. A breach is counted against the tier
and team that held the ticket when its clock ran out (`escalation.tier_clocks`), so L1
handing over in time is never blamed for L2's breach. Time held is business time with
time paused waiting on the customer left out, of completed stays; "% within target" is
of the stays decided (met, or breached even if still held). A tier "on request" runs no
clock and has no target, so its stays do not appear here.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from core.choices import Priority, Tier
from sla.models import EscalationMatrixRow

from ..models import Ticket
from ..models.metrics import PERCENT as PERCENT_UNIT
from ..tier_clocks import MET, TierStay, period_tier_stays, stays_by
from .figures import EMPTY, duration, percent, value_text
from .scope import Scope, scope_from
from .tables import Cell, Table, csv_response
from .views import _allowed, _page


@dataclass(frozen=True)
class OlaRow:
    """One tier's or team's stays in the period, summed up."""

    name: str
    stays: int = 0
    completed: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None
    breaches: int = 0
    met: int = 0
    decided: int = 0

    @property
    def within(self) -> float | None:
        """Percent of decided stays within target (None: nothing decided yet)."""
        return percent(self.met, self.decided)


def nearest_rank(ordered: list[timedelta], p: float) -> timedelta | None:
    """The p-th percentile by nearest rank (a value some stay really took), or None."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(name: str, stays: list[TierStay]) -> OlaRow:
    held = sorted(s.used for s in stays if s.used is not None and s.decided)
    return OlaRow(
        name=name,
        stays=len(stays),
        completed=len(held),
        median=nearest_rank(held, 50),
        p90=nearest_rank(held, 90),
        breaches=sum(s.breached for s in stays),
        met=sum(s.outcome == MET for s in stays),
        decided=sum(s.decided for s in stays),
    )


def tier_rows(stays: list[TierStay]) -> list[tuple[int, OlaRow]]:
    """Every tier, in order: one with no stays reads zeros, never an error or a gap."""
    grouped = stays_by(stays, lambda s: s.tier)
    return [(tier.value, summarise(tier.label, grouped.get(tier.value, []))) for tier in Tier]


def team_rows(stays: list[TierStay]) -> list[OlaRow]:
    """The teams that held tickets in the period, by name."""
    grouped = stays_by(stays, lambda s: s.team)
    return [summarise(team, grouped[team]) for team in sorted(grouped)]


def matrix_targets() -> dict[int, str]:
    """Each tier's allowed time per priority, as the matrix says it now."""
    cells: dict[int, dict[str, str]] = {}
    for row in EscalationMatrixRow.objects.all():
        text = "on request" if row.max_time is None else duration(row.max_time)
        cells.setdefault(row.tier, {})[row.priority] = text
    return {
        tier: " · ".join(
            f"{label} {cells[tier][p]}" for p, label in Priority.choices if p in cells[tier]
        )
        or EMPTY
        for tier in Tier.values
        if tier in cells
    }


def _cells(row: OlaRow) -> list[Cell]:
    return [
        Cell(str(row.stays)),
        Cell(str(row.completed)),
        Cell(duration(row.median)),
        Cell(duration(row.p90)),
        Cell(str(row.breaches)),
        Cell(value_text(row.within, PERCENT_UNIT)),
    ]


FIGURE_COLUMNS = [
    "Stays",
    "Completed",
    "Median time held",
    "90th percentile",
    "Breaches attributed",
    "Within target",
]


def tiers_table(rows: list[tuple[int, OlaRow]], targets: dict[int, str]) -> Table:
    return Table(
        "tiers",
        "Tier clocks per tier",
        ["Tier", *FIGURE_COLUMNS, "Matrix target"],
        [[Cell(r.name), *_cells(r), Cell(targets.get(tier, EMPTY))] for tier, r in rows],
        "Stays whose tier clock started in the period. Time held: business time of completed "
        "stays, time waiting on the customer left out. A breach counts against the tier "
        "that held the ticket when its time ran out; within target is of the stays met or "
        "breached (a stay still held counts once it is past its target).",
    )


def teams_table(rows: list[OlaRow]) -> Table:
    return Table(
        "teams",
        "Tier clocks per team",
        ["Team", *FIGURE_COLUMNS],
        [[Cell(r.name), *_cells(r)] for r in rows],
        "The team is the one the hand-off to the tier named, else the tier's own team "
        "(L1: Frontline Support); a ticket returned to a tier goes back to the team that "
        "held it there.",
    )


def ola_tables(scope: Scope) -> list[Table]:
    """Both tables of the page, in a fixed number of queries whatever the stays."""
    tickets = Ticket.objects.filter(scope.ticket_q()) if scope.has_ticket_filters else None
    stays = period_tier_stays(scope.start, scope.end, tickets)
    return [tiers_table(tier_rows(stays), matrix_targets()), teams_table(team_rows(stays))]


@require_GET
def tier_clocks(request) -> HttpResponse:
    """Per tier and per team: stays, time held, breaches attributed, % within target."""
    _allowed(request)
    scope, form = scope_from(request.GET)
    context: dict = {"form": form, "scope": scope}
    if scope is not None:
        tables = {table.key: table for table in ola_tables(scope)}
        export = request.GET.get("export")
        if export in tables:
            return csv_response(
                tables[export],
                f"tier-clocks-{export}-{scope.start:%Y%m%d}-{scope.last_day:%Y%m%d}",
            )
        if export:
            form.add_error(None, "There is no such table to export.")
            context["scope"] = None
        else:
            context.update(tables=tables, query=urlencode(scope.params()))
    return _page(request, "admin/metrics/tier_clocks.html", "Tier clocks (OLA)", **context)

"""What a figure is and how it reads: its value, its target, its status, in words.

Kept apart from the queries (`report`, `cohorts`) so the dashboard's wording can be read
and tested without a database, and so the page and its CSV (`tables`) say the same.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from core.formatting import DECIMAL, duration_text

from ..models import UNITS, Metric, MetricTarget
from ..models.metrics import HOURS, PERCENT

EMPTY = "—"

# A duration on the metrics pages: one decimal in the unit a lead compares ('3.2 h').
duration = partial(duration_text, style=DECIMAL, empty=EMPTY)


def hours(delta: timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 3600


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return EMPTY
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == HOURS:
        return duration(timedelta(hours=value))
    return f"{value:.2f}/5"


def status_text(*, has_target: bool, has_value: bool, met: bool | None) -> str:
    """The dashboard's Status column, in words and a mark (never colour alone)."""
    if not has_target:
        return EMPTY
    if not has_value:
        return "No data"
    return "✓ On target" if met else "✗ Off target"


def targets() -> dict[str, MetricTarget]:
    return {t.metric: t for t in MetricTarget.objects.all()}


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
        return value_text(self.value, UNITS[Metric(self.metric)])


@dataclass
class Figure(Judged):
    label: str = ""
    basis: str = ""  # what the figure was computed over, e.g. "42 of 300 tickets"
    tickets: str = ""  # the code of the tickets behind it (cohorts.tickets_behind)


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
            return EMPTY
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

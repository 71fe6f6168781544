"""Targets for the escalation metrics: data a lead edits, seeded from the process documents."""

from django.core.exceptions import ValidationError
from django.db import models

from core.history import AuditedHistory


class Metric(models.TextChoices):
    """Every figure that can carry a target; the unit is fixed per figure (see UNITS)."""

    ESCALATION_RATE = "escalation_rate", "Escalation rate"
    TIME_TO_ESCALATE = "time_to_escalate", "Average time to escalate"
    ESCALATED_RESOLUTION_TIME = "escalated_resolution_time", "Resolution time of escalated tickets"
    L2_RESOLUTION_RATE = "l2_resolution_rate", "L2 resolution rate"
    CSAT_ESCALATED = "csat_escalated", "Customer satisfaction (escalated)"
    REPEAT_ESCALATIONS = "repeat_escalations", "Repeat escalations"
    FIRST_LEVEL_POSSIBLE = "first_level_possible", "Escalations solvable at the first level"
    HANDOFFS_RETURNED = "handoffs_returned", "Hand-offs returned as incomplete"
    AUTO_ESCALATIONS_REFUSED = "auto_escalations_refused", "Automatic escalations refused"
    TIME_AT_L1 = "time_at_l1", "Time at L1"
    TIME_AT_L2 = "time_at_l2", "Time at L2"
    TIME_AT_L3 = "time_at_l3", "Time at L3"
    TIME_AT_L4 = "time_at_l4", "Time at L4"
    SLA_FIRST_RESPONSE = "sla_first_response", "SLA attainment: first response"
    SLA_NEXT_UPDATE = "sla_next_update", "SLA attainment: customer update"
    SLA_RESOLUTION = "sla_resolution", "SLA attainment: resolution"
    SLA_ACKNOWLEDGEMENT = "sla_acknowledgement", "SLA attainment: acknowledgement"


PERCENT, HOURS, SCORE = "%", "h", "/5"
UNITS = {
    Metric.ESCALATION_RATE: PERCENT,
    Metric.TIME_TO_ESCALATE: HOURS,
    Metric.ESCALATED_RESOLUTION_TIME: HOURS,
    Metric.L2_RESOLUTION_RATE: PERCENT,
    Metric.CSAT_ESCALATED: SCORE,
    Metric.REPEAT_ESCALATIONS: PERCENT,
    Metric.FIRST_LEVEL_POSSIBLE: PERCENT,
    Metric.HANDOFFS_RETURNED: PERCENT,
    Metric.AUTO_ESCALATIONS_REFUSED: PERCENT,
    Metric.TIME_AT_L1: HOURS,
    Metric.TIME_AT_L2: HOURS,
    Metric.TIME_AT_L3: HOURS,
    Metric.TIME_AT_L4: HOURS,
    Metric.SLA_FIRST_RESPONSE: PERCENT,
    Metric.SLA_NEXT_UPDATE: PERCENT,
    Metric.SLA_RESOLUTION: PERCENT,
    Metric.SLA_ACKNOWLEDGEMENT: PERCENT,
}


class Comparison(models.TextChoices):
    BELOW = "lt", "below"
    ABOVE = "gt", "above"
    AT_MOST = "lte", "at most"
    AT_LEAST = "gte", "at least"


_SYMBOLS = {"lt": "<", "gt": ">", "lte": "≤", "gte": "≥"}


class MetricTarget(models.Model):
    metric = models.CharField(max_length=40, choices=Metric.choices, unique=True)
    comparison = models.CharField(max_length=3, choices=Comparison.choices)
    value = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        help_text="In the figure's unit: percent for rates, hours for times, 1-5 for CSAT.",
    )

    history = AuditedHistory()

    class Meta:
        ordering = ["metric"]
        permissions = [("view_metrics", "Can view the escalation metrics")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.describe()}"

    @property
    def unit(self) -> str:
        return UNITS[Metric(self.metric)]

    def describe(self) -> str:
        """The target as the seed's dashboard writes it, e.g. '< 15%' or '> 4.0/5'."""
        value = f"{self.value:.1f}" if self.unit == SCORE else f"{self.value.normalize():f}"
        unit = " h" if self.unit == HOURS else self.unit
        return f"{_SYMBOLS[self.comparison]} {value}{unit}"

    def is_met(self, figure: float | None) -> bool | None:
        if figure is None:
            return None
        value = float(self.value)
        return {
            "lt": figure < value,
            "gt": figure > value,
            "lte": figure <= value,
            "gte": figure >= value,
        }[self.comparison]

    def clean(self) -> None:
        if self.metric and self.value is not None:
            unit = UNITS.get(Metric(self.metric))
            if unit == PERCENT and not 0 <= self.value <= 100:
                raise ValidationError({"value": "A rate target is a percentage from 0 to 100."})
            if unit == SCORE and not 1 <= self.value <= 5:
                raise ValidationError({"value": "A CSAT target is a score from 1 to 5."})
            if unit == HOURS and self.value <= 0:
                raise ValidationError({"value": "A time target is a positive number of hours."})

"""Daily rollups of the metrics dashboard (issue 18): per local day and per ticket filter
(category, and through it the team; priority; the customer's plan) the additive counts
and sums every dashboard figure is made of, so a period reads a few hundred small rows
instead of every ticket, hand-off and SLA target of the period.

Written only by `escalation.metrics.rollup` (delete and insert a day in one transaction);
a day counts as rolled up while its `RollupDay` is built and not stale. Today is never
rolled up: the dashboard computes it live. Durations are sums; averages are sum / count.
"""

from django.db import models

from .categories import Category


class RollupDay(models.Model):
    """A day whose rollups are built; stale when something changed its figures since."""

    day = models.DateField(unique=True)
    built_at = models.DateTimeField()
    stale = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, help_text="When it was last marked stale.")

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} ({'stale' if self.stale else 'built'})"


class RollupLevel(models.IntegerChoices):
    """Which filters a row is split by: a page with no filter reads one row a day, one
    filtered by a single dimension that dimension's rows, a combination the full split."""

    ALL = 0, "All tickets"
    CATEGORY = 1, "Per category (and so per team)"
    PRIORITY = 2, "Per priority"
    PLAN = 3, "Per plan"
    FULL = 4, "Per category, priority and plan"


class RollupRow(models.Model):
    """The day and the filters the dashboard offers (a team is a set of categories); a
    dimension the row's level does not split by is empty."""

    day = models.DateField()
    level = models.PositiveSmallIntegerField(choices=RollupLevel.choices, default=RollupLevel.FULL)
    category = models.ForeignKey(Category, null=True, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=10, blank=True)
    plan = models.CharField(max_length=20, blank=True)

    class Meta:
        abstract = True


class TicketRollup(RollupRow):
    """Tickets opened that day (cancelled ones never count)."""

    total = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    to_escalate_n = models.PositiveIntegerField(default=0)
    to_escalate_sum = models.DurationField(null=True)
    resolved = models.PositiveIntegerField(default=0)
    resolution_n = models.PositiveIntegerField(default=0)
    resolution_sum = models.DurationField(null=True)
    csat_n = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(null=True)
    repeat = models.PositiveIntegerField(default=0)
    flp_base = models.PositiveIntegerField(default=0)
    flp = models.PositiveIntegerField(default=0)
    l1_n = models.PositiveIntegerField(default=0)
    l1_sum = models.DurationField(null=True)
    l1_b0 = models.PositiveIntegerField(default=0)
    l1_b1 = models.PositiveIntegerField(default=0)
    l1_b2 = models.PositiveIntegerField(default=0)
    l1_b3 = models.PositiveIntegerField(default=0)
    l1_b4 = models.PositiveIntegerField(default=0)
    l1_b5 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["level", "day"], name="ticket_rollup_level_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.priority} {self.plan}"


class HandoffRollup(RollupRow):
    """Hand-offs requested that day, per tier reached, state and automatic or not."""

    to_tier = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20)
    automatic = models.BooleanField(default=False)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["level", "day"], name="handoff_rollup_level_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.priority} {self.plan}"


class StayRollup(RollupRow):
    """Finished stays above L1 whose hand-off was accepted that day, per tier."""

    to_tier = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField(default=0)
    resolved_here = models.PositiveIntegerField(default=0)
    stay_sum = models.DurationField(null=True)
    b0 = models.PositiveIntegerField(default=0)
    b1 = models.PositiveIntegerField(default=0)
    b2 = models.PositiveIntegerField(default=0)
    b3 = models.PositiveIntegerField(default=0)
    b4 = models.PositiveIntegerField(default=0)
    b5 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["level", "day"], name="stay_rollup_level_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.priority} {self.plan}"


class ClockRollup(RollupRow):
    """Decided SLA targets of tickets that started that day, per kind."""

    kind = models.CharField(max_length=20)
    n = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    business = models.DurationField(null=True)
    calendar = models.DurationField(null=True)
    paused = models.DurationField(null=True)

    class Meta:
        indexes = [models.Index(fields=["level", "day"], name="clock_rollup_level_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.priority} {self.plan}"


class RefusalRollup(RollupRow):
    """Automatic escalations refused that day."""

    n = models.PositiveIntegerField(default=0)
    verification = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["level", "day"], name="refusal_rollup_level_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.priority} {self.plan}"

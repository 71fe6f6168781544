"""Preventive actions agreed in the monthly escalation review (003 "Monthly escalation review
meeting", 004 "Analyze data on escalations to identify common issues and implement
preventive measures"): each has an owner and a due date and is tracked until done."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.history import AuditedHistory
from core.validators import LATEST


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class PreventiveAction(models.Model):
    """One measure against a root cause, raised in the review of `review_month`.

    It hangs on the root-cause analysis it came from, or on a category when it answers a
    pattern rather than one case. An open action is carried into every later month's
    review until it is done; done needs a note of what was done (who and when come from
    `done_by`/`done_at` and the history row).
    """

    title = models.CharField(max_length=200)
    review_month = models.DateField(help_text="First day of the month of the review.")
    category = models.ForeignKey(
        "escalation.Category", on_delete=models.PROTECT, related_name="preventive_actions"
    )
    rca = models.ForeignKey(
        "escalation.RootCauseAnalysis",
        verbose_name="root-cause analysis",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="preventive_measures",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="preventive_actions"
    )
    due_date = models.DateField()
    state = models.CharField(max_length=10, choices=ActionState.choices, default=ActionState.OPEN)
    done_note = models.TextField("what was done", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            # Done always says what was done and when; open never carries a stale "done".
            models.CheckConstraint(
                condition=(
                    Q(state=ActionState.OPEN, done_at__isnull=True, done_note="")
                    | (Q(state=ActionState.DONE, done_at__isnull=False) & ~Q(done_note=""))
                ),
                name="preventive_action_done_has_note",
            ),
            models.CheckConstraint(
                condition=Q(due_date__lte=LATEST) & Q(due_date__gte=date(1970, 1, 1)),
                name="preventive_action_due_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "review_month"], name="preventive_action_open_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.state == ActionState.OPEN and self.due_date < today

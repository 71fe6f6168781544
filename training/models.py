"""New hires learning to escalate (003 "Training & Resources": week 1 procedures overview,
week 2 shadow escalations, week 3 supervised escalations, week 4 independent with review).

A `Trainee` is an agent with a mentor and a start date; the stage is computed from the
date, never stored, so nobody has to move anyone on each Monday. Until the review week
their hand-offs and emails to customers are `HeldAction`s waiting for the mentor; in the
review week they take effect and a `ReviewEntry` lands in the mentor's list.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.history import AuditedHistory
from core.validators import validate_sane_date
from escalation.holds import CUSTOMER_MESSAGE, HANDOFF


class Stage(models.TextChoices):
    # Weeks 1-2 cannot be "only watch" in a tool where the trainee works real tickets: the
    # safe reading is that everything they would send waits for the mentor, as in week 3.
    NOT_STARTED = "not_started", "Not started yet"
    OVERVIEW = "overview", "Week 1: escalation procedures overview"
    SHADOW = "shadow", "Week 2: shadow escalations"
    SUPERVISED = "supervised", "Week 3: supervised escalations"
    REVIEW = "review", "Week 4: independent with review"
    INDEPENDENT = "independent", "Independent"


# Stages whose hand-offs and customer emails wait for the mentor before they take effect.
HOLDING_STAGES = frozenset({Stage.NOT_STARTED, Stage.OVERVIEW, Stage.SHADOW, Stage.SUPERVISED})
WEEKS = [Stage.OVERVIEW, Stage.SHADOW, Stage.SUPERVISED, Stage.REVIEW]


def stage_on(start: date, day: date) -> Stage:
    """003's four weeks from the start date: days 0-6, 7-13, 14-20, 21-27; then independent."""
    days = (day - start).days
    if days < 0:
        return Stage.NOT_STARTED
    week = days // 7
    return WEEKS[week] if week < len(WEEKS) else Stage.INDEPENDENT


class Kind(models.TextChoices):
    HANDOFF = HANDOFF, "Hand-off to the next tier"
    CUSTOMER_MESSAGE = CUSTOMER_MESSAGE, "Email to the customer"


class Trainee(models.Model):
    """An agent in training; directory admins or leads keep these in the admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentees"
    )
    start_date = models.DateField(
        validators=[validate_sane_date], help_text="Day 1 of week 1 (003 'New hire training')."
    )
    note = models.CharField(max_length=500, blank=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user=models.F("mentor")), name="trainee_not_own_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} (mentor {self.mentor})"

    def clean(self) -> None:
        if self.user_id and self.user_id == self.mentor_id:
            raise ValidationError({"mentor": "A trainee cannot be their own mentor."})

    @property
    def stage(self) -> Stage:
        return stage_on(self.start_date, timezone.localdate())

    def get_stage_display(self) -> str:
        return str(self.stage.label)


class HeldState(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    EDITED = "edited", "Edited and sent"
    SENT_BACK = "sent_back", "Sent back"


class HeldAction(models.Model):
    """A trainee's hand-off or customer email that has not taken effect: the service's
    arguments (`payload`, JSON) wait for the mentor to approve, edit or send it back."""

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="held_actions")
    ticket = models.ForeignKey(
        "escalation.Ticket", on_delete=models.PROTECT, related_name="held_actions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    payload = models.JSONField(help_text="The arguments the service runs with once approved.")
    original = models.JSONField(help_text="What the trainee wrote (kept when edited).")
    state = models.CharField(max_length=20, choices=HeldState.choices, default=HeldState.PENDING)
    note = models.TextField(blank=True, help_text="The mentor's note or reason.")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["trainee", "state"], name="training_held_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id} by {self.trainee_id}"

    @property
    def is_pending(self) -> bool:
        return self.state == HeldState.PENDING

    @property
    def text(self) -> str:
        """The words that matter to the reviewer: why escalating, or the email's body."""
        return str(self.payload.get(self._text_key, ""))

    @property
    def original_text(self) -> str:
        """The same, as the trainee wrote it (before any edit)."""
        return str(self.original.get(self._text_key, ""))

    @property
    def _text_key(self) -> str:
        return "reason" if self.kind == Kind.HANDOFF else "body"


class ReviewEntry(models.Model):
    """A review-week action that already took effect, for the mentor to look over."""

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="review_entries")
    ticket = models.ForeignKey(
        "escalation.Ticket", on_delete=models.PROTECT, related_name="training_reviews"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(help_text="Why escalating, or the email sent.")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, help_text="The mentor's note.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "review entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id} by {self.trainee_id}"

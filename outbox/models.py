"""The outbox: every message the product sends is a row first, delivered after commit."""

from django.db import models
from django.utils import timezone
from django_fsm import FSMModelMixin, transition

from core.fields import StateField
from core.history import AuditedHistory


class OutboxMessage(FSMModelMixin, models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        CHAT = "chat", "Chat channel"
        WEBHOOK = "webhook", "Signed webhook"
        JIRA = "jira", "Jira issue"
        PAGERDUTY = "pagerduty", "PagerDuty event"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    # One row per (event, recipient): the same event can never send twice.
    event_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(
        max_length=254, help_text="Email address, chat channel, webhook subscriber or Jira project."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Extra email headers (name -> value), e.g. the ticket thread's Message-ID, In-Reply-To,
    # References and Reply-To (outbox.threading). Stored on the row, not computed at send,
    # so every attempt and every re-send carries the same ones.
    headers = models.JSONField(default=dict, blank=True)
    state = StateField(default=State.PENDING, choices=State.choices, protected=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # Why a message waits although nothing failed: its person is off duty (outbox.hours).
    held_for = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    # The tables keep the names they had when the outbox lived in `core`.
    history = AuditedHistory(table_name="core_historicaloutboxmessage")

    class Meta:
        verbose_name = "outbox message"
        db_table = "core_outboxmessage"
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outboxmessage", "Can re-send an outbox message")]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="outbox_one_message_per_event_recipient"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient}: {self.subject}"

    @transition(field=state, source=State.PENDING, target=State.SENT)
    def mark_sent(self) -> None:
        pass

    @transition(field=state, source=State.PENDING, target=State.PENDING)
    def record_failure(self) -> None:
        pass

    @transition(field=state, source=State.PENDING, target=State.FAILED)
    def give_up(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.SENT, State.FAILED],
        target=State.PENDING,
        permission="outbox.resend_outboxmessage",
    )
    def resend(self) -> None:
        pass

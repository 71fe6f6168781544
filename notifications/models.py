"""In-app notifications: what a person should look at, shown by the bell on the desk."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    HANDOFF_WAITING = "handoff_waiting", "Hand-off waiting for your tier"
    HANDOFF_ACCEPTED = "handoff_accepted", "Your hand-off was accepted"
    HANDOFF_RETURNED = "handoff_returned", "Your hand-off was returned"
    VERIFICATION_APPROVED = "verification_approved", "Verification approved"
    VERIFICATION_REJECTED = "verification_rejected", "Verification rejected"
    DEPARTMENT_ANSWERED = "department_answered", "A department answered"
    SLA_BREACHED = "sla_breached", "SLA breached on your ticket"
    APPROVAL_WAITING = "approval_waiting", "A four-eyes request waits for approval"
    APPROVAL_DECIDED = "approval_decided", "Your four-eyes request was decided"


class Notification(models.Model):
    """One line for one person, about one event (`key`): the same event never twice.

    No history table: a notification repeats an event whose record already has its
    history, and reading it changes nothing in the process (the audit trail would only
    fill with "read" rows). Every write still goes through `notifications.services`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, help_text="Where the notification leads (a path).")
    key = models.CharField(max_length=200, help_text="The event, unique per recipient.")
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once_per_event_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

"""Integration tokens and remembered idempotent requests.

A token belongs to a service account: a user without a password in one role group, so
an integration is scoped and refused exactly like a person of that role, and every
change it makes is in the history under its own name. Only a SHA-256 of the token is
kept; the token itself is shown once, when it is issued.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.history import AuditedHistory


class IntegrationToken(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="The system that uses it.")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration_token"
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = AuditedHistory(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key`: the answer it got, replayed for a retry."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class WebhookEvent(models.TextChoices):
    """What a subscriber can hear, named `<resource>.<what happened>`."""

    TICKET_CREATED = "ticket.created", "Ticket created"
    TICKET_ESCALATED = "ticket.escalated", "Ticket escalated (hand-off requested)"
    TICKET_ACCEPTED = "ticket.accepted", "Hand-off accepted"
    TICKET_RETURNED = "ticket.returned", "Hand-off returned as incomplete"
    TICKET_RESOLVED = "ticket.resolved", "Ticket resolved"
    SLA_WARNING = "sla.warning", "SLA target nearly used up"
    SLA_BREACHED = "sla.breached", "SLA target missed"
    DEPARTMENT_REQUESTED = "department_request.opened", "Department asked for help"
    DEPARTMENT_ANSWERED = "department_request.answered", "Department answered"
    INCIDENT_DECLARED = "incident.declared", "Major incident declared"
    INCIDENT_RESOLVED = "incident.resolved", "Major incident resolved"


class WebhookSubscriber(models.Model):
    """A system told of events by signed POSTs (Standard Webhooks), through the outbox:
    retried with back-off up to the outbox's attempt limit, each delivery in its log."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=254, help_text="Where to POST the events (https).")
    events = models.JSONField(default=list, help_text="Event types to send.")
    secret = models.CharField(
        max_length=100, editable=False, help_text="whsec_…: the receiver verifies signatures."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = AuditedHistory(excluded_fields=["secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient(self) -> str:
        """How the outbox names this subscriber (its messages' recipient)."""
        return f"webhook:{self.pk}"


class HelpdeskKind(models.TextChoices):
    """How a source signs its calls and shapes its payloads (api.inbound)."""

    ZENDESK = "zendesk", "Zendesk"
    FRESHDESK = "freshdesk", "Freshdesk"
    GENERIC = "generic", "Generic JSON (Standard Webhooks)"


class HelpdeskSource(models.Model):
    """An upstream helpdesk that pushes tickets and customer messages to
    `/api/v1/inbound/<slug>/`. Its writes are made by its own service account (role
    Helpdesk integration), so they are refused and recorded like a person's."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=HelpdeskKind.choices)
    slug = models.SlugField(max_length=50, unique=True, help_text="The last part of the URL.")
    # Kept in clear because verifying a signature needs it; never in the history.
    secret = models.CharField(max_length=200)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="helpdesk_source"
    )
    default_category = models.ForeignKey(
        "escalation.Category",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For new tickets whose payload names no category (by its code).",
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Owns new tickets unless the payload names an assignee who is an agent here.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = AuditedHistory(excluded_fields=["secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryOutcome(models.TextChoices):
    CREATED = "created", "Ticket created"
    UPDATED = "updated", "Ticket updated"
    MESSAGE = "message", "Message appended"
    UNCHANGED = "unchanged", "Nothing to change"
    DUPLICATE = "duplicate", "Duplicate (dropped)"
    REFUSED = "refused", "Refused by the rules"
    REJECTED = "rejected", "Rejected (signature or input)"


class InboundDelivery(models.Model):
    """One call received from a source, and what came of it. `delivery_key` is set only on
    calls that were processed, so a retry of one is dropped (unique per source) while a
    rejected call does not block the good retry that follows it."""

    source = models.ForeignKey(HelpdeskSource, on_delete=models.CASCADE, related_name="deliveries")
    received_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(max_length=200, blank=True, help_text="The sender's id.")
    delivery_key = models.CharField(max_length=100, null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=DeliveryOutcome.choices)
    detail = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey(
        "escalation.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "inbound deliveries"
        constraints = [
            models.UniqueConstraint(fields=["source", "delivery_key"], name="inbound_delivery_once")
        ]
        indexes = [models.Index(fields=["source", "-received_at"], name="inbound_newest")]

    def __str__(self) -> str:
        return f"{self.source} {self.received_at:%Y-%m-%d %H:%M} {self.outcome}"

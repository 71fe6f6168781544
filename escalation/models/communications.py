"""Every contact with the customer and every internal note, and the templates for them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.history import AuditedHistory

from .tickets import Ticket

# The only values a template can reach: rendering substitutes these names and nothing
# else (no attribute access, no filters), so an author cannot read other data.
PLACEHOLDERS = {
    "customer_name": "Customer's name",
    "customer_company": "Customer's company",
    "ticket_reference": "Ticket reference (ESC-000123)",
    "ticket_subject": "Ticket subject",
    "owner_name": "Current owner's name",
    "agent_name": "Name of the person sending",
    "team_name": "Team the ticket is with",
    "timeframe": "When they will hear back (e.g. within 4 hours)",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def template_placeholders(text: str) -> set[str]:
    return {m.strip() for m in _PLACEHOLDER.findall(text or "")}


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace {name} with its value; unknown names were refused when the template was saved."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1).strip(), m.group(0))), text)


class CommunicationTemplate(models.Model):
    class Purpose(models.TextChoices):
        CUSTOMER = "customer", "To the customer"
        INTERNAL = "internal", "Internal"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        help_text="Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    )
    is_active = models.BooleanField(default=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = template_placeholders(self.subject) | template_placeholders(self.body)
        unknown -= set(PLACEHOLDERS)
        if unknown:
            names = ", ".join("{" + u + "}" for u in sorted(unknown))
            raise ValidationError(
                {
                    "body": f"Unknown placeholder(s) {names}. Use only: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    + "."
                }
            )


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the customer"
    OUTBOUND = "outbound", "To the customer"
    INTERNAL = "internal", "Internal note"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Portal"
    INTERNAL = "internal", "Internal"


class Communication(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="communications")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for messages from the customer.",
    )
    template = models.ForeignKey(
        CommunicationTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # 003 "Angry/Frustrated Customers" signs, marked by the agent on inbound messages.
    is_complaint = models.BooleanField("complaint", default=False)
    asked_for_manager = models.BooleanField(default=False)
    threatened_to_leave = models.BooleanField(default=False)
    public_review = models.BooleanField("posted a negative public review", default=False)

    history = AuditedHistory()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="communication_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} ({self.get_channel_display()})"

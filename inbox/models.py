"""Every email that came in, once: attached to its ticket, or held until a lead decides.

A row per message (unique on its Message-ID, or a hash of its content when it has none)
is what makes a provider's retries harmless, and what shows, for a customer message on a
ticket, that it came by email and from which address. Nothing is ever dropped: what
cannot be attached by itself is held, with the reason, for a lead to attach or dismiss.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMModelMixin, transition

from core.fields import StateField
from core.history import AuditedHistory
from escalation.models import Communication, Ticket

REVIEW = "inbox.review_inboundemail"

# Bounds on what is kept of one email (the provider may send anything).
MAX_TEXT = 20_000  # the reply as it goes on the ticket
MAX_ORIGINAL = 100_000  # the whole text, quotes included, for the reviewer
MAX_RECIPIENTS = 20


class InboundEmail(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        HELD = "held", "Held for review"
        ATTACHED = "attached", "Attached to a ticket"
        DISMISSED = "dismissed", "Dismissed"

    class Reason(models.TextChoices):
        NO_TICKET = "no_ticket", "No ticket: no reply address or thread of ours"
        WRONG_SENDER = "wrong_sender", "Sender is not the ticket's customer"
        TICKET_CLOSED = "ticket_closed", "The ticket is closed or cancelled"
        NO_TEXT = "no_text", "No readable text"
        AUTOMATIC = "automatic", "Automatic reply (out of office, bounce, list)"
        SPAM = "spam", "Marked as spam by the email provider"
        REFUSED = "refused", "The ticket refused the message"

    # sha256 of the Message-ID (or of the content when there is none): retries match.
    dedupe_key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    esp = models.CharField("provider", max_length=40, blank=True)
    sender = models.CharField(max_length=254, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(
        blank=True, help_text="The reply with quoted text removed: what goes on the ticket."
    )
    original = models.TextField(
        blank=True, help_text="The whole text as received (bounded), quotes included."
    )
    state = StateField(default=State.HELD, choices=State.choices, protected=True)
    reason = models.CharField("why held", max_length=20, choices=Reason.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    communication = models.OneToOneField(
        Communication, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "inbound email"
        ordering = ["-received_at", "-id"]
        permissions = [("review_inboundemail", "Can attach or dismiss held inbound email")]
        indexes = [models.Index(fields=["state", "-received_at"], name="inbox_state_received_idx")]

    def __str__(self) -> str:
        return f"Email from {self.sender or '(no sender)'}: {self.subject or '(no subject)'}"

    @transition(field=state, source=State.HELD, target=State.ATTACHED, permission=REVIEW)
    def attach(self) -> None:
        pass

    @transition(field=state, source=State.HELD, target=State.DISMISSED, permission=REVIEW)
    def dismiss(self) -> None:
        pass

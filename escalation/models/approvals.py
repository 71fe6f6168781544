"""Four-eyes approvals (issue 17): SLA-critical actions wait for a second person.

Like the high-risk verification approval (003), an action that relaxes what the customer
was promised (re-applying or overriding a ticket's SLA, pausing its clocks outside the
policy's reasons, lowering its priority, closing an escalated ticket the customer has not
confirmed) is recorded as a request; a second person with the approve permission, never
the requester, approves it (the action then runs) or rejects it (nothing changes).
Which actions need it is data: one `ApprovalRule` row per kind, edited by leads.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.history import AuditedHistory

from .tickets import Ticket

APPROVE_PERMISSION = "escalation.approve_approvalrequest"


class ApprovalKind(models.TextChoices):
    SLA_REAPPLY = "sla_reapply", "Override or re-apply a ticket's SLA"
    CLOCK_PAUSE = "clock_pause", "Pause SLA clocks outside the policy's reasons"
    PRIORITY_DOWNGRADE = "priority_downgrade", "Lower a ticket's priority"
    CLOSE_UNCONFIRMED = "close_unconfirmed", "Close an escalated ticket without confirmation"


class ApprovalRule(models.Model):
    """Whether one kind of action needs a second person's approval (leads switch it)."""

    kind = models.CharField(max_length=30, choices=ApprovalKind.choices, unique=True)
    enabled = models.BooleanField(
        default=True, help_text="Off: the action takes effect at once, without approval."
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "approval rule"
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'approval needed' if self.enabled else 'off'}"


class ApprovalState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApprovalRequest(models.Model):
    """One gated action waiting for (or decided by) a second person.

    `change` holds what the requester asked for, as the service's own arguments (JSON),
    so an approval runs exactly that and nothing else.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=30, choices=ApprovalKind.choices)
    change = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300, help_text="The change, in words.")
    reason = models.TextField(blank=True)
    state = models.CharField(
        max_length=20, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "approval request"
        ordering = ["-requested_at", "-pk"]
        permissions = [("approve_approvalrequest", "Can approve or reject four-eyes requests")]
        indexes = [models.Index(fields=["state", "requested_at"], name="approval_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending")
                | (models.Q(decided_by__isnull=False) & models.Q(decided_at__isnull=False)),
                name="approval_decided_has_decider",
            )
        ]

    def __str__(self) -> str:
        return f"Approval #{self.pk}: {self.summary}"

    @property
    def is_pending(self) -> bool:
        return self.state == ApprovalState.PENDING

"""Identity verification before sensitive actions (003 "Identity Verification Requirements").

We record THAT a factor matched, how it was checked, by whom and when; never the
secret itself (no card digits, amounts, dates or ID images): there is no free-text
field a secret could be typed into. The subject (a customer, optionally a ticket)
is referenced generically, because this app never imports `escalation`.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_fsm import transition

from core.choices import RiskLevel
from core.fields import ConcurrentStates, StateField
from core.history import AuditedHistory

RISK_ORDER = {RiskLevel.NONE: 0, RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class SensitiveAction(models.Model):
    """What a customer asks for, and the risk level it needs (editable by leads)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    risk_level = models.CharField(
        max_length=10, choices=[c for c in RiskLevel.choices if c[0] != RiskLevel.NONE]
    )
    is_active = models.BooleanField(default=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["risk_level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_risk_level_display()})"


class FactorKind(models.TextChoices):
    EMAIL_CONTROL = "email_control", "Control of account email"
    USERNAME_ACTIVITY = "username_activity", "Username and recent activity"
    PAYMENT_LAST4 = "payment_last4", "Last 4 digits of payment method"
    RECENT_TRANSACTION = "recent_transaction", "Recent transaction amount and date"
    CREATION_DATE = "creation_date", "Account creation date"
    WORKSPACE_NAMES = "workspace_names", "Workspace / team names"
    PHOTO_ID = "photo_id", "Photo ID matching the account name"


class CheckMethod(models.TextChoices):
    """How a factor was checked: a closed list, so no secret can be written down."""

    CODE_SENT = "code_sent", "One-time code sent to the account email"
    LOGGED_IN = "logged_in", "Customer is logged in to the account"
    ASKED_AND_COMPARED = "asked_and_compared", "Asked the customer and compared with the record"
    ID_ON_VIDEO = "id_on_video", "Photo ID shown on a video call"
    ID_UPLOAD_PORTAL = "id_upload_portal", "Photo ID checked in the secure upload portal"


class VerificationState(models.TextChoices):
    COLLECTING = "collecting", "Collecting factors"
    VERIFIED = "verified", "Verified"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    LOCKED = "locked", "Locked (too many failed factors)"
    EXPIRED = "expired", "Expired"


USABLE_STATES = [VerificationState.VERIFIED, VerificationState.APPROVED]
OPEN_STATES = [VerificationState.COLLECTING, VerificationState.AWAITING_APPROVAL]


def default_expiry():
    return timezone.now() + timedelta(hours=settings.VERIFICATION_VALID_HOURS)


class VerificationRequest(ConcurrentStates, models.Model):
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    ticket_id = models.PositiveBigIntegerField(
        "ticket", null=True, blank=True, help_text="The ticket that asked for it, if any."
    )
    action = models.ForeignKey(SensitiveAction, on_delete=models.PROTECT, related_name="+")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    state = StateField(
        default=VerificationState.COLLECTING, choices=VerificationState.choices, protected=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_verificationrequest", "Can approve or reject high-risk verifications")
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "state"], name="verif_subject_idx"),
            models.Index(fields=["state", "created_at"], name="verif_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"Verification #{self.pk} for {self.action.name} ({self.get_state_display()})"

    def is_usable(self, at=None) -> bool:
        return self.state in USABLE_STATES and (at or timezone.now()) < self.expires_at

    @transition(field=state, source=VerificationState.COLLECTING, target=VerificationState.VERIFIED)
    def verify(self) -> None:
        pass

    @transition(
        field=state,
        source=VerificationState.COLLECTING,
        target=VerificationState.AWAITING_APPROVAL,
    )
    def ask_approval(self) -> None:
        pass

    @transition(
        field=state,
        source=VerificationState.AWAITING_APPROVAL,
        target=VerificationState.APPROVED,
        permission="verification.approve_verificationrequest",
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=VerificationState.AWAITING_APPROVAL,
        target=VerificationState.REJECTED,
        permission="verification.approve_verificationrequest",
    )
    def reject(self) -> None:
        pass

    @transition(field=state, source=VerificationState.COLLECTING, target=VerificationState.LOCKED)
    def lock(self) -> None:
        pass

    @transition(
        field=state,
        source=[*OPEN_STATES, *USABLE_STATES],
        target=VerificationState.EXPIRED,
    )
    def expire(self) -> None:
        pass


class FactorCheck(models.Model):
    """One factor checked on a request: matched or not, how, by whom, when. No secret."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="factors"
    )
    kind = models.CharField(max_length=30, choices=FactorKind.choices)
    matched = models.BooleanField()
    method = models.CharField(max_length=30, choices=CheckMethod.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'matched' if self.matched else 'failed'}"


class SensitiveActionRecord(models.Model):
    """A sensitive action recorded as done, and the verification that allowed it."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.PROTECT, related_name="uses")
    action = models.ForeignKey(SensitiveAction, on_delete=models.PROTECT, related_name="+")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.action.name} done {self.done_at:%Y-%m-%d %H:%M}"


class ApprovalQueue(VerificationRequest):
    """High-risk requests waiting for a lead: its own admin entry, visible to approvers only."""

    class Meta:
        proxy = True
        verbose_name = "approval queue entry"
        verbose_name_plural = "approval queue"

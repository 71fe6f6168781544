"""Customers, the decision matrix (categories) and tickets with their state machine."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.choices import Priority, RiskLevel, Tier
from core.history import AuditedHistory

REFERENCE_PREFIX = "ESC-"
_REFERENCE_RE = re.compile(rf"^\s*(?:{REFERENCE_PREFIX})?0*(\d{{1,12}})\s*$", re.IGNORECASE)


class Plan(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    BUSINESS = "business", "Business"
    ENTERPRISE = "enterprise", "Enterprise"


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    external_user_id = models.CharField(
        "external user ID", max_length=100, blank=True, help_text="User ID in the product."
    )
    company = models.CharField(max_length=200, blank=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    is_vip = models.BooleanField("VIP", default=False)
    success_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="customer success manager",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_customers",
    )
    churn_risk = models.BooleanField(default=False)
    churn_risk_reason = models.CharField(max_length=300, blank=True)
    is_media = models.BooleanField(
        "media / influencer",
        default=False,
        help_text="Journalist, blogger, creator or analyst: forwarded to the press contact.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The latest identity verification (003: "Document verification in customer record").
    identity_verified_level = models.CharField(
        "identity verified (level)", max_length=10, choices=RiskLevel.choices, blank=True
    )
    identity_verified_at = models.DateTimeField("identity verified at", null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_user_id"],
                condition=~models.Q(external_user_id=""),
                name="customer_unique_external_user_id",
            ),
            models.CheckConstraint(
                condition=models.Q(churn_risk=False) | ~models.Q(churn_risk_reason=""),
                name="customer_churn_risk_has_reason",
                violation_error_message="Say why the customer is a churn risk.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_enterprise(self) -> bool:
        return self.plan == Plan.ENTERPRISE

    def clean(self) -> None:
        if self.churn_risk and not self.churn_risk_reason.strip():
            raise ValidationError({"churn_risk_reason": "Say why the customer is a churn risk."})


class CategoryGroup(models.TextChoices):
    SECURITY_PRIVACY = "security_privacy", "Security & privacy"
    FINANCIAL = "financial", "Financial"
    SERVICE_OUTAGE = "service_outage", "Service outage"
    LEGAL_COMPLIANCE = "legal_compliance", "Legal / compliance"
    TECHNICAL = "technical", "Technical"
    ACCOUNT_ACCESS = "account_access", "Account access"
    FRUSTRATED_CUSTOMER = "frustrated_customer", "Angry / frustrated customer"
    PRODUCT_QUESTION = "product_question", "Product question"
    COMPLEX_BILLING = "complex_billing", "Complex billing"
    PARTNERSHIP = "partnership", "Partnership / integration"
    MEDIA = "media", "Media / influencer"


class HandoffInfo(models.TextChoices):
    """Items a hand-off must carry for a category (003: 'Include: ...')."""

    USER_ID = "user_id", "User ID"
    TIMESTAMP = "timestamp", "Timestamp"
    DESCRIPTION = "description", "Description"
    TRANSACTION_ID = "transaction_id", "Transaction ID"
    AMOUNT = "amount", "Amount"
    AFFECTED_USERS = "affected_users", "Number of affected users"
    FEATURES_IMPACTED = "features_impacted", "Features impacted"
    DIAGNOSTICS = "diagnostics", "Full diagnostic information"
    VERIFICATION_DETAILS = "verification_details", "Verification details"
    CONVERSATION_HISTORY = "conversation_history", "Full conversation history"
    COMPANY_NAME = "company_name", "Company name"
    CURRENT_PLAN = "current_plan", "Current plan"
    SPECIFIC_REQUEST = "specific_request", "Specific request"
    USE_CASE = "use_case", "Use case"
    CONTACT_INFO = "contact_info", "Contact info"


def validate_handoff_items(value) -> None:
    allowed = set(HandoffInfo.values)
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError("Choose required hand-off items from the list.")


class Category(models.Model):
    """One row of the decision matrix: what an agent must do for this kind of issue."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=30, choices=CategoryGroup.choices)
    default_priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    route_to = models.ForeignKey(
        "contacts.Department",
        verbose_name="route to department",
        on_delete=models.PROTECT,
        related_name="routed_categories",
    )
    copy_to = models.ManyToManyField(
        "contacts.Department",
        verbose_name="copy departments",
        blank=True,
        related_name="copied_categories",
        help_text="Departments to copy, e.g. Security for fraud.",
    )
    required_info = models.JSONField(
        "information the hand-off must contain",
        default=list,
        blank=True,
        validators=[validate_handoff_items],
    )
    verification_level = models.CharField(
        "identity verification required first",
        max_length=10,
        choices=RiskLevel.choices,
        default=RiskLevel.NONE,
    )
    troubleshooting_required = models.BooleanField(
        "troubleshooting required before escalating",
        default=True,
        help_text="Not for critical issues: escalate those immediately.",
    )
    guidance = models.TextField("guidance for the agent", blank=True)
    sla_response_target = models.DurationField(
        "response SLA",
        null=True,
        blank=True,
        help_text="Category response target; applies where stricter than the priority's.",
    )
    is_active = models.BooleanField(default=True)

    history = AuditedHistory(m2m_fields=[copy_to])

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class Sentiment(models.TextChoices):
    CALM = "calm", "Calm"
    FRUSTRATED = "frustrated", "Frustrated"
    ANGRY = "angry", "Angry"


class TicketState(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    WAITING_ON_DEPARTMENT = "waiting_on_department", "Waiting on department"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class SlaStatus(models.TextChoices):
    BREACHED = "breached", "Breached"
    AT_RISK = "at_risk", "At risk"
    ON_TRACK = "on_track", "On track"
    PAUSED = "paused", "Paused"
    NONE = "none", "No running target"


ACTIVE_STATES = [
    TicketState.NEW,
    TicketState.OPEN,
    TicketState.ESCALATED,
    TicketState.WAITING_ON_CUSTOMER,
    TicketState.WAITING_ON_DEPARTMENT,
]
WORK = "escalation.change_ticket"


class Ticket(ConcurrentTransitionMixin, models.Model):
    """A customer issue with exactly one accountable owner.

    The transitions are the legal moves; only escalation.services calls them.
    """

    external_reference = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="Reference in the upstream system."
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tickets")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.L1)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_tickets"
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sentiment = models.CharField(max_length=12, choices=Sentiment.choices, default=Sentiment.CALM)
    state = FSMField(default=TicketState.NEW, choices=TicketState.choices, protected=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution_summary = models.TextField(blank=True)
    customer_confirmed = models.BooleanField(
        "customer confirmed the resolution",
        null=True,
        blank=True,
        help_text="Empty: not asked yet; no: asked, no answer (attempt recorded).",
    )
    csat = models.PositiveSmallIntegerField("CSAT", null=True, blank=True)
    churn_risk = models.BooleanField("churn risk", default=False)
    incident = models.ForeignKey(
        "escalation.MajorIncident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # The outcome 003 asks to track when an escalated ticket closes.
    resolved_by_specialist = models.BooleanField(
        "resolved by the specialised team", null=True, blank=True
    )
    first_level_possible = models.BooleanField(
        "could have been resolved at the first level", null=True, blank=True
    )
    # Facts of the first hand-off, kept on the ticket so the metrics aggregate columns
    # instead of running a subquery per ticket.
    first_escalated_at = models.DateTimeField("first escalated at", null=True, blank=True)
    escalated_after = models.DurationField("time to first escalation", null=True, blank=True)
    resolved_after = models.DurationField("time to resolution", null=True, blank=True)
    repeat_escalation = models.BooleanField(
        "repeat escalation",
        default=False,
        help_text="When first escalated, the customer had another escalation in the 30 days "
        "before (003 Repeat Escalations).",
    )
    # The soonest customer-facing SLA deadline, kept by escalation.clocks so lists can
    # show, filter and sort by SLA status without a query per row.
    sla_due_at = models.DateTimeField("SLA due", null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_paused = models.BooleanField(default=False)

    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("cancel_ticket", "Can cancel a ticket"),
            ("reassign_ticket", "Can reassign a ticket to another owner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                name="ticket_csat_1_to_5",
                violation_error_message="CSAT is a score from 1 to 5.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "priority", "-created_at", "-id"],
                name="ticket_state_priority_idx",
            ),
            models.Index(fields=["owner", "state"], name="ticket_owner_state_idx"),
            models.Index(fields=["-created_at", "-id"], name="ticket_newest_idx"),
            models.Index(fields=["sla_due_at"], name="ticket_sla_due_idx"),
            # Covers every column the metrics read, so aggregating a period never visits
            # the rows themselves (SQLite otherwise reads 100,000 rows one by one).
            models.Index(
                fields=[
                    "created_at",
                    "state",
                    "priority",
                    "category",
                    "customer",
                    "tier",
                    "first_escalated_at",
                    "escalated_after",
                    "resolved_at",
                    "resolved_after",
                    "csat",
                    "repeat_escalation",
                    "first_level_possible",
                ],
                name="ticket_metrics_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """Human reference derived from the primary key, e.g. ESC-000123."""
        return f"{REFERENCE_PREFIX}{self.pk:06d}" if self.pk else f"{REFERENCE_PREFIX}(new)"

    @staticmethod
    def pk_from_reference(text: str) -> int | None:
        match = _REFERENCE_RE.match(text or "")
        return int(match.group(1)) if match else None

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    # --- the legal moves (DESIGN.md "Ticket") -------------------------------------------

    @transition(field=state, source=TicketState.NEW, target=TicketState.OPEN, permission=WORK)
    def open(self) -> None:
        pass

    @transition(
        field=state,
        source=[TicketState.NEW, TicketState.OPEN],
        target=TicketState.ESCALATED,
        permission=WORK,
    )
    def escalate(self) -> None:
        pass

    @transition(field=state, source=TicketState.ESCALATED, target=TicketState.OPEN, permission=WORK)
    def return_escalation(self) -> None:
        pass

    @transition(field=state, source=TicketState.ESCALATED, target=TicketState.OPEN, permission=WORK)
    def accept_escalation(self) -> None:
        pass

    @transition(
        field=state,
        source=TicketState.OPEN,
        target=TicketState.WAITING_ON_CUSTOMER,
        permission=WORK,
    )
    def wait_on_customer(self) -> None:
        pass

    @transition(
        field=state,
        source=TicketState.OPEN,
        target=TicketState.WAITING_ON_DEPARTMENT,
        permission=WORK,
    )
    def wait_on_department(self) -> None:
        pass

    @transition(
        field=state,
        source=[TicketState.WAITING_ON_CUSTOMER, TicketState.WAITING_ON_DEPARTMENT],
        target=TicketState.OPEN,
        permission=WORK,
    )
    def resume(self) -> None:
        pass

    @transition(field=state, source=TicketState.OPEN, target=TicketState.RESOLVED, permission=WORK)
    def resolve(self) -> None:
        pass

    @transition(field=state, source=TicketState.RESOLVED, target=TicketState.OPEN, permission=WORK)
    def reopen(self) -> None:
        pass

    @transition(
        field=state, source=TicketState.RESOLVED, target=TicketState.CLOSED, permission=WORK
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[*ACTIVE_STATES, TicketState.RESOLVED],
        target=TicketState.CANCELLED,
        permission="escalation.cancel_ticket",
    )
    def cancel(self) -> None:
        pass

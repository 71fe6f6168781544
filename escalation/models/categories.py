"""The decision matrix (003): one category per case, with where it goes, who is copied,
what the hand-off must carry and what must happen first."""

from django.core.exceptions import ValidationError
from django.db import models

from core.choices import Priority, RiskLevel
from core.history import AuditedHistory


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

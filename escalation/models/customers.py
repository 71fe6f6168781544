"""Customers: who they are, their plan, their account manager and what we learned of them
(verified identity, churn risk); tickets point at them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.choices import RiskLevel
from core.history import AuditedHistory
from core.validators import validate_single_line


class Plan(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    BUSINESS = "business", "Business"
    ENTERPRISE = "enterprise", "Enterprise"


class Customer(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(db_index=True)
    external_user_id = models.CharField(
        "external user ID", max_length=100, blank=True, help_text="User ID in the product."
    )
    company = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
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

"""One Escalation per tier hand-off, carrying the hand-off itself (001, 003, 000 §4.1)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import transition

from core.choices import Tier
from core.fields import ConcurrentStates, StateField
from core.history import AuditedHistory

from .tickets import Sentiment, Ticket


class EscalationType(models.TextChoices):
    FUNCTIONAL = "functional", "Functional (needs specialised knowledge)"
    HIERARCHICAL = "hierarchical", "Hierarchical (needs higher authority)"
    DOMAIN = "domain", "Domain-centric (team with the exact competence)"


class Trigger(models.TextChoices):
    """Why it was escalated: the seeds' manual triggers, then the automatic rules."""

    LACKS_EXPERTISE = "lacks_expertise", "Beyond the agent's expertise"
    NEEDS_ACCESS = "needs_access", "Needs access or permissions the agent lacks"
    CONFIRMED_BUG = "confirmed_bug", "Confirmed bug needing development"
    POLICY_EXCEPTION = "policy_exception", "Policy exception or decision beyond authority"
    CUSTOMER_REQUEST = "customer_request", "Customer asked for escalation"
    SLA_RISK = "sla_risk", "Nearing or breaching its SLA"
    CROSS_DEPARTMENT = "cross_department", "Needs another department"
    OUTAGE = "outage", "Critical outage or widespread problem"
    LEGAL = "legal", "Potential legal or compliance issue"
    AUTO_TIER_TIME = "auto_tier_time", "Automatic: time at tier exceeded"
    AUTO_STALE = "auto_stale", "Automatic: open 24 h without update"
    AUTO_REPEATED_CONTACT = "auto_repeated_contact", "Automatic: customer wrote 3+ times"
    AUTO_VIP = "auto_vip", "Automatic: VIP account"
    AUTO_FRUSTRATED = "auto_frustrated", "Automatic: frustrated customer"
    AUTO_LOW_CSAT = "auto_low_csat", "Automatic: CSAT below 3"


AUTOMATIC_TRIGGERS = {t for t in Trigger.values if t.startswith("auto_")}


class StayEnd(models.TextChoices):
    """How a stay at the receiving tier ended (the L2 resolution rate counts these)."""

    RESOLVED = "resolved", "Resolved at this tier"
    ESCALATED = "escalated", "Escalated further"


class EscalationState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned as incomplete"


class Escalation(ConcurrentStates, models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    from_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    to_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    type = models.CharField(max_length=15, choices=EscalationType.choices)
    trigger = models.CharField(max_length=25, choices=Trigger.choices)
    target_team = models.ForeignKey(
        "contacts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = StateField(
        default=EscalationState.REQUESTED, choices=EscalationState.choices, protected=True
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # When the ticket left the receiving tier (the next hand-off, or resolution): the
    # end of its stay there, for the time-at-tier metrics.
    left_at = models.DateTimeField("left the tier at", null=True, blank=True)
    time_at_tier = models.DurationField("time at the tier", null=True, blank=True)
    resumed_at = models.DateTimeField(
        "back at the tier since",
        null=True,
        blank=True,
        help_text="Reopened, or a hand-off above was returned: time from here is added.",
    )
    left_by = models.CharField(
        "how it left the tier", max_length=10, choices=StayEnd.choices, blank=True
    )

    # The hand-off (001 "Internal Escalation Handoff", 003 "Information to Include").
    summary = models.TextField(blank=True)
    impact = models.TextField("impact (what is affected)", blank=True)
    ongoing_since = models.CharField("how long it has been going on", max_length=100, blank=True)
    troubleshooting = models.TextField(
        "troubleshooting steps taken",
        blank=True,
        help_text="Each step with its result and any error message or code.",
    )
    why_escalating = models.TextField(blank=True)
    questions = models.TextField("specific questions for the next tier", blank=True)
    customer_expectation = models.TextField(blank=True)
    customer_blocked = models.BooleanField("customer is blocked from working", default=False)
    business_impact = models.TextField(blank=True)
    sentiment = models.CharField(max_length=12, choices=Sentiment.choices, blank=True)
    required_info = models.JSONField(
        "category information",
        default=dict,
        blank=True,
        help_text="Values of the items the category requires (transaction ID, user ID, ...).",
    )

    history = AuditedHistory()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["state", "to_tier", "requested_at"], name="escalation_queue_idx"),
            models.Index(fields=["ticket", "requested_at"], name="escalation_ticket_idx"),
            # The metrics: hand-offs by day requested, and stays by day accepted; each
            # index covers the columns read, so SQLite never visits the rows.
            models.Index(
                fields=["requested_at", "to_tier", "state", "ticket"],
                name="escalation_requested_idx",
            ),
            models.Index(
                fields=["accepted_at", "state", "to_tier", "time_at_tier", "left_by", "ticket"],
                name="escalation_stay_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference}: L{self.from_tier} → L{self.to_tier} ({self.state})"

    @property
    def is_automatic(self) -> bool:
        return self.trigger in AUTOMATIC_TRIGGERS

    @transition(field=state, source=EscalationState.REQUESTED, target=EscalationState.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=state, source=EscalationState.REQUESTED, target=EscalationState.RETURNED)
    def send_back(self) -> None:
        pass


class RefusalCause(models.TextChoices):
    """Why an automatic escalation could not happen (a code the metrics can count by)."""

    VERIFICATION = "verification", "Identity not verified"
    CLOSED = "closed", "Ticket closed"
    OTHER = "other", "Refused by the workflow"


class RefusedEscalationQuerySet(models.QuerySet):
    def between(self, start, end) -> "RefusedEscalationQuerySet":
        """Refusals in [start, end): what a metrics period counts."""
        return self.filter(refused_at__gte=start, refused_at__lt=end)

    def awaiting_verification(self) -> "RefusedEscalationQuerySet":
        return self.filter(cause=RefusalCause.VERIFICATION)


class RefusedEscalation(models.Model):
    """An automatic rule fired but the ticket could not move up (its customer's identity is
    not verified, or it is closed): one row per ticket and rule, written with a history row
    on the ticket and a message to its owner and the leads, so a refusal is never silent
    and can be counted (`RefusedEscalation.objects.between(...).awaiting_verification()`).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="refused_escalations")
    trigger = models.CharField(max_length=25, choices=Trigger.choices)
    cause = models.CharField(max_length=15, choices=RefusalCause.choices)
    reason = models.TextField()
    refused_at = models.DateTimeField(default=timezone.now)

    objects = RefusedEscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-refused_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "trigger"], name="refused_escalation_once_per_rule"
            )
        ]
        indexes = [models.Index(fields=["refused_at", "cause"], name="refused_escalation_idx")]

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.get_trigger_display()} refused"

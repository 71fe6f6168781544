"""Tickets and their state machine; customers and categories have their own modules."""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import transition

from core.choices import Priority, Tier
from core.fields import ConcurrentStates, StateField
from core.history import AuditedHistory
from core.validators import validate_single_line

from .categories import Category
from .customers import Customer

REFERENCE_PREFIX = "ESC-"
_REFERENCE_RE = re.compile(rf"^\s*(?:{REFERENCE_PREFIX})?0*(\d{{1,12}})\s*$", re.IGNORECASE)


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


class QueueRank(models.IntegerChoices):
    """Where an active ticket sorts in an agent's queue, from columns alone (stored by the
    database as `Ticket.queue_rank`; empty once the ticket is no longer active). Within
    RUNNING the deadline orders breached, at-risk and on-track tickets (issue 18)."""

    RUNNING = 0, "Deadline counting"
    PAUSED_WITH_DEADLINE = 1, "Paused, deadline kept"
    PAUSED = 2, "Paused"
    NO_TARGET = 3, "No running target"


def queue_rank_expression() -> models.Case:
    """`Ticket.queue_rank` as SQL: computed by the database on every insert and update
    (bulk_create and queryset.update included), so nothing has to maintain it."""
    return models.Case(
        models.When(~models.Q(state__in=ACTIVE_STATES), then=models.Value(None)),
        models.When(
            sla_paused=True, sla_due_at__isnull=False, then=QueueRank.PAUSED_WITH_DEADLINE.value
        ),
        models.When(sla_paused=True, then=models.Value(QueueRank.PAUSED.value)),
        models.When(sla_due_at__isnull=True, then=models.Value(QueueRank.NO_TARGET.value)),
        default=models.Value(QueueRank.RUNNING.value),
        output_field=models.PositiveSmallIntegerField(),
    )


class Ticket(ConcurrentStates, models.Model):
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
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    sentiment = models.CharField(max_length=12, choices=Sentiment.choices, default=Sentiment.CALM)
    state = StateField(default=TicketState.NEW, choices=TicketState.choices, protected=True)
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
        help_text="When first escalated, this was the customer's third or later escalated "
        "ticket in 30 days (VIP auto-escalations do not count).",
    )
    # The soonest customer-facing SLA deadline, kept by escalation.clocks so lists can
    # show, filter and sort by SLA status without a query per row.
    sla_due_at = models.DateTimeField("SLA due", null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_paused = models.BooleanField(default=False)
    # What the ticket keeps of its SLA policy version besides its clocks' targets (set when
    # its resolution clock starts, moved only by a lead's re-apply): escalation.clocks.
    sla_update_every = models.DurationField(
        "customer update every",
        null=True,
        blank=True,
        help_text="The status-update cadence of the policy version the ticket runs under.",
    )
    sla_pause_when_waiting = models.BooleanField(
        "SLA pauses while waiting on the customer",
        default=True,
        help_text="As the policy version the ticket runs under says.",
    )

    # The queue's stored sort key (issue 18), kept by the database itself.
    queue_rank = models.GeneratedField(
        expression=queue_rank_expression(),
        output_field=models.PositiveSmallIntegerField(null=True),
        db_persist=True,
    )

    history = AuditedHistory(excluded_fields=["queue_rank"])

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
            # An agent's queue, a page at a time in its own order (keyset, issue 18).
            models.Index(
                fields=["owner", "queue_rank", "sla_due_at", "created_at", "id"],
                name="ticket_queue_idx",
                condition=models.Q(queue_rank__isnull=False),
            ),
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

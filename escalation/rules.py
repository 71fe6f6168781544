"""Automatic escalation rules as decisions (001 Automatic Escalation, 003 Special
Escalation Scenarios).

Each function reads a ticket (and what the database knows about its customer) and says
whether its rule fires and why. Nothing here writes: `services.automation` and
`services.alerts` act on these answers inside the triggering action's transaction, so a
rule can be read, tested and changed without touching the workflow.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.choices import PRIORITY_RANK, Priority, Tier
from outbox.models import OutboxMessage
from verification.services import missing_verification

from .accounting import (
    NOT_REPEATS,
    REPEAT_ESCALATIONS,
    REPEAT_WINDOW,
    CustomerHandoffs,
    escalated_tickets,
)
from .models import (
    Communication,
    Direction,
    Escalation,
    IncidentState,
    MajorIncident,
    RefusedEscalation,
    Ticket,
    TicketState,
)

REPEATED_CONTACT_LIMIT = 3  # 001: customer responded 3+ times without resolution
COMPLAINT_LIMIT = 3  # 003: complained 3+ times in one conversation
# REPEAT_ESCALATIONS (003: same customer escalates 3+ times in 30 days) is in accounting.
INCIDENT_WATCH_CUSTOMERS = 3  # 003: "Multiple customers reporting same issue"
INCIDENT_WATCH_WINDOW = timedelta(minutes=30)
LOW_CSAT = 3  # 001: customer satisfaction rating < 3


def may_escalate_automatically(
    ticket: Ticket, trigger: str, *, from_states: tuple[str, ...], once: bool
) -> bool:
    """An automatic rule may move this ticket up a tier now: it is in one of `from_states`,
    below L4, and (`once`) that rule has not escalated it before."""
    if ticket.state not in from_states or ticket.tier >= Tier.L4:
        return False
    return not (once and Escalation.objects.filter(ticket=ticket, trigger=trigger).exists())


def identity_unverified(ticket: Ticket) -> str | None:
    """003 "Verify identity first": why the ticket may not be escalated yet (its category
    needs a verification its customer lacks), else None. `ticket_escalate` refuses then."""
    return missing_verification(ticket.customer, ticket.category.verification_level)


def refused_before(ticket: Ticket, trigger: str) -> bool:
    """This rule's automatic escalation of this ticket was refused already (told once)."""
    return RefusedEscalation.objects.filter(ticket=ticket, trigger=trigger).exists()


def customer_wrote_too_often(ticket: Ticket) -> str | None:
    """001: the customer wrote 3+ times without resolution -> why, else None."""
    inbound = ticket.communications.filter(direction=Direction.INBOUND).count()
    if inbound < REPEATED_CONTACT_LIMIT or ticket.state == TicketState.RESOLVED:
        return None
    return f"the customer wrote {inbound} times without resolution"


def frustration_signs(ticket: Ticket, message: Communication) -> list[str]:
    """003 Angry/Frustrated: 3+ complaints, asked for a manager, threatened to leave or
    posted a public review (empty: no sign)."""
    complaints = ticket.communications.filter(
        direction=Direction.INBOUND, is_complaint=True
    ).count()
    return [
        sign
        for sign, shown in [
            (f"complained {complaints} times", complaints >= COMPLAINT_LIMIT),
            ("asked for a manager", message.asked_for_manager),
            ("threatened to leave", message.threatened_to_leave),
            ("posted a negative public review", message.public_review),
        ]
        if shown
    ]


def priority_below_high(ticket: Ticket) -> bool:
    """003: a frustrated customer's ticket is at least high priority."""
    return PRIORITY_RANK[Priority(ticket.priority)] > PRIORITY_RANK[Priority.HIGH]


def csat_is_low(ticket: Ticket) -> bool:
    """001: a customer satisfaction rating below 3."""
    return ticket.csat is not None and ticket.csat < LOW_CSAT


def csm_is_copied(ticket: Ticket) -> bool:
    """003: enterprise and VIP accounts copy their customer success manager."""
    return ticket.customer.is_enterprise or ticket.customer.is_vip


def other_escalations(*, customer_id: int, ticket_id: int, at: datetime) -> CustomerHandoffs:
    """What `accounting.is_repeat_escalation` weighs for the first hand-off of `ticket_id`,
    requested (and saved) at `at`: its trigger, and (ticket, requested_at, trigger) of the
    customer's other tickets' hand-offs in the 30 days up to `at` (003)."""
    own = (
        Escalation.objects.filter(ticket_id=ticket_id, requested_at__lte=at)
        .order_by("-requested_at", "-pk")
        .values_list("trigger", flat=True)
        .first()
    )
    others = (
        Escalation.objects.filter(
            ticket__customer_id=customer_id,
            requested_at__gte=at - REPEAT_WINDOW,
            requested_at__lte=at,
        )
        .exclude(ticket_id=ticket_id)
        .values_list("ticket_id", "requested_at", "trigger")
    )
    return CustomerHandoffs(trigger=own or "", others=tuple(others))


@dataclass(frozen=True)
class RepeatRun:
    """A run of escalations of one customer within 30 days, keyed by its first one."""

    first_escalation_id: int
    ticket_ids: list[int]


def repeat_escalations(ticket: Ticket, now: datetime) -> RepeatRun | None:
    """003 Repeat Escalations: the customer had 3+ tickets escalated in 30 days (one ticket
    climbing several tiers is one escalated issue; VIP auto-escalations do not count), as
    `accounting.escalated_tickets` counts them for the ticket's repeat flag."""
    recent = list(
        Escalation.objects.filter(
            ticket__customer_id=ticket.customer_id, requested_at__gte=now - REPEAT_WINDOW
        )
        .order_by("requested_at", "pk")
        .values_list("pk", "ticket_id", "requested_at", "trigger")
    )
    tickets = escalated_tickets(at=now, handoffs=[(t, at, trig) for _, t, at, trig in recent])
    if len(tickets) < REPEAT_ESCALATIONS:
        return None
    first = next(pk for pk, _, _, trigger in recent if trigger not in NOT_REPEATS)
    return RepeatRun(first_escalation_id=first, ticket_ids=sorted(tickets))


@dataclass(frozen=True)
class IncidentCluster:
    """Several customers reported one category in a short window (003 Major Incident)."""

    customers: int
    first_ticket_id: int


def incident_watch_key(category_id: int, first_ticket_id: int) -> str:
    """The outbox event of one cluster's alert: the alert goes out once per cluster."""
    return f"incident-watch:{category_id}:{first_ticket_id}"


def possible_incident(ticket: Ticket, now: datetime) -> IncidentCluster | None:
    """3+ customers reported this category in 30 minutes, no incident covers it and the
    cluster was not reported yet -> the cluster, else None."""
    since = now - INCIDENT_WATCH_WINDOW
    recent = Ticket.objects.filter(category_id=ticket.category_id, created_at__gte=since)
    customers = recent.values("customer_id").distinct().count()
    if customers < INCIDENT_WATCH_CUSTOMERS:
        return None
    running = MajorIncident.objects.exclude(state=IncidentState.RESOLVED).filter(
        tickets__category_id=ticket.category_id
    )
    reported = OutboxMessage.objects.filter(
        event_key__startswith=f"incident-watch:{ticket.category_id}:", created_at__gte=since
    )
    if running.exists() or reported.exists():
        return None
    first = recent.order_by("pk").values_list("pk", flat=True).first()
    return IncidentCluster(customers=customers, first_ticket_id=int(first or ticket.pk))

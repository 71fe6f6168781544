"""Automatic escalation rules that need no clock (001 Automatic Escalation, 003 Special
Escalation Scenarios). Each is a named function called by the service whose action can
trigger it, inside that action's transaction; each acts at most once per ticket (or per
customer and 30-day window) because its notifications are keyed by event.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from contacts.routing import chats_for, email_for
from core.actors import system_user
from core.choices import PRIORITY_RANK, Priority, Tier
from core.errors import ApplicationError
from outbox.models import OutboxMessage
from outbox.services import outbox_enqueue

from . import notifications as notify
from .models import (
    Communication,
    Customer,
    Direction,
    Escalation,
    EscalationType,
    Ticket,
    TicketState,
    Trigger,
)

REPEATED_CONTACT_LIMIT = 3  # 001: customer responded 3+ times without resolution
COMPLAINT_LIMIT = 3  # 003: complained 3+ times in one conversation
REPEAT_ESCALATIONS = 3  # 003: same customer escalates 3+ times in 30 days
REPEAT_WINDOW = timedelta(days=30)
INCIDENT_WATCH_CUSTOMERS = 3  # 003: "Multiple customers reporting same issue"
INCIDENT_WATCH_WINDOW = timedelta(minutes=30)
LOW_CSAT = 3  # 001: customer satisfaction rating < 3


def _already(ticket: Ticket, trigger: str) -> bool:
    return Escalation.objects.filter(ticket=ticket, trigger=trigger).exists()


def escalate_automatically(
    ticket: Ticket,
    trigger: str,
    why: str,
    *,
    from_states=(TicketState.NEW, TicketState.OPEN),
    once: bool = True,
) -> bool:
    """Move the ticket up one tier for an automatic rule (as the system actor); False when it
    cannot move now. `once`: a rule that already escalated this ticket does not again.
    """
    from .services import ticket_escalate

    if (
        ticket.state not in from_states
        or ticket.tier >= Tier.L4
        or (once and _already(ticket, trigger))
    ):
        return False
    try:
        ticket_escalate(
            ticket=ticket,
            actor=system_user(),
            to_tier=ticket.tier + 1,
            reason=f"automatic: {why}",
            escalation_type=EscalationType.HIERARCHICAL,
            trigger=trigger,
        )
    except ApplicationError:
        return False  # e.g. identity not verified yet: the agent escalates by hand
    return True


def rule_customer_wrote_three_times(ticket: Ticket) -> bool:
    """001: the customer wrote 3+ times without resolution -> escalate."""
    inbound = ticket.communications.filter(direction=Direction.INBOUND).count()
    if inbound < REPEATED_CONTACT_LIMIT or ticket.state == TicketState.RESOLVED:
        return False
    return escalate_automatically(
        ticket,
        Trigger.AUTO_REPEATED_CONTACT,
        f"the customer wrote {inbound} times without resolution",
    )


def rule_frustrated_customer(ticket: Ticket, message: Communication) -> bool:
    """003 Angry/Frustrated: 3+ complaints, asked for a manager, threatened to leave or posted
    a public review -> high priority, escalation, escalations@ (and the CSM) told.
    """
    complaints = ticket.communications.filter(
        direction=Direction.INBOUND, is_complaint=True
    ).count()
    signs = [
        s
        for s, on in [
            (f"complained {complaints} times", complaints >= COMPLAINT_LIMIT),
            ("asked for a manager", message.asked_for_manager),
            ("threatened to leave", message.threatened_to_leave),
            ("posted a negative public review", message.public_review),
        ]
        if on
    ]
    if not signs:
        return False
    why = "frustrated customer: " + ", ".join(signs)
    if message.threatened_to_leave:
        mark_churn_risk(ticket, "threatened to leave in " + ticket.reference)
    if PRIORITY_RANK[Priority(ticket.priority)] > PRIORITY_RANK[Priority.HIGH]:
        raise_priority(ticket, Priority.HIGH, why)
        ticket.refresh_from_db()
    escalated = escalate_automatically(ticket, Trigger.AUTO_FRUSTRATED, why)
    notify.notify(
        ticket,
        "frustrated",
        [email_for("escalations"), *notify.csm_emails(ticket)],
        "frustrated customer",
        f"{why.capitalize()}. Full conversation history is on the ticket.",
    )
    return escalated


def raise_priority(ticket: Ticket, priority: str, why: str) -> None:
    """A rule raises the priority: re-target the SLA and say so in the ticket's history."""
    from . import clocks
    from .services.tickets import _lock, _save

    locked = _lock(ticket)
    locked.priority = priority
    version = clocks.reapply(locked)
    _save(
        locked,
        system_user(),
        f"auto: priority {priority} ({why}), SLA v{version}",
        ["priority", *clocks.SLA_FIELDS],
    )


def mark_churn_risk(ticket: Ticket, reason: str) -> None:
    """003 Churn Risk: mark the ticket (and customer) and alert Customer Success, once."""
    from .services.tickets import _lock, _save

    locked = _lock(ticket)
    if not locked.churn_risk:
        locked.churn_risk = True
        _save(locked, system_user(), f"auto: churn risk ({reason})", ["churn_risk"])
    ticket.churn_risk = True
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    if not customer.churn_risk:
        customer.churn_risk, customer.churn_risk_reason = True, reason[:300]
        customer._history_user = system_user()
        customer._change_reason = f"churn risk: {reason}"
        customer.save(update_fields=["churn_risk", "churn_risk_reason"])
    notify.notify(
        ticket,
        "churn-risk",
        [email_for("customer-success")],
        "churn risk",
        f"Churn risk: {reason}. Offer a call with a senior team member.",
    )


def rule_low_csat(ticket: Ticket) -> bool:
    """001: CSAT below 3 -> management and Customer Success review the case."""
    if ticket.csat is None or ticket.csat >= LOW_CSAT:
        return False
    notify.notify(
        ticket,
        "low-csat",
        [
            email_for("support-management"),
            email_for("customer-success"),
            *notify.csm_emails(ticket),
        ],
        f"CSAT {ticket.csat}/5",
        "Review this case with the customer.",
    )
    return True


def rule_vip_account(ticket: Ticket) -> bool:
    """001/003: any ticket of a VIP account escalates; enterprise and VIP copy their CSM."""
    customer = ticket.customer
    if customer.is_enterprise or customer.is_vip:
        notify.notify(
            ticket,
            "csm-copy",
            notify.csm_emails(ticket),
            "new ticket for your account",
            "Your customer opened a ticket.",
        )
    if not customer.is_vip:
        return False
    return escalate_automatically(ticket, Trigger.AUTO_VIP, "VIP account")


def rule_media_customer(ticket: Ticket) -> bool:
    """003 Media/Influencer: forward to press and alert marketing; no special treatment."""
    if not ticket.customer.is_media:
        return False
    chats = chats_for("press")
    notify.notify(
        ticket,
        "media",
        [email_for("press")],
        "media / influencer contact",
        "Forwarded per policy: do not share unannounced features.",
    )
    for chat in chats:
        outbox_enqueue(
            event_key=f"ticket:{ticket.pk}:media-alert",
            recipient=chat,
            channel="chat",
            subject=f"Media contact: {ticket.reference}",
            body=f"{ticket.customer.name} ({ticket.subject})",
        )
    return True


def rule_repeat_escalations(ticket: Ticket) -> bool:
    """003 Repeat Escalations: 3+ in 30 days -> Customer Success and a senior case review."""
    since = timezone.now() - REPEAT_WINDOW
    recent = list(
        Escalation.objects.filter(ticket__customer_id=ticket.customer_id, requested_at__gte=since)
        .filter(~Q(trigger=Trigger.AUTO_VIP))
        .order_by("requested_at")
        .values_list("pk", "ticket_id")
    )
    if len({t for _, t in recent}) < REPEAT_ESCALATIONS:
        return False  # one ticket climbing several tiers is one escalated issue
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    window = recent[0][0]  # one alert per run of escalations: keyed by its first one
    tickets = sorted({t for _, t in recent})
    summary = (
        f"{customer.name} escalated {len({t for _, t in recent})} tickets in 30 days "
        f"(tickets {', '.join(Ticket(pk=t).reference for t in tickets)}). "
        "Is there an underlying issue, a training need, or a poor fit?"
    )
    success = email_for("customer-success")
    if success:
        outbox_enqueue(
            event_key=f"customer:{customer.pk}:repeat:{window}",
            recipient=success,
            subject=f"Repeat escalations: {customer.name}",
            body=summary,
        )
    for email in notify.tier_emails(Tier.L2):
        outbox_enqueue(
            event_key=f"customer:{customer.pk}:case-review:{window}",
            recipient=email,
            subject=f"Case review requested: {customer.name}",
            body=summary,
        )
    return True


def rule_possible_incident(ticket: Ticket) -> bool:
    """003 Major Incident: several customers report the same category in a short window and
    no incident is running -> leads and the incidents team are alerted, once per cluster.
    """
    from .models import IncidentState, MajorIncident

    since = timezone.now() - INCIDENT_WATCH_WINDOW
    recent = Ticket.objects.filter(category_id=ticket.category_id, created_at__gte=since)
    customers = recent.values("customer_id").distinct().count()
    if customers < INCIDENT_WATCH_CUSTOMERS:
        return False
    if (
        MajorIncident.objects.exclude(state=IncidentState.RESOLVED)
        .filter(tickets__category_id=ticket.category_id)
        .exists()
    ):
        return False
    if OutboxMessage.objects.filter(
        event_key__startswith=f"incident-watch:{ticket.category_id}:", created_at__gte=since
    ).exists():
        return False  # this cluster was reported already
    first = recent.order_by("pk").values_list("pk", flat=True).first()
    body = (
        f"{customers} customers reported '{ticket.category}' in the last "
        f"{int(INCIDENT_WATCH_WINDOW.total_seconds() // 60)} minutes. Check the status "
        "page and declare a major incident if this is an outage."
    )
    for recipient in [*notify.lead_emails(), email_for("incidents")]:
        if recipient:
            outbox_enqueue(
                event_key=f"incident-watch:{ticket.category_id}:{first}",
                recipient=recipient,
                subject=f"Possible incident: {ticket.category}",
                body=body,
            )
    return True

"""What the automatic rules do to a ticket when they fire: escalate it as the system actor,
raise its priority, mark churn risk (001 Automatic Escalation, 003 Special Escalation
Scenarios).

`escalation.rules` decides; this module acts, inside the transaction of the action that
triggered the rule (a new ticket, a customer's message, a due timer). Each rule acts at
most once per ticket because its escalation trigger and notifications are keyed.
"""

from contacts.routing import email_for
from core.actors import system_user
from core.choices import Priority
from core.errors import ApplicationError

from .. import clocks, rules
from .. import notifications as notify
from ..models import Communication, EscalationType, Ticket, TicketState, Trigger
from .alerts import alert_media_contact, alert_possible_incident, copy_success_manager
from .base import lock_ticket, save_ticket
from .customers import customer_mark_churn_risk
from .handoffs import ticket_escalate

NEW_OR_OPEN: tuple[str, ...] = (TicketState.NEW, TicketState.OPEN)


def escalate_automatically(
    ticket: Ticket,
    trigger: str,
    why: str,
    *,
    from_states: tuple[str, ...] = NEW_OR_OPEN,
    once: bool = True,
) -> bool:
    """Move the ticket up one tier for an automatic rule (as the system actor); False when it
    cannot move now. `once`: a rule that already escalated this ticket does not again.
    """
    if not rules.may_escalate_automatically(ticket, trigger, from_states=from_states, once=once):
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


def raise_priority(ticket: Ticket, priority: str, why: str) -> None:
    """A rule raises the priority: re-target the SLA and say so in the ticket's history."""
    locked = lock_ticket(ticket)
    locked.priority = priority
    version = clocks.reapply(locked)
    save_ticket(
        locked,
        system_user(),
        f"auto: priority {priority} ({why}), SLA v{version}",
        ["priority", *clocks.SLA_FIELDS],
    )


def mark_churn_risk(ticket: Ticket, reason: str) -> None:
    """003 Churn Risk: mark the ticket (and customer) and alert Customer Success, once."""
    locked = lock_ticket(ticket)
    if not locked.churn_risk:
        locked.churn_risk = True
        save_ticket(locked, system_user(), f"auto: churn risk ({reason})", ["churn_risk"])
    ticket.churn_risk = True
    customer_mark_churn_risk(customer_id=ticket.customer_id, actor=system_user(), reason=reason)
    notify.notify(
        ticket,
        "churn-risk",
        [email_for("customer-success")],
        "churn risk",
        f"Churn risk: {reason}. Offer a call with a senior team member.",
    )


def escalate_frustrated_customer(ticket: Ticket, message: Communication) -> bool:
    """003 Angry/Frustrated: high priority, escalation, escalations@ (and the CSM) told; a
    threat to leave also marks churn risk."""
    signs = rules.frustration_signs(ticket, message)
    if not signs:
        return False
    why = "frustrated customer: " + ", ".join(signs)
    if message.threatened_to_leave:
        mark_churn_risk(ticket, "threatened to leave in " + ticket.reference)
    if rules.priority_below_high(ticket):
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


def escalate_repeated_contact(ticket: Ticket) -> bool:
    """001: the customer wrote 3+ times without resolution -> escalate."""
    why = rules.customer_wrote_too_often(ticket)
    return bool(why) and escalate_automatically(ticket, Trigger.AUTO_REPEATED_CONTACT, str(why))


def after_ticket_created(ticket: Ticket) -> None:
    """The rules a new ticket can trigger: media contact, CSM copy and VIP escalation
    (001/003), and a possible incident when several customers report the same thing."""
    alert_media_contact(ticket)
    copy_success_manager(ticket)
    if ticket.customer.is_vip:
        escalate_automatically(ticket, Trigger.AUTO_VIP, "VIP account")
    alert_possible_incident(ticket)


def after_customer_message(ticket: Ticket, message: Communication) -> None:
    """The rules a customer's message can trigger: frustration, then 3+ messages."""
    escalate_frustrated_customer(ticket, message)
    ticket.refresh_from_db()
    escalate_repeated_contact(ticket)

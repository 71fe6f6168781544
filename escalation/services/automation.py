"""What the automatic rules do to a ticket when they fire: escalate it as the system actor
(or record why it could not be), raise its priority, mark churn risk (001 Automatic
Escalation, 003 Special Escalation Scenarios).

`escalation.rules` decides; this module acts, inside the transaction of the action that
triggered the rule (a new ticket, a customer's message, a survey, a due timer). Each rule
acts at most once per ticket because its escalation trigger and notifications are keyed.
"""

from django.db import transaction

from contacts.routing import email_for
from core.actors import system_user
from core.choices import Priority
from core.errors import ApplicationError
from core.history import save_audited

from .. import clocks, rules
from .. import notifications as notify
from ..models import (
    Communication,
    EscalationType,
    RefusalCause,
    RefusedEscalation,
    Ticket,
    TicketState,
    Trigger,
)
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
    does not move. `once`: a rule that already escalated this ticket does not again.

    A rule that may fire but is refused (003: the customer's identity must be verified
    first; or the workflow refuses) is never silent: `escalation_refuse` records it.
    """
    if not rules.may_escalate_automatically(ticket, trigger, from_states=from_states, once=once):
        return False
    unverified = rules.identity_unverified(ticket)
    if unverified:
        escalation_refuse(ticket, trigger, why, cause=RefusalCause.VERIFICATION, reason=unverified)
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
    except ApplicationError as exc:  # ticket_escalate's savepoint undid its writes
        escalation_refuse(ticket, trigger, why, cause=RefusalCause.OTHER, reason=exc.message)
        return False
    return True


@transaction.atomic
def escalation_refuse(ticket: Ticket, trigger: str, why: str, *, cause: str, reason: str) -> bool:
    """An automatic rule fired but the ticket cannot move up: record it once per ticket and
    rule (a `RefusedEscalation`, which the metrics count), write the reason into the
    ticket's history as the system actor, and tell its owner and the leads. False when this
    rule's refusal was recorded before (its message went out then)."""
    locked = lock_ticket(ticket)
    if rules.refused_before(locked, trigger):
        return False
    actor, rule = system_user(), Trigger(trigger).label
    save_audited(
        RefusedEscalation(ticket=locked, trigger=trigger, cause=cause, reason=reason), actor=actor
    )
    save_ticket(locked, actor, f"Automatic escalation refused ({why}): {reason}", [])
    notify.notify(
        locked,
        f"auto-escalation-refused:{trigger}",
        [locked.owner.email, *notify.lead_emails()],
        "automatic escalation refused",
        f"{rule} ({why}) should have moved this ticket up a tier, but it could not: "
        f"{reason} Please act on it by hand.",
    )
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


def escalate_low_csat(ticket: Ticket) -> bool:
    """001: a CSAT below 3 escalates the ticket to the next tier with the survey as the
    trigger, once it is back in work (`ticket_record_csat` reopens a resolved one). A closed
    ticket cannot be reopened (the state machine ends there): the refusal is recorded and
    told instead; management and Customer Success hear of the score either way
    (`alerts.alert_low_csat`)."""
    if not rules.csat_is_low(ticket):
        return False
    why = f"CSAT {ticket.csat}/5, below 3"
    if ticket.state == TicketState.CLOSED:
        escalation_refuse(
            ticket,
            Trigger.AUTO_LOW_CSAT,
            why,
            cause=RefusalCause.CLOSED,
            reason="A closed ticket cannot be reopened. Review the case with the customer and "
            "open a new ticket if work remains.",
        )
        return False
    # Each low score is a new survey: a ticket rated low again after its next resolution
    # moves up again (hence not `once`).
    return escalate_automatically(ticket, Trigger.AUTO_LOW_CSAT, why, once=False)


def after_customer_message(ticket: Ticket, message: Communication) -> None:
    """The rules a customer's message can trigger: frustration, then 3+ messages."""
    escalate_frustrated_customer(ticket, message)
    ticket.refresh_from_db()
    escalate_repeated_contact(ticket)

"""What the automatic rules send when they fire without moving the ticket: the repeat-
escalation alert, the media alert, the CSM copy, the low-CSAT review and the possible-
incident alert (001, 003). The decisions are in `escalation.rules`; each message is keyed
by its event in the outbox, so a rule that fires twice tells people once.
"""

from django.utils import timezone

from contacts.routing import chats_for, email_for
from core.choices import Tier
from outbox.services import outbox_enqueue

from .. import notifications as notify
from .. import rules
from ..models import Customer, Ticket


def alert_repeat_escalations(ticket: Ticket) -> bool:
    """003 Repeat Escalations: 3+ in 30 days -> Customer Success and a senior case review."""
    run = rules.repeat_escalations(ticket, timezone.now())
    if run is None:
        return False
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    summary = (
        f"{customer.name} escalated {len(run.ticket_ids)} tickets in 30 days "
        f"(tickets {', '.join(Ticket(pk=t).reference for t in run.ticket_ids)}). "
        "Is there an underlying issue, a training need, or a poor fit?"
    )
    success = email_for("customer-success")
    if success:
        outbox_enqueue(
            event_key=f"customer:{customer.pk}:repeat:{run.first_escalation_id}",
            recipient=success,
            subject=f"Repeat escalations: {customer.name}",
            body=summary,
        )
    for email in notify.tier_emails(Tier.L2):
        outbox_enqueue(
            event_key=f"customer:{customer.pk}:case-review:{run.first_escalation_id}",
            recipient=email,
            subject=f"Case review requested: {customer.name}",
            body=summary,
        )
    return True


def alert_media_contact(ticket: Ticket) -> bool:
    """003 Media/Influencer: forward to press and alert marketing; no special treatment."""
    if not ticket.customer.is_media:
        return False
    notify.notify(
        ticket,
        "media",
        [email_for("press")],
        "media / influencer contact",
        "Forwarded per policy: do not share unannounced features.",
    )
    for chat in chats_for("press"):
        outbox_enqueue(
            event_key=f"ticket:{ticket.pk}:media-alert",
            recipient=chat,
            channel="chat",
            subject=f"Media contact: {ticket.reference}",
            body=f"{ticket.customer.name} ({ticket.subject})",
        )
    return True


def copy_success_manager(ticket: Ticket) -> bool:
    """003: an enterprise or VIP customer's CSM hears of every new ticket."""
    if not rules.csm_is_copied(ticket):
        return False
    notify.notify(
        ticket,
        "csm-copy",
        notify.csm_emails(ticket),
        "new ticket for your account",
        "Your customer opened a ticket.",
    )
    return True


def alert_low_csat(ticket: Ticket) -> bool:
    """001: CSAT below 3 -> management and Customer Success review the case (the ticket's
    reopening and escalation are `ticket_record_csat`'s and `automation.escalate_low_csat`'s).
    """
    if not rules.csat_is_low(ticket):
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


def alert_possible_incident(ticket: Ticket) -> bool:
    """003 Major Incident: several customers report the same category in a short window and
    no incident is running -> leads and the incidents team are alerted, once per cluster.
    """
    cluster = rules.possible_incident(ticket, timezone.now())
    if cluster is None:
        return False
    minutes = int(rules.INCIDENT_WATCH_WINDOW.total_seconds() // 60)
    body = (
        f"{cluster.customers} customers reported '{ticket.category}' in the last {minutes} "
        "minutes. Check the status page and declare a major incident if this is an outage."
    )
    for recipient in [*notify.lead_emails(), email_for("incidents")]:
        if recipient:
            outbox_enqueue(
                event_key=rules.incident_watch_key(ticket.category_id, cluster.first_ticket_id),
                recipient=recipient,
                subject=f"Possible incident: {ticket.category}",
                body=body,
                urgent=True,  # a possible outage does not wait for anyone's working hours
            )
    return True

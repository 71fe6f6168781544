"""Who hears about a ticket event, and the outbox rows that tell them.

Recipients come from people's records (owner, CSM, role members); department
addresses arrive with the contact directory. Every message goes through the outbox,
keyed by event and recipient, so a timer that fires twice notifies once.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.urls import reverse

from core import roles
from core.choices import Priority, Tier
from outbox.services import Outgoing, outbox_enqueue_many

from .models import Ticket

TIER_ROLES = {tier: role for role, tier in roles.ROLE_TIERS.items()}


def role_emails(role: str) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def lead_emails() -> list[str]:
    return role_emails(roles.LEAD)


def tier_emails(tier: int) -> list[str]:
    return role_emails(TIER_ROLES[Tier(tier)])


def csm_emails(ticket: Ticket) -> list[str]:
    """Enterprise and VIP customers' success manager is copied on escalations (003)."""
    customer = ticket.customer
    manager = customer.success_manager
    if (customer.is_enterprise or customer.is_vip) and manager and manager.email:
        return [manager.email]
    return []


def messages(
    ticket: Ticket, event: str, recipients: Iterable[str | None], subject: str, body: str
) -> list[Outgoing]:
    """One message per distinct recipient for this ticket event."""
    link = reverse("admin:escalation_ticket_change", args=[ticket.pk])
    text = (
        f"{body}\n\n{ticket.reference} · {ticket.subject}\n"
        f"Customer: {ticket.customer.name} ({ticket.customer.get_plan_display()})\n"
        f"Priority: {ticket.get_priority_display()} · {ticket.get_tier_display()} · "
        f"owner {ticket.owner}\n{link}"
    )
    return [
        Outgoing(
            event_key=f"ticket:{ticket.pk}:{event}",
            recipient=recipient,
            subject=f"[{ticket.get_priority_display()}] {ticket.reference}: {subject}",
            body=text,
            # Critical tickets reach people off duty at once (and whoever is on call for
            # them); the rest wait for the recipient's working hours (outbox.hours).
            urgent=ticket.priority == Priority.CRITICAL,
        )
        for recipient in dict.fromkeys(r for r in recipients if r)
    ]


def notify(
    ticket: Ticket, event: str, recipients: Iterable[str | None], subject: str, body: str
) -> int:
    """Record the messages of one ticket event in the outbox; returns how many are new."""
    return len(outbox_enqueue_many(messages(ticket, event, recipients, subject, body)))


def handoff_text(escalation, actor) -> str:
    """The internal hand-off (001 template), so the next tier needs nothing else."""
    ticket = escalation.ticket
    customer = ticket.customer
    info = "".join(f"\n- {k}: {v}" for k, v in (escalation.required_info or {}).items())
    return (
        f"ESCALATION: {ticket.reference} (by {actor})\n"
        f"Customer: {customer.name} - {customer.company or '-'} - "
        f"{customer.get_plan_display()}\n"
        f"Issue: {escalation.summary}\nImpact: {escalation.impact}\n"
        f"Timeline: {escalation.ongoing_since}\n\nSteps taken:\n{escalation.troubleshooting}\n\n"
        f"Why escalating: {escalation.why_escalating}\n"
        f"Questions: {escalation.questions}\n"
        f"Customer expectation: {escalation.customer_expectation}\n"
        f"Blocked: {'yes' if escalation.customer_blocked else 'no'} · "
        f"Business impact: {escalation.business_impact} · "
        f"Sentiment: {escalation.sentiment or '-'}"
        + (f"\nCategory information:{info}" if info else "")
    )

"""Who hears about a ticket event, and the outbox rows that tell them.

Recipients come from people's records (owner, CSM, role members); department
addresses arrive with the contact directory. Every message goes through the outbox,
keyed by event and recipient, so a timer that fires twice notifies once.
"""

from collections.abc import Iterable
from hashlib import sha256

from django.contrib.auth import get_user_model

from core import roles
from core.choices import Priority, Tier
from core.links import object_url
from outbox.services import Outgoing, outbox_enqueue_many

from .models import Customer, Ticket

TIER_ROLES = {tier: role for role, tier in roles.ROLE_TIERS.items()}
PRIORITY_LABELS = dict(Priority.choices)
TIER_LABELS = dict(Tier.choices)
PLAN_LABELS = dict(Customer._meta.get_field("plan").flatchoices)


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
    link = object_url("admin:escalation_ticket_change", ticket.pk)
    # Labels from the choices once (get_FOO_display costs more than the rest together,
    # and the sweep builds thousands of these).
    priority, customer, reference = (
        PRIORITY_LABELS[ticket.priority],
        ticket.customer,
        ticket.reference,
    )
    text = (
        f"{body}\n\n{reference} · {ticket.subject}\n"
        f"Customer: {customer.name} ({PLAN_LABELS.get(customer.plan, customer.plan)})\n"
        f"Priority: {priority} · {TIER_LABELS[ticket.tier]} · "
        f"owner {ticket.owner}\n{link}"
    )
    key, title = f"ticket:{ticket.pk}:{event}", f"[{priority}] {reference}: {subject}"
    # Critical tickets reach people off duty at once (and whoever is on call for them);
    # the rest wait for the recipient's working hours (outbox.hours).
    urgent = ticket.priority == Priority.CRITICAL
    return [
        Outgoing(event_key=key, recipient=recipient, subject=title, body=text, urgent=urgent)
        for recipient in dict.fromkeys(r for r in recipients if r)
    ]


def breach_digest(moments: list, recipients: Iterable[str], label_of: dict[str, str]) -> list:
    """One message to each of `recipients` listing a sweep batch's missed targets (a
    line per ticket, with its link), instead of one message per ticket: in a mass breach
    (an outage, a holiday) a lead got one email for each of thousands of tickets.

    Its event key is made from the batch's timer keys, so a batch swept twice (after a
    crash rolled it back) still tells each lead once.
    """
    keys = "\n".join(sorted(m.key for m in moments))
    event = "sla-breach-digest:" + sha256(keys.encode()).hexdigest()[:24]
    lines = []
    for m in moments:
        ticket, clock = m.ticket, m.clock
        lines.append(
            f"{ticket.reference} · [{PRIORITY_LABELS[ticket.priority]}] "
            f"{label_of[clock.kind]} due {clock.due_at:%Y-%m-%d %H:%M %Z} · "
            f"{ticket.subject} · owner {ticket.owner}\n"
            f"  {object_url('admin:escalation_ticket_change', ticket.pk)}"
        )
    count = len(moments)
    body = (
        f"{count} SLA targets were missed at once; each ticket's owner has been told.\n\n"
        + "\n".join(lines)
    )
    return [
        Outgoing(event_key=event, recipient=r, subject=f"{count} SLA targets breached", body=body)
        for r in dict.fromkeys(r for r in recipients if r)
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

"""What a running major incident does to the tickets it governs (issue 17): their clocks
wait for it, its status updates reach each customer once, its resolution resolves them.

Called by `services.incidents` inside its transaction, with the incident row locked.
A customer with several linked tickets gets one email per update, but every ticket's
timeline records the message (`communication_log(send_email=False)`: the email is the
incident's own, keyed per customer so a retry never sends it twice).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from core.actors import Actor
from outbox.services import Outgoing, outbox_enqueue_many
from sla import services as sla
from sla.models import ClockPause, SlaSettings

from .. import clocks
from ..models import ACTIVE_STATES, MajorIncident, Ticket, TicketState, render_template
from .base import lock_ticket, save_ticket
from .communications import communication_log
from .resolution import ticket_resolve
from .tickets import ticket_open, ticket_resume

SUSPENDED = ClockPause.Reason.INCIDENT
# Resolving the incident resolves a child from these states (taking a new one into work,
# or resuming one that waits on its customer, first). An escalated ticket (a hand-off in
# flight) or one waiting on a department keeps its state; its clocks resume.
RESOLVABLE = (TicketState.NEW, TicketState.OPEN, TicketState.WAITING_ON_CUSTOMER)


def governed(incident: MajorIncident) -> QuerySet[Ticket]:
    """The incident's linked tickets that are still open (closed, cancelled and resolved
    ones are left alone), oldest first."""
    return (
        Ticket.objects.filter(incident=incident, state__in=ACTIVE_STATES)
        .select_related("customer")
        .order_by("pk")
    )


def suspend(ticket: Ticket, at: datetime) -> None:
    """Pause the (locked) ticket's clocks for the incident, and its stale-ticket rule (001
    "open > 24 hours without update": the incident updates the customer), and refresh its
    SLA columns (the caller saves `clocks.SUMMARY_FIELDS`)."""
    sla.clocks_suspend(subject=ticket, at=at, reason=SUSPENDED)
    sla.timers_cancel(subject=ticket, kinds=[clocks.STALE_TIMER])
    clocks.refresh(ticket)


def lift(ticket: Ticket, at: datetime) -> None:
    """Resume the clocks the incident paused; the suspended time never counts. Pauses of
    other reasons (waiting on the customer) stay; an open ticket's stale rule starts over
    (the caller saves `clocks.SUMMARY_FIELDS`)."""
    sla.clocks_lift(subject=ticket, at=at, reason=SUSPENDED)
    clocks.pause_while_waiting(ticket, at)  # it began waiting on its customer meanwhile
    if ticket.state == TicketState.OPEN:
        stale_after = SlaSettings.load().stale_after
        sla.timer_set(subject=ticket, kind=clocks.STALE_TIMER, due_at=at + stale_after)
    clocks.refresh(ticket)


def tell_customers(
    *,
    incident: MajorIncident,
    actor: Actor,
    tickets: Iterable[Ticket],
    text: str,
    subject: str,
    key: str,
) -> int:
    """Log `text` on every ticket's timeline and email each distinct customer once (keyed
    `incident:<pk>:<key>:<customer>`). Returns how many customers were emailed."""
    first: dict[int, Ticket] = {}
    for ticket in tickets:
        first.setdefault(ticket.customer_id, ticket)
        communication_log(
            ticket=ticket,
            actor=actor,
            direction="outbound",
            channel="email",
            body=_render(text, ticket),
            send_email=False,
        )
    outbox_enqueue_many(
        Outgoing(
            event_key=f"incident:{incident.pk}:{key}:{customer_id}",
            recipient=ticket.customer.email,
            subject=subject,
            body=_render(text, ticket),
        )
        for customer_id, ticket in first.items()
        if ticket.customer.email
    )
    return len(first)


def resolve_children(*, incident: MajorIncident, actor: Actor, at: datetime) -> list[Ticket]:
    """Resolve every governed ticket that can be, each with one history row naming the
    incident; the others get their clocks back. Returns the tickets left unresolved."""
    left = []
    summary = f"Resolved with incident {incident.reference}: {incident.resolution_message}"
    for child in governed(incident):
        ticket = lock_ticket(child)
        if ticket.state not in RESOLVABLE:
            lift(ticket, at)
            reason = f"incident: {incident.reference} resolved, clocks resumed"
            save_ticket(ticket, actor, reason, clocks.SUMMARY_FIELDS)
            left.append(ticket)
            continue
        if ticket.state == TicketState.NEW:
            ticket = ticket_open(ticket=ticket, actor=actor, reason=incident.reference)
        elif ticket.state == TicketState.WAITING_ON_CUSTOMER:
            ticket = ticket_resume(ticket=ticket, actor=actor, reason=incident.reference)
        # Stopping a clock resumes it first: the suspended time is not counted.
        ticket_resolve(ticket=ticket, actor=actor, summary=summary, customer_confirmed=False)
    return left


def _render(text: str, ticket: Ticket) -> str:
    return render_template(
        text, {"customer_name": ticket.customer.name, "ticket_reference": ticket.reference}
    )

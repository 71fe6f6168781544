"""Major incidents: declare, link tickets, tell every customer once, resolve (003)."""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from contacts.routing import chats_for, email_for
from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from outbox.models import OutboxMessage
from outbox.services import Outgoing, outbox_enqueue_many

from .. import events
from ..models import (
    ACTIVE_STATES,
    IncidentState,
    MajorIncident,
    Ticket,
    render_template,
    template_placeholders,
)
from .base import errors_text, save_ticket
from .communications import communication_log

DECLARE = "escalation.add_majorincident"
HOLDING_PLACEHOLDERS = {"customer_name", "ticket_reference"}
RUN = "escalation.change_majorincident"


def message_problem(text: str) -> str | None:
    """Why a holding or resolution message cannot go out (shared by the admin form)."""
    if not (text or "").strip():
        return "Write the message customers get."
    unknown = template_placeholders(text) - HOLDING_PLACEHOLDERS
    if unknown:
        return (
            "Only {customer_name} and {ticket_reference} can be filled in here, not "
            + ", ".join("{" + u + "}" for u in sorted(unknown))
            + "."
        )
    return None


@transaction.atomic
def incident_declare(
    *, actor: Actor, title: str, affected_service: str, holding_message: str
) -> MajorIncident:
    """A lead declares an incident; the incidents team is alerted by mail and chat."""
    if not actor.has_perm(DECLARE):
        raise PermissionRefused("Only leads declare major incidents.")
    fields = {
        "title": title,
        "affected_service": affected_service,
        "holding_message": holding_message,
    }
    errors = {
        f: [f"The {f.replace('_', ' ')} is required."]
        for f, v in fields.items()
        if f != "holding_message" and not (v or "").strip()
    }
    problem = message_problem(holding_message)
    if problem:
        errors["holding_message"] = [problem]
    if errors:
        raise InvalidInput(errors_text(errors), field_errors=errors)
    incident = MajorIncident(declared_by=actor, **{k: v.strip() for k, v in fields.items()})
    save_audited(incident, actor=actor, reason="declare")
    recipients = [email_for("incidents"), *chats_for("incidents")]
    outbox_enqueue_many(
        Outgoing(
            event_key=f"incident:{incident.pk}:declared",
            recipient=r,
            channel="chat" if r.startswith("#") else "email",
            subject=f"Major incident declared: {incident.title}",
            body=f"{incident.affected_service}: {incident.title} (declared by {actor})",
        )
        for r in recipients
        if r
    )
    events.incident_declared.send(MajorIncident, incident=incident, actor=actor)
    return incident


@transaction.atomic
def incident_link_tickets(*, incident: MajorIncident, actor: Actor, tickets) -> int:
    """Link tickets; each newly linked customer gets the holding message once (on the
    ticket's timeline too). Returns how many tickets were linked.
    """
    if not actor.has_perm(RUN):
        raise PermissionRefused("Only leads link tickets to incidents.")
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.state == IncidentState.RESOLVED:
        raise TransitionRefused(f"{incident} is resolved: declare a new one.")
    prefix = f"incident:{incident.pk}:holding:"
    told = {
        int(key.rsplit(":", 1)[1])
        for key in OutboxMessage.objects.filter(event_key__startswith=prefix).values_list(
            "event_key", flat=True
        )
    }
    linked = 0
    for ticket in (
        Ticket.objects.select_for_update()
        .filter(pk__in=[t.pk for t in tickets], state__in=ACTIVE_STATES)
        .exclude(incident=incident)
        .select_related("customer")
    ):
        ticket.incident = incident
        save_ticket(ticket, actor, f"incident: linked to #{incident.pk}", ["incident"])
        linked += 1
        if ticket.customer_id not in told:
            told.add(ticket.customer_id)
            body = render_template(
                incident.holding_message,
                {"customer_name": ticket.customer.name, "ticket_reference": ticket.reference},
            )
            communication_log(  # recorded on the timeline; the email is the incident's own
                ticket=ticket,
                actor=actor,
                direction="outbound",
                channel="email",
                body=body,
                send_email=False,
            )
            outbox_enqueue_many(
                [
                    Outgoing(
                        event_key=f"incident:{incident.pk}:holding:{ticket.customer_id}",
                        recipient=ticket.customer.email,
                        subject=f"We're aware of an issue affecting {incident.affected_service}",
                        body=body,
                    )
                ]
            )
    return linked


@transaction.atomic
def incident_advance(
    *, incident: MajorIncident, actor: Actor, step: str, message: str = ""
) -> MajorIncident:
    """Move to identified or monitoring; resolving tells every linked customer once."""
    if not actor.has_perm(RUN):
        raise PermissionRefused("Only leads run major incidents.")
    if step not in ("identify", "monitor", "resolve"):
        raise InvalidInput("Unknown step.")
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    transition = getattr(incident, step)
    if not can_proceed(transition):
        raise TransitionRefused(
            f"{incident} is {incident.get_state_display().lower()}: it cannot move to that step."
        )
    if step == "resolve":
        problem = message_problem(message)
        if problem:
            raise InvalidInput(problem, field_errors={"message": [problem]})
    transition()
    if step == "resolve":
        incident.resolved_at, incident.resolution_message = timezone.now(), message.strip()
    save_audited(incident, actor=actor, reason=step)
    if step == "resolve":
        customers = {
            t.customer_id: t
            for t in Ticket.objects.filter(incident=incident).select_related("customer")
        }
        outbox_enqueue_many(
            Outgoing(
                event_key=f"incident:{incident.pk}:resolved:{cid}",
                recipient=t.customer.email,
                subject=f"Resolved: the issue affecting {incident.affected_service}",
                body=render_template(
                    incident.resolution_message,
                    {"customer_name": t.customer.name, "ticket_reference": t.reference},
                ),
            )
            for cid, t in customers.items()
        )
        events.incident_resolved.send(MajorIncident, incident=incident, actor=actor)
    return incident

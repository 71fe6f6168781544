"""Major incidents: declare, link tickets, post status updates, tell every customer once,
resolve (003 "In Case of Major Incident"; issue 17: the incident governs its tickets)."""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from contacts.routing import chats_for, email_for
from core.actors import Actor
from core.choices import Priority
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from outbox.models import OutboxMessage
from outbox.services import Outgoing, outbox_enqueue_many

from .. import clocks, events
from ..models import (
    ACTIVE_STATES,
    IncidentState,
    IncidentUpdate,
    MajorIncident,
    Ticket,
    render_template,
    template_placeholders,
)
from .base import errors_text, save_ticket
from .communications import communication_log
from .incident_children import governed, lift, resolve_children, suspend, tell_customers

DECLARE = "escalation.add_majorincident"
HOLDING_PLACEHOLDERS = {"customer_name", "ticket_reference"}
MAX_MESSAGE = 5000
RUN = "escalation.change_majorincident"


def message_problem(text: str) -> str | None:
    """Why a holding, update or resolution message cannot go out (shared by the admin form)."""
    if not (text or "").strip():
        return "Write the message customers get."
    if "\x00" in text:
        return "The message contains a NUL character: remove it."
    if len(text) > MAX_MESSAGE:
        return f"Keep the message under {MAX_MESSAGE} characters."
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
    *,
    actor: Actor,
    title: str,
    affected_service: str,
    holding_message: str,
    priority: str = Priority.CRITICAL,
) -> MajorIncident:
    """A lead declares an incident; the incidents team is alerted by mail and chat. Its
    priority sets how often customers may get a status update (`UPDATE_CADENCE`)."""
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
    errors.update(
        {
            f: [f"The {f.replace('_', ' ')} is too long or contains a NUL character."]
            for f in ("title", "affected_service")
            if len(fields[f] or "") > 200 or "\x00" in (fields[f] or "")
        }
    )
    if priority not in Priority.values:
        errors["priority"] = ["Choose the priority: critical, high, medium or low."]
    problem = message_problem(holding_message)
    if problem:
        errors["holding_message"] = [problem]
    if errors:
        raise InvalidInput(errors_text(errors), field_errors=errors)
    incident = MajorIncident(
        declared_by=actor, priority=priority, **{k: v.strip() for k, v in fields.items()}
    )
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
    ticket's timeline too). The incident now governs them: their running clocks are
    suspended (reason "incident") until it is resolved or they are unlinked. Returns how
    many tickets were linked.
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
    linked, now = 0, timezone.now()
    for ticket in (
        Ticket.objects.select_for_update()
        .filter(pk__in=[t.pk for t in tickets], state__in=ACTIVE_STATES)
        .exclude(incident=incident)
        .select_related("customer")
    ):
        ticket.incident = incident
        suspend(ticket, now)
        save_ticket(
            ticket,
            actor,
            f"incident: linked to #{incident.pk}",
            ["incident", *clocks.SUMMARY_FIELDS],
        )
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
def incident_unlink_tickets(*, incident: MajorIncident, actor: Actor, tickets) -> int:
    """Unlink tickets the incident does not explain after all: their clocks resume, the
    suspended time not counted. Refused once the incident is resolved (its tickets stay
    on its record). Returns how many tickets were unlinked."""
    if not actor.has_perm(RUN):
        raise PermissionRefused("Only leads unlink tickets from incidents.")
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_running:
        raise TransitionRefused(f"{incident} is resolved: its tickets stay on its record.")
    unlinked, now = 0, timezone.now()
    for ticket in (
        Ticket.objects.select_for_update()
        .filter(pk__in=[t.pk for t in tickets], incident=incident)
        .select_related("customer", "category")
    ):
        ticket.incident = None
        lift(ticket, now)
        reason = f"incident: unlinked from #{incident.pk}"
        save_ticket(ticket, actor, reason, ["incident", *clocks.SUMMARY_FIELDS])
        unlinked += 1
    return unlinked


@transaction.atomic
def incident_post_update(*, incident: MajorIncident, actor: Actor, text: str) -> IncidentUpdate:
    """Post a status update of a running incident: every open linked ticket's timeline
    records it and each of their customers gets it once by email.

    Refused (TransitionRefused, naming when the next one is due) sooner than the cadence
    of the incident's priority after the previous update (the holding message counts as
    the first, at the declaration), and once the incident is resolved.
    """
    if not actor.has_perm(RUN):
        raise PermissionRefused("Only leads post incident updates.")
    problem = message_problem(text)
    if problem:
        raise InvalidInput(problem, field_errors={"text": [problem]})
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_running:
        raise TransitionRefused(f"{incident} is resolved: its customers have been told.")
    now = timezone.now()
    due = next_update_due(incident)
    if due is not None and now < due:
        raise TransitionRefused(
            f"Too soon: {incident.get_priority_display().lower()} incidents update customers "
            f"every {_span(incident)}. The next update of {incident.reference} is due at "
            f"{timezone.localtime(due):%Y-%m-%d %H:%M %Z}."
        )
    update = IncidentUpdate(incident=incident, text=text.strip(), author=actor, posted_at=now)
    save_audited(update, actor=actor, reason="status update")
    update.customers_told = tell_customers(
        incident=incident,
        actor=actor,
        tickets=governed(incident),
        text=update.text,
        subject=f"Update: the issue affecting {incident.affected_service}",
        key=f"update:{update.pk}",
    )
    save_audited(update, actor=actor, reason="customers told", update_fields=["customers_told"])
    return update


def next_update_due(incident: MajorIncident):
    """When the incident may next update its customers (None once it is resolved)."""
    if not incident.is_running:
        return None
    last = incident.updates.order_by("-posted_at").values_list("posted_at", flat=True).first()
    return (last or incident.declared_at) + incident.update_every


def _span(incident: MajorIncident) -> str:
    hours = int(incident.update_every.total_seconds() // 3600)
    return "hour" if hours == 1 else ("day" if hours == 24 else f"{hours} hours")


@transaction.atomic
def incident_advance(
    *, incident: MajorIncident, actor: Actor, step: str, message: str = ""
) -> MajorIncident:
    """Move to identified or monitoring, or resolve: every open linked ticket's timeline
    records the resolution message and each customer gets it once; the tickets are resolved
    with it (one history row each naming the incident; a ticket escalated or waiting on a
    department keeps its state and gets its clocks back). `left_open` on the returned
    incident lists those."""
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
    now = timezone.now()
    if step == "resolve":
        incident.resolved_at, incident.resolution_message = now, message.strip()
    save_audited(incident, actor=actor, reason=step)
    incident.left_open = []
    if step == "resolve":
        tell_customers(
            incident=incident,
            actor=actor,
            tickets=list(governed(incident)),
            text=incident.resolution_message,
            subject=f"Resolved: the issue affecting {incident.affected_service}",
            key="resolved",
        )
        incident.left_open = resolve_children(incident=incident, actor=actor, at=now)
        events.incident_resolved.send(MajorIncident, incident=incident, actor=actor)
    return incident

"""Who hears about which workflow event in the bell (the events of `escalation.events`).

Each receiver runs after the event's transaction committed, names the people concerned
(never the person who acted), and records one notification per person and event: the
event's key makes a repeated delivery (a timer firing twice) a no-op.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.urls import reverse

from core.links import object_url
from core.roles import ROLE_TIERS
from escalation import events
from escalation.models import DepartmentRequest, Escalation, Ticket
from sla.models import ClockKind
from verification.models import VerificationRequest, VerificationState

from . import approvals
from .models import Kind
from .services import Notice, notify, notify_many

# Read from a dict: a sweep batch builds hundreds of these, and get_kind_display() cost
# more than the rest of each line.
CLOCK_LABELS = dict(ClockKind.choices)


def _others(actor, *people):
    """The people concerned, less whoever acted (nobody is told what they did)."""
    actor_pk = getattr(actor, "pk", None)
    return [p for p in people if p is not None and p.pk != actor_pk]


def tier_members(tier: int):
    """Active people whose tier is exactly `tier` (the desk's "waiting for my tier")."""
    roles = [role for role, t in ROLE_TIERS.items() if t == tier]
    higher = [role for role, t in ROLE_TIERS.items() if t > tier]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .exclude(groups__name__in=higher)
        .distinct()
        .order_by("pk")
    )


def ticket_link(ticket: Ticket) -> str:
    return object_url("desk:ticket", ticket.pk)


def on_handoff_requested(sender: object, escalation: Escalation, actor, **kwargs: object) -> None:
    ticket = escalation.ticket
    people = [*tier_members(escalation.to_tier), escalation.target_specialist]
    notify(
        recipients=_others(actor, *people),
        kind=Kind.HANDOFF_WAITING,
        text=f"{ticket.reference} waits for {escalation.get_to_tier_display()}: "
        f"{ticket.subject} ({escalation.why_escalating})",
        link=ticket_link(ticket),
        key=f"escalation:{escalation.pk}:requested",
    )


def _handoff_people(escalation: Escalation, actor) -> list:
    """Whose hand-off it is: who asked for it, and whose ticket it was."""
    return _others(actor, escalation.requested_by, escalation.previous_owner)


def on_handoff_accepted(sender: object, escalation: Escalation, actor, **kwargs: object) -> None:
    ticket = escalation.ticket
    notify(
        recipients=_handoff_people(escalation, actor),
        kind=Kind.HANDOFF_ACCEPTED,
        text=f"{ticket.reference} accepted by {actor} ({escalation.get_to_tier_display()}): "
        f"{ticket.subject}",
        link=ticket_link(ticket),
        key=f"escalation:{escalation.pk}:accepted",
    )


def on_handoff_returned(sender: object, escalation: Escalation, actor, **kwargs: object) -> None:
    ticket = escalation.ticket
    notify(
        recipients=_handoff_people(escalation, actor),
        kind=Kind.HANDOFF_RETURNED,
        text=f"{ticket.reference} returned by {actor}: {escalation.return_reason}",
        link=ticket_link(ticket),
        key=f"escalation:{escalation.pk}:returned",
    )


def on_department_answered(
    sender: object, request: DepartmentRequest, actor, **kwargs: object
) -> None:
    ticket = request.ticket
    notify(
        recipients=_others(actor, ticket.owner, request.requested_by),
        kind=Kind.DEPARTMENT_ANSWERED,
        text=f"{request.department} answered on {ticket.reference}: {request.answer}",
        link=ticket_link(ticket),
        key=f"department-request:{request.pk}:answered",
    )


def on_sla_breached(sender: object, moments: list[events.SlaMoment], **kwargs) -> None:
    """Each owner hears of their ticket's missed target: one batch of the sweep at once."""
    notify_many(
        Notice(
            recipient=m.ticket.owner,
            kind=Kind.SLA_BREACHED,
            text=f"{m.ticket.reference}: {CLOCK_LABELS[m.clock.kind].lower()} target missed "
            f"({m.ticket.subject})",
            link=ticket_link(m.ticket),
            key=m.key,
        )
        for m in moments
    )


DECISIONS = {
    VerificationState.APPROVED: (Kind.VERIFICATION_APPROVED, "approved"),
    VerificationState.REJECTED: (Kind.VERIFICATION_REJECTED, "rejected"),
}


def verification_link(request: VerificationRequest) -> str:
    if request.ticket_id:
        return reverse("desk:verification", args=[request.ticket_id, request.pk])
    return reverse("admin:verification_verificationrequest_change", args=[request.pk])


def on_verification_decided(
    sender: object, request: VerificationRequest, actor, **kwargs: object
) -> None:
    """A lead's decision on a high-risk verification goes back to the agent who asked."""
    if request.state not in DECISIONS:
        return
    kind, verb = DECISIONS[VerificationState(request.state)]
    why = request.decision_reason
    reason = f": {why}" if why and why != verb else ""
    notify(
        recipients=_others(actor, request.requested_by),
        kind=kind,
        text=f"Verification #{request.pk} ({request.action.name}) {verb} by {actor}{reason}",
        link=verification_link(request),
        key=f"verification:{request.pk}:{request.state}",
    )


RECEIVERS: dict[events.Event, Callable[..., None]] = {
    events.handoff_requested: on_handoff_requested,
    events.handoff_accepted: on_handoff_accepted,
    events.handoff_returned: on_handoff_returned,
    events.department_answered: on_department_answered,
    events.sla_breached: on_sla_breached,
    events.verification_decided: on_verification_decided,
}


def connect() -> None:
    for event, receiver in RECEIVERS.items():
        event.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
    approvals.connect()

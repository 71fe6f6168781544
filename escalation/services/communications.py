"""Contacts with the customer and internal notes (003 "Document all interactions").

A message to the customer by email is sent to them through the outbox; every other
direction or channel is a record of something said elsewhere, and nothing is sent.
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor, system_user
from core.choices import Tier
from core.errors import InvalidInput
from core.history import save_audited
from outbox.services import outbox_enqueue
from outbox.threading import reply_address, thread_message_id, thread_root_id

from .. import clocks, holds, notifications
from ..models import (
    Channel,
    Communication,
    CommunicationTemplate,
    Direction,
    Escalation,
    EscalationState,
    Ticket,
    TicketState,
    render_template,
)
from .automation import after_customer_message
from .base import check_allowed, errors_text, lock_ticket, run_action, save_ticket

# The tiers as customers know them (001 "Escalation Tiers").
TIER_TEAM_NAMES = {
    Tier.L1: "Frontline Support",
    Tier.L2: "Senior Support",
    Tier.L3: "Technical Support",
    Tier.L4: "Management",
}


def receiving_team(ticket: Ticket) -> str:
    """The team the customer deals with next, by name, for `{team_name}`.

    The latest hand-off that was not returned names it: its target team (the escalate
    form proposes the department the category routes to), or, when it names none (the
    automatic rules), the tier it went to. Before any hand-off: the department the
    ticket's category routes to. Never the sender's own tier.
    """
    handoff = (
        Escalation.objects.filter(ticket=ticket)
        .exclude(state=EscalationState.RETURNED)
        .select_related("target_team")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if handoff is not None:
        if handoff.target_team is not None:
            return handoff.target_team.name
        return TIER_TEAM_NAMES[Tier(handoff.to_tier)]
    return ticket.category.route_to.name


def is_emailed(direction: str, channel: str) -> bool:
    """Whether logging a message with this direction and channel emails the customer."""
    return direction == Direction.OUTBOUND and channel == Channel.EMAIL


def template_values(ticket: Ticket, actor: Actor, timeframe: str = "") -> dict[str, str]:
    """The only values a template can use (see models.communications.PLACEHOLDERS)."""
    owner = ticket.owner
    return {
        "customer_name": ticket.customer.name,
        "customer_company": ticket.customer.company,
        "ticket_reference": ticket.reference,
        "ticket_subject": ticket.subject,
        "owner_name": owner.get_full_name() or owner.get_username(),
        "agent_name": actor.get_full_name() or actor.get_username(),
        "team_name": receiving_team(ticket),
        "timeframe": timeframe or "as soon as possible",
    }


def template_render(
    template: CommunicationTemplate, ticket: Ticket, actor: Actor, timeframe: str = ""
) -> str:
    return render_template(template.body, template_values(ticket, actor, timeframe))


@transaction.atomic
def communication_log(
    *,
    ticket: Ticket,
    actor: Actor,
    direction: str,
    channel: str,
    body: str,
    template: CommunicationTemplate | None = None,
    is_complaint: bool = False,
    asked_for_manager: bool = False,
    threatened_to_leave: bool = False,
    public_review: bool = False,
    send_email: bool = True,
) -> Communication | holds.Held:
    """Record a contact or note, then apply what it means for the ticket's clocks and rules.

    To the customer by email: the message is emailed to the customer's address through
    the outbox (one message per communication, delivered after commit), with the
    template's subject when one was used; `send_email=False` only when the caller sends
    the very same text itself. Other channels, messages from the customer and internal
    notes are only recorded. Refused when the customer has no email address to send to.
    To the customer: the first response is given and the update cadence restarts.
    From the customer: a ticket waiting on them resumes; 3+ messages, or signs of
    frustration, escalate automatically (001, 003).
    An email to the customer that a hold hook keeps for review (a trainee's, 003
    "Training & Resources") changes nothing: the `Held` is returned instead.
    """
    body = (body or "").strip()
    errors = {}
    if direction not in Direction.values:
        errors["direction"] = ["Choose who the message is from or to."]
    if channel not in Channel.values:
        errors["channel"] = ["Choose the channel."]
    if not body:
        errors["body"] = ["Write the message or note."]
    flags = is_complaint or asked_for_manager or threatened_to_leave or public_review
    if flags and direction != Direction.INBOUND:
        errors["direction"] = ["Frustration signs belong on messages from the customer."]
    if send_email and is_emailed(direction, channel) and not ticket.customer.email:
        errors["channel"] = ["The customer has no email address: choose how you told them."]
    if errors:
        raise InvalidInput(errors_text(errors), field_errors=errors)
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "log_contact")
    if send_email and is_emailed(direction, channel):
        held = holds.check(
            actor=actor,
            kind=holds.CUSTOMER_MESSAGE,
            ticket=locked,
            payload={
                "direction": direction,
                "channel": channel,
                "body": body,
                "template": getattr(template, "pk", None),
            },
        )
        if held is not None:
            return held
    now = timezone.now()
    message = Communication(
        ticket=locked,
        direction=direction,
        channel=channel,
        body=body,
        author=None if direction == Direction.INBOUND else actor,
        template=template,
        is_complaint=is_complaint,
        asked_for_manager=asked_for_manager,
        threatened_to_leave=threatened_to_leave,
        public_review=public_review,
        created_at=now,
    )
    save_audited(message, actor=actor, reason=holds.approval_note().strip())
    if send_email and is_emailed(direction, channel):
        _email_customer(locked, message, actor)
    fields = list(clocks.SLA_FIELDS)
    if direction == Direction.OUTBOUND:
        if locked.first_response_at is None:
            locked.first_response_at = now
            fields.append("first_response_at")
        clocks.first_response_given(locked, now)
        clocks.customer_updated(locked, now)
    save_ticket(locked, actor, f"contact: {direction} {channel}{holds.approval_note()}", fields)
    if direction == Direction.INBOUND and not locked.is_active:
        # A reply after resolution: the owner decides whether to reopen (no automatic rules).
        notifications.notify(
            locked,
            f"reply-after-resolution:{message.pk}",
            [locked.owner.email],
            "the customer replied after resolution",
            message.body[:2000],
        )
    elif direction == Direction.INBOUND:
        if locked.state == TicketState.WAITING_ON_CUSTOMER:
            # 003: a customer reply resumes the paused clock automatically: the rule acts
            # (as the system), whoever recorded the reply (the owner, the helpdesk).
            locked = run_action(locked, system_user(), "resume", "customer replied")
        after_customer_message(locked, message)
    return message


def _email_customer(ticket: Ticket, message: Communication, actor: Actor) -> None:
    """Queue the message for the customer's inbox; the outbox sends it after commit.

    Every email of a ticket is one thread (outbox.threading): its own Message-ID (kept on
    the outbox row, so a re-send is recognisably the same message), In-Reply-To the
    ticket's previous email to the customer (else the thread's root), References both,
    and Reply-To the ticket's signed reply address, so the answer comes back to it (inbox).
    """
    template = message.template
    subject = (
        render_template(template.subject, template_values(ticket, actor))
        if template is not None and template.subject
        else f"{ticket.reference}: {ticket.subject}"
    )
    root = thread_root_id(ticket.pk)
    previous_pk = (
        Communication.objects.filter(
            ticket=ticket, direction=Direction.OUTBOUND, channel=Channel.EMAIL, pk__lt=message.pk
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    previous = thread_message_id(ticket.pk, f"c{previous_pk}") if previous_pk else ""
    outbox_enqueue(
        event_key=f"communication:{message.pk}",
        recipient=ticket.customer.email,
        subject=subject,
        body=message.body,
        headers={
            "Message-ID": thread_message_id(ticket.pk, f"c{message.pk}"),
            "In-Reply-To": previous or root,
            "References": f"{root} {previous}".strip(),
            "Reply-To": reply_address(ticket.pk),
        },
    )

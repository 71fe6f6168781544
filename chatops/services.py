"""What a button pressed in chat does: find the staff account mapped to the chat user,
then run the desk's own service as that person. Refusals come back as a sentence for
the chat, never as an error page: the person pressing the button reads it there."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction

from core.actors import Actor
from core.errors import ApplicationError, InvalidInput, PermissionRefused
from core.history import save_audited
from escalation.models import DepartmentRequest, Ticket
from escalation.services import department_request_acknowledge, ticket_accept_escalation

from .models import ChatIdentity

MANAGE = "chatops.change_chatidentity"
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,29}$")
ACCEPT_HANDOFF = "accept_handoff"
ACKNOWLEDGE_REQUEST = "acknowledge_request"
OPEN_TICKET = "open_ticket"


@transaction.atomic
def chat_identity_save(*, identity: ChatIdentity, actor: Actor) -> ChatIdentity:
    """Map (or re-map) a staff account to a Slack user: leads only, because a button then
    acts with all of that account's rights (a lead's included)."""
    if not actor.has_perm(MANAGE):
        raise PermissionRefused("Only leads map chat accounts.")
    identity.slack_user_id = (identity.slack_user_id or "").strip().upper()
    if not SLACK_USER_ID.match(identity.slack_user_id):
        message = "A Slack member ID looks like U024BE7LH."
        raise InvalidInput(message, field_errors={"slack_user_id": [message]})
    taken = ChatIdentity.objects.filter(slack_user_id=identity.slack_user_id)
    if taken.exclude(pk=identity.pk).exists():
        message = "This Slack member is already mapped to another account."
        raise InvalidInput(message, field_errors={"slack_user_id": [message]})
    save_audited(identity, actor=actor, reason="mapped" if identity.pk is None else "re-mapped")
    return identity


def staff_for_slack_user(slack_user_id: str):
    """The active staff account mapped to this Slack user, or None."""
    return (
        get_user_model()
        .objects.filter(chat_identity__slack_user_id=slack_user_id, is_active=True)
        .first()
    )


def chat_action(*, slack_user_id: str, action_id: str, value: str) -> str:
    """Run one button's action as the mapped person; the sentence to answer in chat."""
    if action_id == OPEN_TICKET:
        return ""  # a link button: Slack opened the page, nothing to do here
    person = staff_for_slack_user(slack_user_id)
    if person is None:
        return (
            "Your Slack account is not linked to a staff account here, so nothing was "
            "done. Ask a lead to map it (Chat identities in the admin)."
        )
    try:
        if action_id == ACCEPT_HANDOFF:
            return _accept(person, value)
        if action_id == ACKNOWLEDGE_REQUEST:
            return _acknowledge(person, value)
    except ApplicationError as exc:
        return f"Not done: {exc.message}"
    return "This button is not known here; nothing was done."


def _accept(person, reference: str) -> str:
    pk = Ticket.pk_from_reference(reference)
    ticket = Ticket.objects.filter(pk=pk).first() if pk else None
    if ticket is None:
        return f"No ticket {reference[:20]!r} here; nothing was done."
    ticket_accept_escalation(ticket=ticket, actor=person, reason="accepted in Slack")
    return f"{ticket.reference} accepted: it is yours now."


def _acknowledge(person, value: str) -> str:
    request = (
        DepartmentRequest.objects.filter(pk=int(value)).select_related("ticket").first()
        if value.isdigit() and len(value) < 12
        else None
    )
    if request is None:
        return "That department request no longer exists; nothing was done."
    department_request_acknowledge(request=request, actor=person)
    return f"Acknowledged for {request.department}: {request.ticket.reference}."

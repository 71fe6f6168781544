"""A hand-off is posted, with its buttons, to the chat channels of the team it goes to
(the seeds' #tech-support-escalations); the outbox sends it after commit."""

from django.db import transaction

from contacts.routing import chats_for
from escalation import events
from escalation.models import Escalation
from outbox.delivery import register_chat_payload
from outbox.services import outbox_enqueue

from .blocks import chat_payload


def post_handoff(sender, escalation: Escalation, actor, **kwargs) -> None:
    team = escalation.target_team or escalation.ticket.category.route_to
    ticket = escalation.ticket
    with transaction.atomic():
        for channel in chats_for(team.code):
            outbox_enqueue(
                event_key=f"handoff:{escalation.pk}:requested",
                recipient=channel,
                channel="chat",
                subject=f"Hand-off: {ticket.reference} to {escalation.get_to_tier_display()}",
                body=f"{ticket.reference} · {ticket.subject} (from {actor})",
            )


def connect() -> None:
    events.handoff_requested.connect(post_handoff, dispatch_uid="chatops.handoff")
    register_chat_payload(chat_payload)

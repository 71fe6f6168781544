"""Signed webhooks out: the workflow's events, POSTed to each subscriber that asked.

Events come from `escalation.events` after commit; each becomes one outbox message per
subscriber (`webhook:<id>`), so delivery has the outbox's guarantees: retried with
back-off, at most the outbox's attempts, logged, re-sendable by a lead. The signature
follows the Standard Webhooks spec and is made at each attempt (`webhook-id` stays the
same, so a receiver drops a duplicate; `webhook-timestamp` is fresh).
"""

import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from escalation import events
from outbox.delivery import DeliveryError, register_webhook_target
from outbox.models import OutboxMessage
from outbox.services import Outgoing, outbox_enqueue_many

from .addresses import address_refusal
from .models import WebhookEvent, WebhookSubscriber


def message_id(message: OutboxMessage) -> str:
    return f"msg_outbox_{message.pk}"


def target(message: OutboxMessage) -> tuple[str, dict[str, str]]:
    """The subscriber's URL and this attempt's Standard Webhooks headers."""
    pk = message.recipient.removeprefix("webhook:")
    subscriber = WebhookSubscriber.objects.filter(pk=int(pk) if pk.isdigit() else 0).first()
    if subscriber is None:
        raise LookupError(f"subscriber {message.recipient} was removed")
    if not subscriber.is_active:  # kept for when it is switched on again
        raise DeliveryError(f"webhook: subscriber {subscriber} is switched off")
    refused = address_refusal(subscriber.url)  # checked again: DNS may have changed
    if refused:
        raise LookupError(refused)
    now = datetime.now(UTC)
    msg_id = message_id(message)
    signature = Webhook(subscriber.secret).sign(msg_id, now, message.body)
    return subscriber.url, {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def ticket_data(ticket) -> dict:
    return {
        "reference": ticket.reference,
        "external_reference": ticket.external_reference,
        "subject": ticket.subject,
        "state": ticket.state,
        "priority": ticket.priority,
        "tier": ticket.tier,
        "owner": ticket.owner.username if ticket.owner_id else None,
    }


def publish(event: str, key: str, data: dict) -> int:
    """Queue `event` for every active subscriber of it; `key` makes it once per event."""
    return publish_many(event, [(key, data)])


def publish_many(event: str, items: list[tuple[str, dict]]) -> int:
    """`publish` for many events of one type (a sweep batch's breaches) in a few queries;
    returns how many messages are new."""
    subscribers = [s for s in WebhookSubscriber.objects.filter(is_active=True) if event in s.events]
    if not subscribers or not items:
        return 0
    now = timezone.now()
    messages = []
    for key, data in items:
        body = json.dumps({"type": event, "timestamp": now, "data": data}, cls=DjangoJSONEncoder)
        messages += [
            Outgoing(
                event_key=f"webhook:{key}",
                recipient=subscriber.recipient,
                subject=event,
                body=body,
                channel=OutboxMessage.Channel.WEBHOOK,
            )
            for subscriber in subscribers
        ]
    return len(outbox_enqueue_many(messages))


def on_handoff(kind: str):
    def receive(sender, escalation, actor, **kwargs) -> None:
        data = {
            "ticket": ticket_data(escalation.ticket),
            "from_tier": escalation.from_tier,
            "to_tier": escalation.to_tier,
            "by": str(actor),
        }
        publish(kind, f"{kind}:{escalation.pk}", data)

    receive.__name__ = f"on_{kind.replace('.', '_')}"
    return receive


def on_ticket(kind: str):
    def receive(sender, ticket, actor=None, **kwargs) -> None:
        # Resolved again after a reopen is a new event; the same resolution is one.
        when = ticket.resolved_at if kind == WebhookEvent.TICKET_RESOLVED else ticket.created_at
        publish(kind, f"{kind}:{ticket.pk}:{when.timestamp() if when else 0}", ticket_data(ticket))

    receive.__name__ = f"on_{kind.replace('.', '_')}"
    return receive


def on_sla_breached(sender, moments, **kwargs) -> None:
    publish_many(
        WebhookEvent.SLA_BREACHED,
        [
            (
                f"sla:{m.key}",
                {"ticket": ticket_data(m.ticket), "target": m.clock.kind, "due_at": m.clock.due_at},
            )
            for m in moments
        ],
    )


def on_sla_warning(sender, moments, **kwargs) -> None:
    publish_many(
        WebhookEvent.SLA_WARNING,
        [
            (
                f"sla:{m.key}",
                {
                    "ticket": ticket_data(m.ticket),
                    "target": m.clock.kind,
                    "percent_used": m.percent,
                    "due_at": m.clock.due_at,
                },
            )
            for m in moments
        ],
    )


def request_data(request) -> dict:
    return {
        "ticket": ticket_data(request.ticket),
        "request": request.pk,
        "department": request.department.code,
        "state": request.state,
        "answer": request.answer,
    }


def on_department_requested(sender, request, actor, **kwargs) -> None:
    key = f"department:{request.pk}:opened"
    publish(WebhookEvent.DEPARTMENT_REQUESTED, key, request_data(request))


def on_department_answered(sender, request, actor, **kwargs) -> None:
    key = f"department:{request.pk}:answered"
    publish(WebhookEvent.DEPARTMENT_ANSWERED, key, request_data(request))


def on_incident(kind: str):
    def receive(sender, incident, actor, **kwargs) -> None:
        data = {
            "incident": incident.pk,
            "title": incident.title,
            "affected_service": incident.affected_service,
            "state": incident.state,
            "by": str(actor),
        }
        when = incident.resolved_at if kind == WebhookEvent.INCIDENT_RESOLVED else None
        stamp = (when or incident.declared_at).timestamp()
        publish(kind, f"{kind}:{incident.pk}:{stamp}", data)

    receive.__name__ = f"on_{kind.replace('.', '_')}"
    return receive


RECEIVERS = {
    events.handoff_requested: on_handoff(WebhookEvent.TICKET_ESCALATED),
    events.handoff_accepted: on_handoff(WebhookEvent.TICKET_ACCEPTED),
    events.handoff_returned: on_handoff(WebhookEvent.TICKET_RETURNED),
    events.ticket_created: on_ticket(WebhookEvent.TICKET_CREATED),
    events.ticket_resolved: on_ticket(WebhookEvent.TICKET_RESOLVED),
    events.sla_warning: on_sla_warning,
    events.sla_breached: on_sla_breached,
    events.department_requested: on_department_requested,
    events.department_answered: on_department_answered,
    events.incident_declared: on_incident(WebhookEvent.INCIDENT_DECLARED),
    events.incident_resolved: on_incident(WebhookEvent.INCIDENT_RESOLVED),
}


def connect() -> None:
    register_webhook_target(target)
    for event, receiver in RECEIVERS.items():
        event.connect(receiver, dispatch_uid=f"api.webhooks.{receiver.__name__}")

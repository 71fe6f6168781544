"""Signed webhooks out (issue 15): events POSTed to subscribers per the Standard Webhooks
spec, through the outbox (retried, logged, re-sendable); a real local receiver verifies
each signature with the subscriber's secret."""

import pytest

from api.models import WebhookEvent, WebhookSubscriber
from api.services import webhook_subscriber_save
from core.errors import InvalidInput, PermissionRefused
from escalation import services
from outbox.models import OutboxMessage
from outbox.services import outbox_drain
from tests.factories import full_handoff
from tests.servers.webhook import Receiver, serve


@pytest.fixture
def receiver():
    got = Receiver()
    stop = serve(got)
    yield got
    stop()


def subscribe(lead, receiver, events) -> WebhookSubscriber:
    subscriber = webhook_subscriber_save(
        subscriber=WebhookSubscriber(name="Helpdesk", url=receiver.url, events=events),
        actor=lead,
    )
    receiver.secret = subscriber.secret
    return subscriber


def test_escalated_and_accepted_reach_the_subscriber_signed(
    lead, agent, senior, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscribe(lead, receiver, [WebhookEvent.TICKET_ESCALATED, WebhookEvent.TICKET_ACCEPTED])
    ticket = make_ticket(owner=agent, state="open")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="Needs L2", handoff=full_handoff(ticket)
        )
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    outbox_drain()
    assert [r.verified["type"] for r in receiver.received if r.verified] == [
        "ticket.escalated",
        "ticket.accepted",
    ]
    accepted = receiver.received[1].verified
    assert accepted["data"]["ticket"]["reference"] == ticket.reference
    assert accepted["data"]["by"] == "senior1"
    assert receiver.received[0].headers["webhook-id"] != receiver.received[1].headers["webhook-id"]


def test_a_failing_subscriber_is_retried_with_the_same_id_and_a_fresh_signature(
    lead, agent, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscribe(lead, receiver, [WebhookEvent.TICKET_CREATED])
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(owner=agent)
    message = OutboxMessage.objects.get(channel=OutboxMessage.Channel.WEBHOOK)
    outbox_drain()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING and "500" in message.last_error
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    outbox_drain()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT and message.attempts == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.verified["type"] == "ticket.created"


def test_a_subscriber_that_did_not_ask_hears_nothing_and_a_wrong_secret_fails_to_verify(
    lead, agent, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscribe(lead, receiver, [WebhookEvent.TICKET_RESOLVED])
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(owner=agent)
    assert not OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK).exists()
    other = Receiver(secret="whsec_" + "A" * 44)
    assert (
        other.handle(
            {"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,x"}, b"{}"
        )
        == 200
    )
    assert other.received[0].verified is None


def test_only_leads_manage_subscribers_and_bad_input_is_refused(lead, agent, receiver):
    with pytest.raises(PermissionRefused):
        webhook_subscriber_save(
            subscriber=WebhookSubscriber(name="X", url=receiver.url, events=["ticket.created"]),
            actor=agent,
        )
    for events, url in [
        ([], receiver.url),
        (["ticket.exploded"], receiver.url),
        (["ticket.created"], "ftp://x"),
    ]:
        with pytest.raises(InvalidInput):
            webhook_subscriber_save(
                subscriber=WebhookSubscriber(name="X", url=url, events=events), actor=lead
            )
    assert not WebhookSubscriber.objects.exists()


def test_department_requests_and_major_incidents_reach_their_subscribers(
    lead, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscribe(
        lead,
        receiver,
        [
            WebhookEvent.DEPARTMENT_REQUESTED,
            WebhookEvent.DEPARTMENT_ANSWERED,
            WebhookEvent.INCIDENT_DECLARED,
            WebhookEvent.INCIDENT_RESOLVED,
        ],
    )
    ticket = make_ticket(owner=lead, state="open")
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.department_request_open(
            ticket=ticket, actor=lead, needed="Check", customer_impact="Blocked", findings="E-42"
        )
        services.department_request_answer(request=asked, actor=lead, answer="Restarted")
        incident = services.incident_declare(
            actor=lead, title="Sync outage", affected_service="Sync", holding_message="On it."
        )
        for step in ("identify", "monitor"):
            services.incident_advance(incident=incident, actor=lead, step=step)
        services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed, sorry."
        )
    outbox_drain()
    verified = [r.verified for r in receiver.received]
    assert all(verified)
    assert [v["type"] for v in verified] == [
        "department_request.opened",
        "department_request.answered",
        "incident.declared",
        "incident.resolved",
    ]
    assert verified[1]["data"]["answer"] == "Restarted"
    assert verified[3]["data"]["state"] == "resolved"


def test_an_sla_warning_reaches_its_subscriber(
    lead, make_ticket, receiver, django_capture_on_commit_callbacks
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from sla import services as sla

    subscribe(lead, receiver, [WebhookEvent.SLA_WARNING])
    start = datetime(2026, 11, 2, 9, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(start, tick=False):
        ticket = make_ticket(code="fraud")  # critical: first response in 30 min, 24/7
    with time_machine.travel(start.replace(minute=23), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sla.sweep()
        outbox_drain()
    warnings = [r.verified for r in receiver.received if r.verified]
    assert warnings and {w["type"] for w in warnings} == {"sla.warning"}
    assert {w["data"]["ticket"]["reference"] for w in warnings} == {ticket.reference}
    assert all(w["data"]["percent_used"] for w in warnings)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hooks", "http://169.254.169.254/latest", "http://10.0.0.7/x"]
)
def test_a_subscriber_may_not_point_at_this_machine_or_the_private_network(lead, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(InvalidInput, match="private or local"):
        webhook_subscriber_save(
            subscriber=WebhookSubscriber(name="Inside", url=url, events=["ticket.created"]),
            actor=lead,
        )
    assert not WebhookSubscriber.objects.exists()


def test_a_switched_off_subscriber_keeps_its_messages_for_later(
    lead, agent, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscriber = subscribe(lead, receiver, [WebhookEvent.TICKET_CREATED])
    receiver.answers = [500]  # the first attempt fails; then the lead switches it off
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(owner=agent)
    outbox_drain()
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(is_active=False)
    message = OutboxMessage.objects.get(channel=OutboxMessage.Channel.WEBHOOK)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    outbox_drain()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING and "switched off" in message.last_error

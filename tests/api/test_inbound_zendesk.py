"""Zendesk webhooks (trigger body from our README, and event subscriptions) open and
update tickets and their customers and append the customer's messages, as the source's
service account; signed as Zendesk documents, replays and retries dropped."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import DeliveryOutcome, InboundDelivery
from escalation import services
from escalation.models import (
    Communication,
    Customer,
    Direction,
    Escalation,
    RefusedEscalation,
    Ticket,
    TicketState,
    Trigger,
)
from tests.fixtures.helpdesk.senders import add_source, load, post_zendesk
from tests.security.world import changed, fingerprint


@pytest.fixture
def zendesk(lead, agent):
    return add_source("zendesk", lead=lead, owner=agent)


def _comment_on(payload: dict, text: str) -> dict:
    payload["ticket"]["latest_public_comment"] = text
    return payload


def test_a_trigger_on_a_new_ticket_opens_it_with_its_customer_as_the_source(client, zendesk):
    response = post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "created"
    ticket = Ticket.objects.get()
    assert ticket.external_reference == "zendesk:35436"
    assert ticket.priority == "high" and ticket.subject == "Sync stops after 10 minutes"
    assert ticket.owner == zendesk.default_owner
    assert ticket.history.get(history_type="+").history_user == zendesk.account
    customer = ticket.customer
    assert (customer.email, customer.name, customer.company) == (
        "jane.doe@acme.example",
        "Jane Doe",
        "Acme Corp",
    )
    assert customer.external_user_id == f"zendesk-{zendesk.pk}:8447388090494"
    # The opening comment is the description, not a second message.
    assert not Communication.objects.exists()
    assert zendesk.deliveries.get().ticket == ticket


def test_a_trigger_from_the_end_user_appends_the_message_and_updates_the_customer(client, zendesk):
    post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    response = post_zendesk(client, zendesk, load("zendesk_trigger_updated"))
    assert response.status_code == 200 and response.json()["outcome"] == "message"
    message = Communication.objects.get()
    assert message.direction == Direction.INBOUND and message.channel == "email"
    assert message.body.startswith("Here are the logs")
    assert message.history.get().history_user == zendesk.account
    customer = Customer.objects.get()
    assert customer.company == "Acme Corporation"
    assert customer.history.latest("history_date").history_user == zendesk.account
    assert Ticket.objects.count() == 1


def test_three_customer_messages_count_toward_the_repeated_contact_rule(client, zendesk):
    post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    for text in ("Any news?", "Still broken.", "Please call me."):
        post_zendesk(client, zendesk, _comment_on(load("zendesk_trigger_updated"), text))
    ticket = Ticket.objects.get()
    assert ticket.communications.filter(direction=Direction.INBOUND).count() == 3
    triggers = set(Escalation.objects.filter(ticket=ticket).values_list("trigger", flat=True))
    triggers |= set(RefusedEscalation.objects.values_list("trigger", flat=True))
    assert Trigger.AUTO_REPEATED_CONTACT in triggers


def test_a_customer_message_resumes_a_ticket_waiting_on_the_customer(client, zendesk, agent):
    post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    ticket = services.ticket_open(ticket=Ticket.objects.get(), actor=agent)
    services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Need the logs")
    post_zendesk(client, zendesk, load("zendesk_trigger_updated"))
    assert Ticket.objects.get().state == TicketState.OPEN


def test_a_retried_delivery_is_dropped(client, zendesk):
    post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    first = post_zendesk(client, zendesk, load("zendesk_trigger_updated"), invocation="8350205582")
    again = post_zendesk(client, zendesk, load("zendesk_trigger_updated"), invocation="8350205582")
    assert first.json()["outcome"] == "message"
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert again.json()["ticket"] == first.json()["ticket"]
    assert Communication.objects.count() == 1


def test_a_bad_signature_is_401_and_changes_nothing_but_the_log(client, zendesk):
    before = fingerprint()
    response = post_zendesk(client, zendesk, load("zendesk_trigger_created"), secret="wrong")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert changed(before, fingerprint()) == ["api_inbounddelivery"]
    assert zendesk.deliveries.get().outcome == DeliveryOutcome.REJECTED
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_a_missing_signature_is_401(client, zendesk):
    response = client.post(
        f"/api/v1/inbound/{zendesk.slug}/", {"ticket": {}}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["status"] == 401


def test_a_signature_older_than_5_minutes_is_refused(client, zendesk):
    """A captured call replayed later: its signed timestamp gives it away."""
    signed_at = timezone.now()
    with time_machine.travel(signed_at + timedelta(minutes=6)):
        response = post_zendesk(client, zendesk, load("zendesk_trigger_created"), at=signed_at)
    assert response.status_code == 401 and "5 minutes" in response.json()["detail"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("stamp", ["10000-01-01T00:00:00Z", "9" * 40, "yesterday", "-1"])
def test_an_unreadable_timestamp_is_401_not_500(client, zendesk, stamp):
    response = client.post(
        f"/api/v1/inbound/{zendesk.slug}/",
        b"{}",
        content_type="application/json",
        headers={
            "X-Zendesk-Webhook-Signature": "c2lnbmF0dXJl",
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        },
    )
    assert response.status_code == 401


def _created_event_for_known_requester(zendesk, lead):
    services.customer_find_or_create(
        actor=zendesk.account,
        email="jane.doe@acme.example",
        name="Jane Doe",
        external_user_id=f"zendesk-{zendesk.pk}:8447388090494",
    )


def test_a_created_event_opens_the_ticket_of_a_known_requester(client, zendesk, lead):
    _created_event_for_known_requester(zendesk, lead)
    response = post_zendesk(client, zendesk, load("zendesk_event_ticket_created"))
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert ticket.external_reference == "zendesk:5158" and ticket.priority == "medium"
    assert zendesk.deliveries.get().external_id.startswith("event cbe4028c")


def test_a_created_event_for_an_unknown_requester_points_at_the_trigger_body(client, zendesk):
    response = post_zendesk(client, zendesk, load("zendesk_event_ticket_created"))
    assert response.status_code == 422
    assert "trigger body" in response.json()["detail"]
    assert "requester" in response.json()["errors"]
    assert not Ticket.objects.exists()
    assert zendesk.deliveries.get().outcome == DeliveryOutcome.REJECTED


def test_a_public_comment_by_the_end_user_is_appended(client, zendesk, lead):
    _created_event_for_known_requester(zendesk, lead)
    post_zendesk(client, zendesk, load("zendesk_event_ticket_created"))
    response = post_zendesk(client, zendesk, load("zendesk_event_comment_added"))
    assert response.json()["outcome"] in ("message", "refused")
    assert Communication.objects.get().body.startswith("It failed again")


@pytest.mark.parametrize(
    ("change", "why"),
    [({"is_public": False}, "private"), ({"author": {"id": "1", "is_staff": True}}, "agent")],
)
def test_a_private_or_staff_comment_is_not_a_customer_message(client, zendesk, lead, change, why):
    _created_event_for_known_requester(zendesk, lead)
    post_zendesk(client, zendesk, load("zendesk_event_ticket_created"))
    payload = load("zendesk_event_comment_added")
    payload["detail"]["priority"] = "NORMAL"  # nothing else to carry over
    payload["event"]["comment"].update(change)
    response = post_zendesk(client, zendesk, payload)
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert why in response.json()["detail"]
    assert not Communication.objects.exists()


def test_a_comment_on_a_ticket_never_received_is_422(client, zendesk):
    response = post_zendesk(client, zendesk, load("zendesk_event_comment_added"))
    assert response.status_code == 422 and not Ticket.objects.exists()


def test_an_edit_the_rules_refuse_is_logged_and_answered_200(client, zendesk, lead):
    """Lowering a priority relaxes the SLA, so only a lead may (the helpdesk may raise
    it); a 4xx would be retried for a day, so it hears 200 and the lead sees why."""
    _created_event_for_known_requester(zendesk, lead)
    post_zendesk(client, zendesk, load("zendesk_event_ticket_created"))
    payload = load("zendesk_event_comment_added")
    payload["detail"]["priority"] = "LOW"
    response = post_zendesk(client, zendesk, payload)
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "refused" and "changing the priority refused" in body["detail"]
    assert "message appended" in body["detail"]  # the customer's words are not lost
    assert Ticket.objects.get().priority == "medium"
    log = InboundDelivery.objects.order_by("pk").last()
    assert log.outcome == DeliveryOutcome.REFUSED and "priority" in log.detail


def test_a_message_on_a_closed_ticket_is_refused_and_logged(client, zendesk, lead):
    post_zendesk(client, zendesk, load("zendesk_trigger_created"))
    ticket = Ticket.objects.get()
    services.ticket_cancel(ticket=ticket, actor=lead, reason="Duplicate")
    response = post_zendesk(client, zendesk, load("zendesk_trigger_updated"))
    assert response.status_code == 200 and response.json()["outcome"] == "refused"
    assert "reopen it first" in response.json()["detail"]
    assert not Communication.objects.exists()

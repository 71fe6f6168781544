"""The generic JSON shape, signed with Standard Webhooks; and what every source answers to
junk: unknown addresses 404, oversized bodies 413, bad payloads 422, never a 500."""

import json

import pytest

from api.models import DeliveryOutcome
from escalation.models import Communication, Customer, Ticket
from tests.fixtures.helpdesk.senders import add_source, load, post_generic, url
from tests.security.world import changed, fingerprint


@pytest.fixture
def generic(lead, agent):
    return add_source("generic", lead=lead, owner=agent)


def test_a_created_event_opens_the_ticket_in_the_named_category(client, generic):
    response = post_generic(client, generic, load("generic_ticket_created"))
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert ticket.external_reference == "generic:HD-7781"
    assert ticket.category.code == "incorrect-charge" and ticket.priority == "high"
    assert ticket.customer.external_user_id == f"generic-{generic.pk}:cust-311"
    assert response.json()["ticket"] == ticket.reference


def test_a_message_event_appends_the_message_once(client, generic):
    post_generic(client, generic, load("generic_ticket_created"))
    first = post_generic(client, generic, load("generic_message_created"), msg_id="msg_1")
    again = post_generic(client, generic, load("generic_message_created"), msg_id="msg_1")
    assert first.json()["outcome"] == "message" and again.json()["outcome"] == "duplicate"
    message = Communication.objects.get()
    assert message.channel == "email" and message.body.startswith("Any news?")


def test_the_secret_is_a_standard_webhooks_secret_and_a_wrong_one_is_401(client, generic):
    assert generic.secret.startswith("whsec_")
    other = "whsec_" + "A" * 43 + "="
    response = post_generic(client, generic, load("generic_ticket_created"), secret=other)
    assert response.status_code == 401 and not Ticket.objects.exists()


def test_a_name_change_updates_the_customer_through_the_history(client, generic):
    post_generic(client, generic, load("generic_ticket_created"))
    payload = load("generic_ticket_created")
    payload["event"] = "ticket.updated"
    payload["customer"]["name"] = "Ana Lima-Souza"
    response = post_generic(client, generic, payload)
    assert response.json()["outcome"] == "updated"
    customer = Customer.objects.get()
    assert customer.name == "Ana Lima-Souza"
    latest = customer.history.latest("history_date")
    assert latest.history_user == generic.account and "helpdesk" in latest.history_change_reason


@pytest.mark.parametrize("slug", ["nope", "x" * 300])
def test_an_unknown_source_is_404(client, generic, slug):
    response = client.post(f"/api/v1/inbound/{slug}/", b"{}", content_type="application/json")
    assert response.status_code == 404


def test_an_inactive_source_is_404(client, generic, lead):
    generic.is_active = False
    generic.save()
    response = post_generic(client, generic, load("generic_ticket_created"))
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_a_body_over_1_mb_is_413(client, generic):
    payload = load("generic_ticket_created")
    payload["ticket"]["description"] = "x" * (1024 * 1024)
    response = post_generic(client, generic, payload)
    assert response.status_code == 413 and not Ticket.objects.exists()


def _with(path: str, value) -> dict:
    payload = load("generic_ticket_created")
    *parents, last = path.split(".")
    target = payload
    for key in parents:
        target = target[key]
    target[last] = value
    return payload


JUNK = {
    "not json": b"this is not json",
    "an array": b"[1, 2, 3]",
    "a number": b"42",
    "NaN": b'{"event": NaN}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "huge int": b'{"ticket": {"id": ' + b"9" * 5000 + b"}}",
    "nul in subject": _with("ticket.subject", "Broken\x00subject"),
    "nul in email": _with("customer.email", "a\x00@example.com"),
    "lone surrogate": json.dumps(_with("ticket.description", "x")).replace('"x"', '"\\ud800"'),
    "wrong types": _with("ticket", ["not", "an", "object"]),
    "id as object": _with("ticket.id", {"nested": 1}),
    "id as bool": _with("ticket.id", True),
    "id as float": _with("ticket.id", 1.5),
    "huge id": _with("ticket.id", "9" * 1000),
    "huge email": _with("customer.email", "a" * 10_000 + "@example.com"),
    "unknown priority": _with("ticket.priority", "whenever"),
    "unknown event": _with("event", "ticket.deleted"),
    "unknown category": _with("ticket.category", "no-such-category"),
    "date past 9999 as id": _with("ticket.id", "10000-01-01"),
    "no customer email": _with("customer", {"id": "never-seen"}),
}


@pytest.mark.parametrize("name", list(JUNK))
def test_junk_is_422_problem_details_and_changes_nothing(client, generic, name):
    payload = JUNK[name]
    before = fingerprint()
    response = post_generic(client, generic, payload)
    if name == "date past 9999 as id":  # a fine id after all: it is just text
        assert response.status_code == 201
        return
    assert response.status_code == 422, (name, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 422
    assert changed(before, fingerprint()) == ["api_inbounddelivery"]
    assert generic.deliveries.get().outcome == DeliveryOutcome.REJECTED


@pytest.mark.parametrize(
    "headers",
    [
        {"webhook-id": "x", "webhook-timestamp": "1e309", "webhook-signature": "v1,AAAA"},
        {"webhook-id": "x", "webhook-timestamp": "253402300800", "webhook-signature": "v1,AA"},
        {"webhook-id": "x", "webhook-timestamp": "1700000000", "webhook-signature": "nocomma"},
        {"webhook-id": "x", "webhook-timestamp": "1700000000", "webhook-signature": "v1,%%%"},
    ],
)
def test_malformed_signature_headers_are_401_not_500(client, generic, headers):
    response = client.post(url(generic), b"{}", content_type="application/json", headers=headers)
    assert response.status_code == 401


def test_a_body_that_is_not_utf_8_is_refused_not_a_500(client, generic):
    response = client.post(url(generic), b'{"event": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 401  # Standard Webhooks signs text: it cannot be verified


def test_a_form_post_is_not_a_500(client, generic):
    response = client.post(url(generic), {"event": "ticket.created"})
    assert response.status_code in (401, 415)


def test_two_sources_number_their_users_apart(client, generic, lead, agent):
    """User cust-311 of one system is not user cust-311 of another: each gets its own
    customer, and neither record is renamed by the other's deliveries."""
    other = add_source("generic", lead=lead, owner=agent, name="Other desk", slug="other-desk")
    post_generic(client, generic, load("generic_ticket_created"))
    theirs = load("generic_ticket_created")
    theirs["customer"] = {**theirs["customer"], "email": "bob@other.example", "name": "Bob"}
    assert post_generic(client, other, theirs).status_code == 201
    first, second = Ticket.objects.order_by("pk")
    assert first.customer != second.customer
    first.customer.refresh_from_db()
    assert (first.customer.name, second.customer.email) == ("Ana Lima", "bob@other.example")

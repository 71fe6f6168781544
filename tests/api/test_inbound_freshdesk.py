"""Freshdesk webhooks: no signature, so the shared secret comes as basic auth or a header;
the simple-mode shape and the same keys at the top level; retries known by their body."""

import pytest

from api.models import DeliveryOutcome
from escalation.models import Communication, Ticket
from tests.fixtures.helpdesk.senders import add_source, load, post_freshdesk


@pytest.fixture
def freshdesk(lead, agent):
    return add_source("freshdesk", lead=lead, owner=agent)


def test_a_freshdesk_source_gets_a_generated_secret_and_its_own_account(freshdesk):
    assert len(freshdesk.secret) >= 40
    assert freshdesk.account.groups.get().name == "Helpdesk integration"
    assert freshdesk.secret not in str(list(freshdesk.history.values()))


def test_the_simple_webhook_with_basic_auth_opens_the_ticket(client, freshdesk):
    response = post_freshdesk(client, freshdesk, load("freshdesk_simple"))
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert ticket.external_reference == "freshdesk:2087" and ticket.priority == "medium"
    assert ticket.description == "I reset my password and now the login page says account locked."
    assert (ticket.customer.email, ticket.customer.company) == (
        "tom.baker@globex.example",
        "Globex",
    )


def test_the_top_level_shape_with_the_secret_header_appends_the_reply(client, freshdesk):
    post_freshdesk(client, freshdesk, load("freshdesk_simple"))
    response = post_freshdesk(client, freshdesk, load("freshdesk_advanced"), how="header")
    assert response.status_code == 200
    # Priority 3 (High): the helpdesk raises the priority of a ticket it opened.
    assert Ticket.objects.get().priority == "high"
    message = Communication.objects.get()
    assert message.body == "Still locked out this morning & my team is waiting."
    assert message.channel == "portal"


def test_a_retry_of_the_same_body_is_dropped(client, freshdesk, time_machine):
    time_machine.move_to("2026-12-01 10:05:00+00:00")
    post_freshdesk(client, freshdesk, load("freshdesk_simple"))
    first = post_freshdesk(client, freshdesk, load("freshdesk_advanced"))
    time_machine.move_to("2026-12-01 10:09:00+00:00")
    again = post_freshdesk(client, freshdesk, load("freshdesk_advanced"))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert first.json()["outcome"] != "duplicate"
    assert Communication.objects.count() == 1


def test_the_same_words_hours_later_are_a_new_message(client, freshdesk, time_machine):
    """Freshdesk sends no delivery id: a body is a retry only within its hour, so a
    customer who asks "Any update?" again in the afternoon is heard."""
    time_machine.move_to("2026-12-01 10:05:00+00:00")
    post_freshdesk(client, freshdesk, load("freshdesk_simple"))
    post_freshdesk(client, freshdesk, load("freshdesk_advanced"))
    time_machine.move_to("2026-12-01 14:30:00+00:00")
    later = post_freshdesk(client, freshdesk, load("freshdesk_advanced"))
    assert later.json()["outcome"] != "duplicate"
    assert Communication.objects.count() == 2


@pytest.mark.parametrize("how", ["basic", "header", "none"])
def test_a_wrong_or_missing_secret_is_401(client, freshdesk, how):
    secret = "not-the-secret" if how != "none" else ""
    response = post_freshdesk(client, freshdesk, load("freshdesk_simple"), how=how, secret=secret)
    assert response.status_code == 401
    assert not Ticket.objects.exists()
    assert freshdesk.deliveries.get().outcome == DeliveryOutcome.REJECTED


@pytest.mark.parametrize(("given", "ours"), [("Urgent", "critical"), (1, "low"), ("4", "critical")])
def test_freshdesk_priorities_map_to_ours(client, freshdesk, given, ours):
    payload = load("freshdesk_simple")
    payload["freshdesk_webhook"]["ticket_priority"] = given
    post_freshdesk(client, freshdesk, payload)
    assert Ticket.objects.get().priority == ours


def test_a_contact_without_email_is_422(client, freshdesk):
    payload = load("freshdesk_simple")
    payload["freshdesk_webhook"]["ticket_contact_email"] = ""
    response = post_freshdesk(client, freshdesk, payload)
    assert response.status_code == 422
    assert "freshdesk_webhook.ticket_contact_email" in response.json()["errors"]

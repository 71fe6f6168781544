"""One case end to end over real HTTP only (issue 15): the helpdesk opens a ticket through
the API, L1's tool escalates it with a full hand-off, the senior's tool accepts, waits on
the customer, the customer's reply comes in and the paused clock resumes; a subscriber (a
real local server) receives each event signed and verifies it.

Not yet: the ticket arrives here through the API, not a Zendesk/Freshdesk webhook, and the
reply through the API, not inbound email (both still open in issue 15)."""

import json
import urllib.error
import urllib.request

import pytest

from api.models import WebhookEvent, WebhookSubscriber
from api.services import token_issue, webhook_subscriber_save
from escalation.models import Ticket, TicketState
from sla.models import Clock
from tests.factories import escalate_form
from tests.servers.webhook import Receiver, serve


def call(base: str, token: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_helpdesk_to_senior_and_back_with_signed_events(live_server, lead):
    receiver = Receiver()
    stop = serve(receiver)
    try:
        subscriber = webhook_subscriber_save(
            subscriber=WebhookSubscriber(
                name="Helpdesk",
                url=receiver.url,
                events=[
                    WebhookEvent.TICKET_CREATED,
                    WebhookEvent.TICKET_ESCALATED,
                    WebhookEvent.TICKET_ACCEPTED,
                ],
            ),
            actor=lead,
        )
        receiver.secret = subscriber.secret
        # The helpdesk's role: it sees the tickets that came from it at any tier, and posts
        # the customer's replies on them, but nothing else of the desk.
        _, helpdesk = token_issue(name="Zendesk", role="Helpdesk integration", actor=lead)
        l1_token, l1 = token_issue(name="L1 console", role="Agent", actor=lead)
        _, senior = token_issue(name="Senior console", role="Senior agent", actor=lead)

        status, created = call(
            live_server.url,
            helpdesk,
            "POST",
            "/api/v1/tickets/",
            {
                "subject": "Sync stops after 10 minutes",
                "category": "core-functionality-bug",
                "external_reference": "ZD-1001",
                "owner": l1_token.account.username,  # the helpdesk's assignee
                "customer": {"email": "ops@bolt.example", "name": "Bolt Ops"},
            },
        )
        assert status == 201, created
        ref = created["reference"]
        path = f"/api/v1/tickets/{ref}/actions/"
        assert call(live_server.url, l1, "POST", path + "open/", {})[0] == 200
        ticket = Ticket.objects.get()
        status, escalated = call(
            live_server.url, l1, "POST", path + "escalate/", escalate_form(ticket)
        )
        assert (status, escalated["state"]) == (200, "escalated"), escalated
        status, accepted = call(live_server.url, senior, "POST", path + "accept_escalation/", {})
        assert (status, accepted["state"]) == (200, "open"), accepted
        status, waiting = call(
            live_server.url, senior, "POST", path + "wait_on_customer/", {"reason": "Need logs"}
        )
        assert (status, waiting.get("state")) == (200, "waiting_on_customer"), waiting
        paused = Clock.objects.filter(subject_id=ticket.pk, paused_since__isnull=False)
        assert paused.exists()

        status, resumed = call(
            live_server.url,
            helpdesk,
            "POST",
            path + "log_contact/",
            {"direction": "inbound", "channel": "email", "body": "Logs attached."},
        )
        assert (status, resumed.get("state")) == (200, "open"), resumed
        assert not paused.exists()  # the clock runs again
        assert Ticket.objects.get().state == TicketState.OPEN
        assert call(live_server.url, senior, "GET", f"/api/v1/tickets/{ref}/")[1]["sla"]["status"]
    finally:
        stop()
    verified = [r.verified for r in receiver.received]
    assert all(verified), "every delivery carries a valid Standard Webhooks signature"
    assert [v["type"] for v in verified] == [
        "ticket.created",
        "ticket.escalated",
        "ticket.accepted",
    ]
    assert {v["data"].get("reference") or v["data"]["ticket"]["reference"] for v in verified} == {
        ref
    }

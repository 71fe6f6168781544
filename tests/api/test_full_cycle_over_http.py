"""One case end to end over real HTTP only (issue 15 "Proof"): Zendesk's signed webhook
opens the ticket, L1's tool escalates it through the API with a full hand-off, the senior's
tool accepts and emails the customer (a real SMTP server receives it, threaded), the
customer replies to that email and the provider posts the reply to our inbound webhook,
the paused clock resumes, and a subscriber (a real local server) receives each event
signed and verifies the signature."""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest

from api.models import WebhookEvent, WebhookSubscriber
from api.services import token_issue, webhook_subscriber_save
from escalation.models import Direction, Ticket, TicketState
from sla.models import Clock
from tests.factories import escalate_form
from tests.fixtures.helpdesk.senders import add_source, load
from tests.inbox.conftest import URL as INBOUND_EMAIL
from tests.inbox.conftest import basic_auth, postmark_payload, raw_email
from tests.servers.webhook import Receiver, serve


def http(base: str, method: str, path: str, body: bytes | None, headers: dict):
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        base + path,
        data=body,
        headers={"Content-Type": "application/json", **headers},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def api(base: str, token: str, method: str, path: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    return http(base, method, path, data, {"Authorization": f"Bearer {token}"})


def zendesk_posts(base: str, source, payload: dict):
    """As Zendesk sends a trigger's webhook: base64 HMAC-SHA256 of timestamp + body."""
    body = json.dumps(payload).encode()
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = hmac.new(source.secret.encode(), timestamp.encode() + body, hashlib.sha256)
    return http(
        base,
        "POST",
        f"/api/v1/inbound/{source.slug}/",
        body,
        {
            "X-Zendesk-Webhook-Invocation-Id": uuid.uuid4().hex[:10],
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            "X-Zendesk-Webhook-Signature": base64.b64encode(signature.digest()).decode(),
        },
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_zendesk_to_senior_and_back_by_email_with_signed_events(live_server, lead, smtp):
    base = live_server.url
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
        l1_token, l1 = token_issue(name="L1 console", role="Agent", actor=lead)
        _, senior = token_issue(name="Senior console", role="Senior agent", actor=lead)
        source = add_source("zendesk", lead=lead, owner=l1_token.account)

        # 1. Zendesk's "ticket created" trigger.
        status, delivered = zendesk_posts(base, source, load("zendesk_trigger_created"))
        assert status == 201, delivered
        ticket = Ticket.objects.get()
        assert ticket.external_reference == "zendesk:35436"
        assert ticket.owner == l1_token.account
        customer = ticket.customer
        path = f"/api/v1/tickets/{ticket.reference}/actions/"

        # 2. L1 takes it into work and hands it off with the full hand-off.
        assert api(base, l1, "POST", path + "open/", {})[0] == 200
        status, escalated = api(base, l1, "POST", path + "escalate/", escalate_form(ticket))
        assert (status, escalated["state"]) == (200, "escalated"), escalated

        # 3. The senior accepts, emails the customer and waits for their answer.
        status, accepted = api(base, senior, "POST", path + "accept_escalation/", {})
        assert (status, accepted["state"]) == (200, "open"), accepted
        ask = {"direction": "outbound", "channel": "email", "body": "Please send the sync log."}
        assert api(base, senior, "POST", path + "log_contact/", ask)[0] == 200
        status, waiting = api(
            base, senior, "POST", path + "wait_on_customer/", {"reason": "Need logs"}
        )
        assert (status, waiting["state"]) == (200, "waiting_on_customer"), waiting
        paused = Clock.objects.filter(subject_id=ticket.pk, paused_since__isnull=False)
        assert paused.exists()

        # 4. The customer answers the email they got; the provider posts the reply to us.
        [emailed] = [m for m in smtp.handler.accepted if m["To"] == customer.email]
        assert emailed["Reply-To"].startswith("reply+")
        reply = raw_email(
            sender=customer.email,
            to=emailed["Reply-To"],
            subject=f"Re: {emailed['Subject']}",
            body="Log attached: timeout after 600s.\n\nOn Tue, someone wrote:\n> Please send",
            In_Reply_To=emailed["Message-ID"],
        )
        status, _ = http(
            base,
            "POST",
            INBOUND_EMAIL,
            json.dumps(postmark_payload(reply, recipient=emailed["Reply-To"])).encode(),
            {"Authorization": basic_auth()},
        )
        assert status == 200

        # 5. The paused clock runs again, and the reply is the customer's message.
        assert not paused.exists()
        ticket.refresh_from_db()
        assert ticket.state == TicketState.OPEN
        reply_row = ticket.communications.filter(direction=Direction.INBOUND).latest("pk")
        assert reply_row.body == "Log attached: timeout after 600s."
        status, seen = api(base, senior, "GET", f"/api/v1/tickets/{ticket.reference}/")
        assert status == 200 and seen["state"] == "open"
    finally:
        stop()
    verified = [r.verified for r in receiver.received]
    assert verified and all(verified), "every delivery carries a valid signature"
    assert [v["type"] for v in verified] == [
        "ticket.created",
        "ticket.escalated",
        "ticket.accepted",
    ]
    refs = {v["data"].get("reference") or v["data"]["ticket"]["reference"] for v in verified}
    assert refs == {ticket.reference}

"""Customer email out and back, over real servers only: the outbox sends the customer's
email to a real SMTP server with the ticket's thread headers; the customer's reply to that
very email is posted by "Postmark" to anymail's inbound webhook over HTTP, with basic auth,
and lands on the ticket as their message, quote stripped, resuming the paused clock."""

import json
import urllib.error
import urllib.request

import pytest

from escalation.models import Channel, Direction, TicketState
from inbox.models import InboundEmail
from outbox import threading
from tests.inbox.conftest import URL, basic_auth, email_customer, postmark_payload, raw_email


def unfolded(header: str) -> str:
    """A long header as sent is folded over lines; its value is the words."""
    return " ".join(str(header).split())


def post_over_http(base: str, payload: dict, auth: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        base + URL,
        data=json.dumps(payload).encode(),
        headers={"Authorization": auth, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_customer_reply_to_the_emailed_message_lands_on_the_ticket_and_resumes_it(
    live_server, smtp, make_ticket, agent, customer
):
    ticket = make_ticket(state="waiting_on_customer")
    first = email_customer(ticket, agent, "Please send us the sync log.")
    second = email_customer(ticket, agent, "Could you also tell us your app version?")

    sent = smtp.handler.accepted
    assert [m["To"] for m in sent] == [customer.email, customer.email]
    root = threading.thread_root_id(ticket.pk)
    first_id = threading.thread_message_id(ticket.pk, f"c{first.pk}")
    assert sent[0]["Message-ID"] == first_id
    assert sent[0]["In-Reply-To"] == root and sent[0]["References"] == root
    assert sent[0]["Reply-To"] == threading.reply_address(ticket.pk)
    # The second email answers the first: one thread in the customer's mail client.
    assert sent[1]["Message-ID"] == threading.thread_message_id(ticket.pk, f"c{second.pk}")
    assert sent[1]["In-Reply-To"] == first_id
    assert unfolded(sent[1]["References"]) == f"{root} {first_id}"

    # The customer presses "Reply" on the second email: their client answers the
    # Reply-To address and quotes the original under "On ... wrote:".
    received = sent[1]
    quoted = "\n".join(f"> {line}" for line in received.get_payload().splitlines())
    reply = raw_email(
        sender=f"Customer <{customer.email}>",
        to=received["Reply-To"],
        subject=f"Re: {received['Subject']}",
        body=(
            "Version 4.2.1, and the log is below.\n"
            "sync: timeout after 600s\n\n"
            f"On Tue, 1 Dec 2026 at 10:00, Escalations <escalations@example.com> wrote:\n"
            f"{quoted}\n"
        ),
        In_Reply_To=received["Message-ID"],
        References=f"{unfolded(received['References'])} {received['Message-ID']}",
    )
    payload = postmark_payload(reply, recipient=received["Reply-To"])

    assert post_over_http(live_server.url, payload, basic_auth("intruder:guess")) == 403
    assert post_over_http(live_server.url, payload, basic_auth()) == 200

    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN  # the customer's reply resumed it
    message = ticket.communications.get(direction=Direction.INBOUND)
    assert message.channel == Channel.EMAIL
    assert message.body == "Version 4.2.1, and the log is below.\nsync: timeout after 600s"
    filed = InboundEmail.objects.get()
    assert filed.state == InboundEmail.State.ATTACHED and filed.communication == message
    assert "wrote:" in filed.original and filed.sender == customer.email
    # The history says it came by email, filed by the system actor.
    row = ticket.history.filter(history_change_reason="contact: inbound email").get()
    assert row.history_user.username == "system"

    # The provider posts it again (it never heard our answer): nothing new.
    assert post_over_http(live_server.url, payload, basic_auth()) == 200
    assert InboundEmail.objects.count() == 1
    assert ticket.communications.filter(direction=Direction.INBOUND).count() == 1

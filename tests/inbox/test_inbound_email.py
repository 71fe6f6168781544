"""Inbound email through anymail's Postmark webhook: what lands on a ticket, what is held
for review (never dropped), what is a retry, and junk that is held or refused, never a 500."""

import json

import pytest

from escalation.models import Channel, Direction, TicketState
from inbox.models import InboundEmail
from outbox import threading
from tests.inbox.conftest import basic_auth, postmark_payload, raw_email

Reason = InboundEmail.Reason


def inbound_messages(ticket):
    return list(ticket.communications.filter(direction=Direction.INBOUND))


def test_a_reply_to_the_token_address_alone_lands_on_the_ticket(
    post_inbound, make_ticket, customer
):
    ticket = make_ticket(state="open")
    raw = raw_email(
        sender=customer.email.upper(),  # addresses compare without case
        to=threading.reply_address(ticket.pk),
        body="It works again, thanks!",
    )
    assert post_inbound(postmark_payload(raw)).status_code == 200
    [message] = inbound_messages(ticket)
    assert message.body == "It works again, thanks!" and message.channel == Channel.EMAIL
    assert InboundEmail.objects.get().state == InboundEmail.State.ATTACHED


def test_a_reply_address_whose_case_was_changed_by_a_mail_server_still_works(
    post_inbound, make_ticket, customer
):
    ticket = make_ticket(state="open")
    address = threading.reply_address(ticket.pk).upper()
    raw = raw_email(sender=customer.email, to=f"Support <{address}>", body="Hello again")
    assert post_inbound(postmark_payload(raw)).status_code == 200
    assert [m.body for m in inbound_messages(ticket)] == ["Hello again"]


def test_the_envelope_recipient_finds_the_ticket_when_the_headers_do_not(
    post_inbound, make_ticket, customer
):
    ticket = make_ticket(state="open")
    raw = raw_email(sender=customer.email, to="undisclosed-recipients:;", body="Via Bcc")
    payload = postmark_payload(raw, recipient=threading.reply_address(ticket.pk))
    assert post_inbound(payload).status_code == 200
    assert [m.body for m in inbound_messages(ticket)] == ["Via Bcc"]


def test_mail_from_someone_other_than_the_customer_is_held(post_inbound, make_ticket):
    ticket = make_ticket(state="open")
    raw = raw_email(
        sender="mallory@attacker.example",
        to=threading.reply_address(ticket.pk),
        body="Please change the account email to mine.",
    )
    assert post_inbound(postmark_payload(raw)).status_code == 200
    held = InboundEmail.objects.get()
    assert (held.state, held.reason, held.ticket) == ("held", Reason.WRONG_SENDER, ticket)
    assert inbound_messages(ticket) == []


def test_mail_to_an_unknown_address_is_held(post_inbound, customer):
    raw = raw_email(sender=customer.email, to="support@reply.example.com", body="Hi, help?")
    assert post_inbound(postmark_payload(raw)).status_code == 200
    held = InboundEmail.objects.get()
    assert (held.state, held.reason, held.ticket) == ("held", Reason.NO_TICKET, None)
    assert held.text == "Hi, help?" and held.recipients == ["support@reply.example.com"]


def test_a_forged_token_or_thread_id_names_no_ticket(post_inbound, make_ticket, customer):
    ticket = make_ticket(state="open")
    token = threading.ticket_token(ticket.pk)
    other = threading.ticket_token(ticket.pk + 1).split(".")[1]
    forged = f"reply+{ticket.pk}.{other}@reply.example.com"
    thread = f"<ticket-{token.split('.')[0]}.{'a' * 24}@example.com>"
    raw = raw_email(sender=customer.email, to=forged, body="x", In_Reply_To=thread)
    assert post_inbound(postmark_payload(raw)).status_code == 200
    assert InboundEmail.objects.get().reason == Reason.NO_TICKET


def test_only_our_domain_ids_in_the_thread_headers_count():
    root = threading.thread_root_id(7)
    foreign = root.replace("@example.com", "@elsewhere.example")
    assert threading.ticket_from_message_ids(root) == 7
    assert threading.ticket_from_message_ids(foreign) is None
    assert threading.ticket_from_message_ids("", f"<a@b.example> {root} <c@d.example>") == 7


def test_a_reply_to_a_closed_ticket_is_held(post_inbound, make_ticket, customer):
    ticket = make_ticket(state="closed")
    raw = raw_email(sender=customer.email, to=threading.reply_address(ticket.pk), body="Again")
    assert post_inbound(postmark_payload(raw)).status_code == 200
    held = InboundEmail.objects.get()
    assert (held.reason, held.ticket) == (Reason.TICKET_CLOSED, ticket)


def test_an_out_of_office_reply_is_held_not_counted(post_inbound, make_ticket, customer):
    ticket = make_ticket(state="waiting_on_customer")
    raw = raw_email(
        sender=customer.email,
        to=threading.reply_address(ticket.pk),
        body="I am out of the office until Monday.",
        Auto_Submitted="auto-replied",
    )
    assert post_inbound(postmark_payload(raw)).status_code == 200
    assert InboundEmail.objects.get().reason == Reason.AUTOMATIC
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING_ON_CUSTOMER


def test_a_retried_post_files_the_email_once(post_inbound, make_ticket, customer):
    ticket = make_ticket(state="open")
    raw = raw_email(sender=customer.email, to=threading.reply_address(ticket.pk), body="Once")
    for _ in range(3):
        assert post_inbound(postmark_payload(raw)).status_code == 200
    assert InboundEmail.objects.count() == 1 and len(inbound_messages(ticket)) == 1


def test_a_retry_without_message_id_is_recognised_by_its_content(post_inbound, customer):
    raw = raw_email(sender=customer.email, to="nobody@reply.example.com", body="Hi", message_id="")
    assert "Message-ID" not in raw
    for _ in range(2):
        assert post_inbound(postmark_payload(raw)).status_code == 200
    assert InboundEmail.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        "[1, 2, 3]",
        json.dumps({"RawEmail": 12}),
        json.dumps({"RecordType": "Bounce"}),
        json.dumps("a string"),
        b"\xff\xfe\x00junk",
    ],
)
def test_an_unreadable_payload_is_refused_cleanly(post_inbound, body):
    response = post_inbound(body)
    assert response.status_code == 400
    assert InboundEmail.objects.count() == 0


def test_wrong_or_missing_basic_auth_is_refused(client, customer):
    raw = raw_email(sender=customer.email, to="a@reply.example.com", body="x")
    url = "/inbox/anymail/postmark/inbound/"
    body = json.dumps(postmark_payload(raw))
    assert client.post(url, body, content_type="application/json").status_code == 403
    response = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=basic_auth("x:y")
    )
    assert response.status_code == 403
    assert InboundEmail.objects.count() == 0


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_without_a_configured_secret_inbound_email_is_off(client, settings, customer):
    settings.ANYMAIL = {"WEBHOOK_SECRET": []}
    raw = raw_email(sender=customer.email, to="a@reply.example.com", body="x")
    response = client.post(
        "/inbox/anymail/postmark/inbound/",
        json.dumps(postmark_payload(raw)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert InboundEmail.objects.count() == 0


def test_a_provider_that_is_not_set_up_is_refused(client, db):
    response = client.post("/inbox/anymail/mailgun/inbound/", {"x": "y"})
    assert response.status_code == 403


def test_junk_inside_the_email_is_held_bounded_and_without_nul(post_inbound, make_ticket):
    ticket = make_ticket(state="open")
    huge = "A" * 300_000
    raw = raw_email(
        sender="x@y.example",
        to=threading.reply_address(ticket.pk),
        subject="S" * 1000,
        body="bad\x00byte " + huge,
    )
    payload = postmark_payload(raw)
    assert post_inbound(payload).status_code == 200
    held = InboundEmail.objects.get()
    assert "\x00" not in held.original and "\x00" not in held.text
    assert len(held.original) <= 100_000 and len(held.subject) <= 200


@pytest.mark.parametrize(
    "raw",
    [
        "this is not an email at all",
        "From: <<<>>>\nTo: ,,,@@@\nMessage-ID: <\x00>\nContent-Type: multipart/mixed; "
        'boundary="b"\n\n--b\nContent-Type: text/plain; charset=nonexistent-charset\n'
        "Content-Transfer-Encoding: base64\n\n!!!not base64!!!\n--b",
        "Content-Type: text/plain; charset=utf-8\nFrom: a@b.example\n\n" + "\u0000" * 10,
        "Subject: =?utf-8?q?broken=\nFrom: =?bogus?b?xxx?=\nIn-Reply-To: <" + "x" * 5000,
    ],
)
def test_malformed_mime_is_held_never_a_500(post_inbound, raw):
    response = post_inbound(postmark_payload(raw))
    assert response.status_code == 200
    held = InboundEmail.objects.get()
    assert held.state == InboundEmail.State.HELD
    assert "\x00" not in held.original + held.sender + held.message_id


def test_html_only_email_is_read_as_text(post_inbound, make_ticket, customer):
    ticket = make_ticket(state="open")
    raw = (
        f"From: {customer.email}\nTo: {threading.reply_address(ticket.pk)}\n"
        "Message-ID: <html1@mail.customer.example>\nContent-Type: text/html; charset=utf-8\n\n"
        "<p>Thanks, <b>fixed</b>.</p>"
    )
    assert post_inbound(postmark_payload(raw)).status_code == 200
    assert [m.body for m in inbound_messages(ticket)] == ["Thanks, fixed."]

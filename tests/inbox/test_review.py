"""Leads review held email in the admin: attach it to a ticket as the customer's message,
or dismiss it with a reason; anyone else cannot, and the list costs a fixed number of
queries however many emails are held."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import PermissionRefused
from escalation.models import Channel, Direction, TicketState
from inbox.models import InboundEmail
from inbox.services import inbound_email_attach, inbound_email_dismiss
from outbox import threading
from tests.inbox.conftest import postmark_payload, raw_email

LIST = reverse("admin:inbox_inboundemail_changelist")


def review_url(email, step):
    return reverse("admin:inbox_inboundemail_review", args=[email.pk, step])


@pytest.fixture
def held(post_inbound, make_ticket):
    """A reply from the customer's other address to their waiting ticket: held."""
    ticket = make_ticket(state="waiting_on_customer")
    raw = raw_email(
        sender="jo.private@home.example",
        to=threading.reply_address(ticket.pk),
        body="Here is the log you asked for.\n\nOn Monday, Support wrote:\n> Send the log",
    )
    assert post_inbound(postmark_payload(raw)).status_code == 200
    email = InboundEmail.objects.get()
    assert email.state == InboundEmail.State.HELD
    return email


def test_a_lead_attaches_a_held_email_and_the_ticket_resumes(client_as, lead, held):
    client = client_as(lead)
    page = client.get(reverse("admin:inbox_inboundemail_change", args=[held.pk]))
    assert page.status_code == 200 and review_url(held, "attach").encode() in page.content
    form = client.get(review_url(held, "attach"))
    assert held.ticket.reference.encode() in form.content  # proposed from the reply address

    response = client.post(
        review_url(held, "attach"),
        {"ticket_reference": held.ticket.reference, "note": "Her private address"},
    )
    assert response.status_code == 302

    held.refresh_from_db()
    ticket = held.ticket
    ticket.refresh_from_db()
    assert held.state == InboundEmail.State.ATTACHED and held.reviewed_by == lead
    message = held.communication
    assert (message.ticket, message.direction, message.channel) == (
        ticket,
        Direction.INBOUND,
        Channel.EMAIL,
    )
    assert message.body == (
        "[By email from jo.private@home.example]\n\nHere is the log you asked for."
    )
    assert ticket.state == TicketState.OPEN
    assert ticket.history.filter(
        history_user=lead, history_change_reason="contact: inbound email"
    ).exists()
    assert held.history.latest().history_user == lead


def test_attaching_to_an_unknown_reference_is_refused_on_the_form(client_as, lead, held):
    response = client_as(lead).post(review_url(held, "attach"), {"ticket_reference": "ESC-999"})
    assert response.status_code == 200 and b"No ticket" in response.content
    held.refresh_from_db()
    assert held.state == InboundEmail.State.HELD


def test_a_lead_dismisses_with_a_reason(client_as, lead, held):
    client = client_as(lead)
    assert client.post(review_url(held, "dismiss"), {"reason": ""}).status_code == 200
    response = client.post(review_url(held, "dismiss"), {"reason": "Phishing attempt"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == InboundEmail.State.DISMISSED and held.review_note == "Phishing attempt"
    assert held.history.latest().history_change_reason == "dismissed: Phishing attempt"
    again = client.post(review_url(held, "attach"), {"ticket_reference": "ESC-1"})
    assert again.status_code == 302  # refused with a message: it is no longer held
    held.refresh_from_db()
    assert held.state == InboundEmail.State.DISMISSED


@pytest.mark.parametrize("role", ["agent", "senior", "auditor", "directory_admin"])
def test_no_one_but_a_lead_reviews_held_email(request, client, role, held):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for step, data in [("attach", {"ticket_reference": "ESC-1"}), ("dismiss", {"reason": "x"})]:
        assert client.post(review_url(held, step), data).status_code == 403
    held.refresh_from_db()
    assert held.state == InboundEmail.State.HELD


def test_the_services_refuse_a_non_lead(agent, held):
    with pytest.raises(PermissionRefused):
        inbound_email_attach(email=held, actor=agent, ticket_reference=held.ticket.reference)
    with pytest.raises(PermissionRefused):
        inbound_email_dismiss(email=held, actor=agent, reason="spam")


@pytest.mark.parametrize("role,status", [("lead", 200), ("auditor", 200), ("agent", 403)])
def test_who_sees_the_held_email_list(request, client, role, status, held):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == status


def test_the_list_costs_the_same_queries_for_one_or_many_emails(
    client_as, lead, post_inbound, held, customer
):
    client = client_as(lead)
    client.get(LIST)  # warm up the session and caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST + "?state__exact=held").status_code == 200
        return len(queries)

    one = count()
    for n in range(5):
        raw = raw_email(sender=customer.email, to=f"x{n}@reply.example.com", body=f"Hi {n}")
        post_inbound(postmark_payload(raw))
    assert count() == one

"""Verification over HTTP: agents start and record on the desk (the admin is read-only for
them), leads approve from their queue in the admin."""

from io import StringIO

from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from outbox.models import OutboxMessage
from tests.verification.conftest import action
from verification.models import VerificationRequest, VerificationState

SECRET_DIGITS = "4242"
SECRET_AMOUNT = "1337.99"


def start_url(customer):
    return reverse("admin:escalation_customer_verify", args=[customer.pk])


def factor_url(request):
    return reverse("admin:verification_verificationrequest_factor", args=[request.pk])


def desk_start_url(ticket):
    return reverse("desk:verification_start", args=[ticket.pk])


def desk_factor_url(request):
    return reverse("desk:verification", args=[request.ticket_id, request.pk])


def decide_url(request, decision):
    return reverse("admin:verification_verificationrequest_decide", args=[request.pk, decision])


def post_factor(client, url, kind, method="asked_and_compared", matched="yes", **extra):
    return client.post(url, {"kind": kind, "matched": matched, "method": method, **extra})


def _walk(client, start, factor_url_of):
    response = client.post(start, {"action": action("data-deletion").pk})
    assert response.status_code == 302
    request = VerificationRequest.objects.get()
    for kind, method in [
        ("email_control", "code_sent"),
        ("payment_last4", "asked_and_compared"),
        ("photo_id", "id_on_video"),
    ]:
        # An agent trying to write the secret down: the form has no place for it.
        response = post_factor(
            client,
            factor_url_of(request),
            kind,
            method,
            value=SECRET_DIGITS,
            amount=SECRET_AMOUNT,
            note=f"card ends {SECRET_DIGITS}",
        )
        assert response.status_code == 302
    request.refresh_from_db()
    return request


def walk_high_risk(client, ticket):
    """On the desk, as agents do it: a data deletion for the ticket's customer, its three
    factors recorded; the request then awaits a lead's approval."""
    return _walk(client, desk_start_url(ticket), desk_factor_url)


def walk_high_risk_in_admin(client, customer):
    """The same walk from the customer's page in the admin, as a lead does it."""
    return _walk(client, start_url(customer), factor_url)


def test_agent_starts_and_records_lead_approves_from_the_queue(client_as, agent, lead, make_ticket):
    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    assert request.state == VerificationState.AWAITING_APPROVAL
    client = client_as(lead)
    queue = client.get(reverse("admin:verification_approvalqueue_changelist"))
    assert list(queue.context["cl"].result_list) == [request]
    page = client.get(
        reverse("admin:verification_verificationrequest_change", args=[request.pk])
    ).content.decode()
    assert decide_url(request, "approve") in page
    response = client.post(decide_url(request, "approve"), {"reason": "ID checked"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (VerificationState.APPROVED, lead)


def test_the_approval_queue_is_invisible_to_agents(client_as, agent, lead, make_ticket):
    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    client = client_as(agent)
    assert client.get(reverse("admin:verification_approvalqueue_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    names = [m["object_name"] for app in index.context["app_list"] for m in app["models"]]
    assert "ApprovalQueue" not in names
    page = client.get(
        reverse("admin:verification_verificationrequest_change", args=[request.pk])
    ).content.decode()
    assert decide_url(request, "approve") not in page
    assert client.post(decide_url(request, "approve"), {"reason": "me"}).status_code == 403
    request.refresh_from_db()
    assert request.state == VerificationState.AWAITING_APPROVAL


def test_a_lead_who_requested_sees_no_approve_button_and_is_refused(client_as, lead, customer):
    request = walk_high_risk_in_admin(client_as(lead), customer)
    client = client_as(lead)
    page = client.get(
        reverse("admin:verification_verificationrequest_change", args=[request.pk])
    ).content.decode()
    assert decide_url(request, "approve") not in page
    response = client.post(decide_url(request, "approve"), {"reason": "self"})
    assert response.status_code == 200  # the form again, the refusal on it once
    assert "Four eyes" in str(response.context["form"].non_field_errors())
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    request.refresh_from_db()
    assert request.state == VerificationState.AWAITING_APPROVAL


def test_an_irrelevant_factor_is_refused_on_the_form(client_as, agent, make_ticket):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(desk_start_url(ticket), {"action": action("2fa-removal").pk})
    request = VerificationRequest.objects.get()
    response = post_factor(client, desk_factor_url(request), "photo_id", "id_on_video")
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not request.factors.exists()


def test_starting_without_an_action_shows_an_error(client_as, agent, make_ticket):
    ticket = make_ticket(state="open")
    response = client_as(agent).post(desk_start_url(ticket), {"action": ""})
    assert response.status_code == 200 and "action" in response.context["form"].errors
    assert not VerificationRequest.objects.exists()


def test_agents_start_and_record_nothing_in_the_admin(client_as, agent, make_ticket):
    """The admin's start and factor steps are read-only for agents: a hand-made POST is a
    403 and nothing is started or recorded."""
    ticket = make_ticket(state="open")
    client = client_as(agent)
    response = client.post(start_url(ticket.customer), {"action": action("2fa-removal").pk})
    assert response.status_code == 403
    assert not VerificationRequest.objects.exists()
    client.post(desk_start_url(ticket), {"action": action("2fa-removal").pk})
    request = VerificationRequest.objects.get()
    response = post_factor(client, factor_url(request), "payment_last4")
    assert response.status_code == 403
    assert not request.factors.exists()


def test_no_secret_value_reaches_the_database_history_or_outbox(
    client_as, agent, lead, make_ticket
):
    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    client_as(lead).post(decide_url(request, "approve"), {"reason": "ok"})
    assert OutboxMessage.objects.exists()  # the approval request went out
    dump = StringIO()
    call_command("dumpdata", stdout=dump, exclude=["contenttypes", "auth.permission", "sessions"])
    text = dump.getvalue()
    assert '"model": "verification.historicalfactorcheck"' in text  # history is in the dump
    # Quoted or with its words: bare digits could occur by chance inside a timestamp.
    for secret in (f'"{SECRET_DIGITS}"', f"ends {SECRET_DIGITS}", SECRET_AMOUNT):
        assert secret not in text


def test_the_pages_list_the_factors_and_the_customers_requests(
    client_as, agent, lead, customer, make_ticket
):
    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    client = client_as(lead)
    page = client.get(
        reverse("admin:verification_verificationrequest_change", args=[request.pk])
    ).content.decode()
    assert page.count("<td>matched</td>") == 3 and "<td>agent1</td>" in page
    page = client.get(reverse("admin:escalation_customer_change", args=[customer.pk]))
    link = reverse("admin:verification_verificationrequest_change", args=[request.pk])
    assert f'<a href="{link}">#{request.pk}</a>' in page.content.decode()


def test_starting_from_a_ticket_ties_the_verification_to_it(client_as, agent, lead, make_ticket):
    """From the admin's ticket page (a lead: `?ticket=` names the ticket) and from the desk's
    (an agent: the page is the ticket's), the verification belongs to the ticket."""
    ticket = make_ticket(state="open")
    response = client_as(lead).post(
        start_url(ticket.customer) + f"?ticket={ticket.reference}",
        {"action": action("2fa-removal").pk},
    )
    started = VerificationRequest.objects.get()
    assert response["Location"] == factor_url(started).replace("factor/", "change/")
    assert (started.ticket_id, started.requested_by) == (ticket.pk, lead)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{started} started: record the factors now."
    ]
    response = client_as(agent).post(desk_start_url(ticket), {"action": action("data-deletion").pk})
    on_desk = VerificationRequest.objects.exclude(pk=started.pk).get()
    assert response["Location"] == desk_factor_url(on_desk)
    assert (on_desk.ticket_id, on_desk.requested_by) == (ticket.pk, agent)

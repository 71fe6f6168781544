"""The desk ticket page and its actions: same forms and services as the admin."""

from django.contrib.messages import get_messages
from django.urls import reverse

from escalation import services
from escalation.models import Communication, Escalation, Ticket, TicketState
from tests.factories import CustomerFactory, UserFactory, escalate_form, full_handoff


def page_url(ticket):
    return reverse("desk:ticket", args=[ticket.pk])


def act(ticket, action):
    return reverse("desk:ticket_action", args=[ticket.pk, action])


def shown(response) -> list[str]:
    """The messages the next page shows the user."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_ticket_page_shows_customer_guidance_route_and_actions(client_as, make_ticket, agent):
    ticket = make_ticket(code="account-breach", state="open")
    page = client_as(agent).get(page_url(ticket)).content.decode()
    assert "Do NOT investigate yourself - preserve evidence" in page
    assert "The hand-off must include:</strong> User ID, Timestamp, Description" in page
    assert "Route now:</strong> Security" in page
    assert act(ticket, "escalate") in page and act(ticket, "log_contact") in page
    assert act(ticket, "cancel") not in page


def test_agent_logs_a_contact_escalates_and_the_senior_accepts_from_the_queue(
    client_as, make_ticket, agent, senior
):
    ticket = make_ticket(code="core-functionality-bug", state="open")
    client = client_as(agent)
    response = client.post(
        act(ticket, "log_contact"),
        {"direction": "outbound", "channel": "email", "body": "We are looking into it"},
    )
    assert response["Location"] == page_url(ticket)
    assert shown(response) == [
        f"{ticket.reference} updated: the message is emailed to {ticket.customer.email}."
    ]
    assert Communication.objects.get().body == "We are looking into it"
    refused = client.post(act(ticket, "escalate"), escalate_form(ticket, troubleshooting=""))
    assert "troubleshooting" in refused.context["form"].errors
    assert not Escalation.objects.exists()
    response = client.post(act(ticket, "escalate"), escalate_form(ticket))
    assert shown(response) == [f"{ticket.reference} escalated."]
    assert Escalation.objects.get().requested_by == agent
    senior_client = client_as(senior)
    queue = senior_client.get(reverse("desk:queue"))
    assert [w["escalation"].ticket for w in queue.context["waiting"]] == [ticket]
    response = senior_client.post(act(ticket, "accept_escalation"), {"reason": ""})
    assert shown(response) == [f"{ticket.reference} accepted."]
    ticket.refresh_from_db()
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, senior)


def test_an_agent_cannot_open_another_teams_ticket_by_guessing_its_url(
    client_as, make_ticket, agent
):
    engineer = UserFactory(username="eng3", role="Technical specialist")
    theirs = make_ticket(owner=engineer, state="open")
    services.ticket_escalate(  # now L3's: no longer the L1 team's
        ticket=theirs, actor=engineer, to_tier=3, reason="Code change", handoff=full_handoff(theirs)
    )
    client = client_as(agent)
    assert client.get(page_url(theirs)).status_code == 404
    assert client.post(act(theirs, "resolve"), {"summary": "x"}).status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).state == TicketState.ESCALATED


def test_an_agent_cannot_accept_an_escalation_for_another_tier(
    client_as, make_ticket, agent, senior
):
    ticket = make_ticket(state="open")
    client_as(agent).post(act(ticket, "escalate"), escalate_form(ticket, to_tier=3))
    response = client_as(senior).post(act(ticket, "accept_escalation"), {"reason": ""})
    assert response.status_code == 404  # an L3 escalation is not the L2 team's ticket
    agent_response = client_as(agent).post(act(ticket, "accept_escalation"), {"reason": ""})
    assert "only that tier" in shown(agent_response)[-1]
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.ESCALATED


def test_unknown_actions_and_other_roles_are_refused(client_as, make_ticket, agent, auditor):
    ticket = make_ticket()
    assert client_as(agent).get(act(ticket, "explode")).status_code == 404
    assert client_as(auditor).get(page_url(ticket)).status_code == 403


def test_the_ticket_page_does_a_fixed_number_of_queries(
    client_as, make_ticket, agent, django_assert_max_num_queries
):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.get(page_url(ticket))
    with django_assert_max_num_queries(40) as few:
        client.get(page_url(ticket))
    for n in range(20):
        services.communication_log(
            ticket=ticket, actor=agent, direction="internal", channel="internal", body=f"note {n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(page_url(ticket)).content.decode()
    assert "note 19" in page


def test_agent_starts_and_continues_an_identity_verification_from_the_desk(
    client_as, make_ticket, agent
):
    from verification.models import SensitiveAction, VerificationRequest

    ticket = make_ticket(code="locked-out-2fa", state="open")
    client = client_as(agent)
    assert (
        reverse("desk:verification_start", args=[ticket.pk])
        in client.get(page_url(ticket)).content.decode()
    )
    response = client.post(
        reverse("desk:verification_start", args=[ticket.pk]),
        {"action": SensitiveAction.objects.get(code="2fa-removal").pk},
    )
    check = VerificationRequest.objects.get()
    assert response["Location"] == reverse("desk:verification", args=[ticket.pk, check.pk])
    url = reverse("desk:verification", args=[ticket.pk, check.pk])
    refused = client.post(url, {"kind": "photo_id", "matched": "yes", "method": "id_on_video"})
    assert "kind" in refused.context["form"].errors  # photo ID does not count for medium
    for kind in ("payment_last4", "creation_date"):
        client.post(
            url, {"kind": kind, "matched": "yes", "method": "asked_and_compared", "last4": "4242"}
        )
    check.refresh_from_db()
    assert check.state == "verified" and check.ticket_id == ticket.pk
    assert client.get(url).context["form"] is None  # nothing left to record


def test_a_verification_of_another_customer_is_not_reachable_through_this_ticket(
    client_as, make_ticket, agent
):
    from verification import services as verify
    from verification.models import SensitiveAction

    other = make_ticket(customer=CustomerFactory())
    mine = make_ticket()
    check = verify.verification_start(
        subject=other.customer,
        actor=agent,
        action=SensitiveAction.objects.get(code="password-reset"),
    )
    url = reverse("desk:verification", args=[mine.pk, check.pk])
    assert client_as(agent).get(url).status_code == 404

"""The admin for those who only read it (issue 13, defect 4/5): agents see their own tickets
and their tier's, read-only; view-only roles get 403 on every write URL, nothing changed."""

import pytest
from django.urls import reverse

from escalation import services
from escalation.models import DepartmentRequestState, Ticket, TicketState
from escalation.policies import TICKET_ACTIONS
from tests.factories import CustomerFactory, category, full_handoff
from tests.verification.conftest import action
from verification import services as verify

TICKETS = reverse("admin:escalation_ticket_changelist")


def change_url(ticket):
    return reverse("admin:escalation_ticket_change", args=[ticket.pk])


def step_url(request, step):
    return reverse("admin:escalation_departmentrequest_step", args=[request.pk, step])


def escalated(ticket, actor, to_tier):
    return services.ticket_escalate(
        ticket=ticket,
        actor=actor,
        to_tier=to_tier,
        reason="Next tier",
        handoff=full_handoff(ticket),
    )


def listed(client, **query) -> set:
    response = client.get(TICKETS, query)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_an_agents_ticket_list_shows_their_own_and_their_tiers_tickets(
    client_as, make_ticket, agent, agent2, engineer, lead, auditor
):
    mine = make_ticket(state="open")
    my_tiers = make_ticket(owner=agent2, state="open")
    mine_at_l2 = escalated(make_ticket(state="open"), agent, 2)  # still mine until accepted
    engineers = escalated(make_ticket(owner=engineer, state="open"), engineer, 3)
    assert (mine_at_l2.tier, mine_at_l2.owner, engineers.tier) == (2, agent, 3)
    client = client_as(agent)
    assert listed(client) == {mine, my_tiers, mine_at_l2}
    assert listed(client, q=engineers.reference) == set()
    response = client.get(change_url(engineers))  # not theirs to read, even by its URL
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    everything = {mine, my_tiers, mine_at_l2, engineers}
    for user in (lead, auditor):
        assert listed(client_as(user)) == everything, user
    assert listed(client_as(engineer)) == {engineers}


def test_an_agents_ticket_list_does_a_fixed_number_of_queries(
    client_as, make_ticket, agent, engineer, django_assert_num_queries
):
    """11 queries for 3 rows and for 30: the session, the user, their permissions (2), their
    role names (the tier the list is scoped to, read once), the category, owner and incident
    filters, the count, whether they write in the admin, and the page of tickets."""
    client = client_as(agent)
    for _ in range(3):
        make_ticket(state="open", customer=CustomerFactory())
    escalated(make_ticket(owner=engineer, state="open"), engineer, 3)
    client.get(TICKETS)  # warm caches (content types, permissions)
    with django_assert_num_queries(11):
        assert len(client.get(TICKETS).context["cl"].result_list) == 3
    for _ in range(27):
        make_ticket(state="open", customer=CustomerFactory())
    with django_assert_num_queries(11):
        assert len(client.get(TICKETS).context["cl"].result_list) == 30


def test_an_auditors_posts_to_the_admin_are_refused_and_change_nothing(
    client_as, make_ticket, agent, auditor, customer
):
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="Logs", customer_impact="Blocked", findings="E-42"
    )
    ticket.refresh_from_db()
    ticket_history = list(ticket.history.values_list("history_id", flat=True))
    request_history = list(request.history.values_list("history_id", flat=True))
    client = client_as(auditor)
    page = client.get(change_url(ticket)).content.decode()
    assert 'name="_save"' not in page
    assert not any(
        reverse("admin:escalation_ticket_action", args=[ticket.pk, code]) in page
        for code in TICKET_ACTIONS
    )
    page = client.get(reverse("admin:escalation_departmentrequest_change", args=[request.pk]))
    assert not any(step_url(request, s) in page.content.decode() for s in ("answer", "cancel"))

    add = {
        "customer": customer.pk,
        "category": category("fraud").pk,
        "owner": agent.pk,
        "subject": "Charged twice",
        "priority": "",
        "sentiment": "calm",
    }
    assert client.post(reverse("admin:escalation_ticket_add"), add).status_code == 403
    edit = {
        "subject": "Audited away",
        "description": "",
        "priority": "low",
        "category": ticket.category_id,
        "sentiment": "calm",
        "external_reference": "",
    }
    assert client.post(change_url(ticket), edit).status_code == 403
    for step, data in [("answer", {"answer": "Done"}), ("cancel", {"reason": "x"})]:
        assert client.post(step_url(request, step), data).status_code == 403

    assert list(Ticket.objects.all()) == [ticket]
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority, ticket.state) == (
        "Sync stopped",
        "high",
        TicketState.WAITING_ON_DEPARTMENT,
    )
    assert list(ticket.history.values_list("history_id", flat=True)) == ticket_history
    request.refresh_from_db()
    assert (request.state, request.answer) == (DepartmentRequestState.OPEN, "")
    assert list(request.history.values_list("history_id", flat=True)) == request_history


def _department_request_page(ticket, agent):
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="Logs", customer_impact="Blocked", findings="E-42"
    )
    page = reverse("admin:escalation_departmentrequest_change", args=[request.pk])
    return page, step_url(request, "answer")


def _ticket_page(ticket, agent):
    verify_url = reverse("admin:escalation_customer_verify", args=[ticket.customer_id])
    return change_url(ticket), verify_url


def _customer_page(ticket, agent):
    page = reverse("admin:escalation_customer_change", args=[ticket.customer_id])
    return page, reverse("admin:escalation_customer_verify", args=[ticket.customer_id])


def _verification_page(ticket, agent):
    check = verify.verification_start(
        subject=ticket.customer, actor=agent, action=action("2fa-removal"), ticket_id=ticket.pk
    )
    page = reverse("admin:verification_verificationrequest_change", args=[check.pk])
    return page, reverse("admin:verification_verificationrequest_factor", args=[check.pk])


WRITE_LINKS = [
    pytest.param(
        _department_request_page,
        id="department-request-steps",
    ),
    pytest.param(
        _ticket_page,
        id="ticket-verify-identity",
    ),
    pytest.param(
        _customer_page,
        id="customer-verify-identity",
    ),
    pytest.param(
        _verification_page,
        id="verification-record-factor",
    ),
]


@pytest.mark.parametrize("page_and_step", WRITE_LINKS)
def test_an_agents_read_only_pages_link_to_no_write_step(
    client_as, make_ticket, agent, page_and_step
):
    """A read-only page shows no step buttons: each one leads to a form whose POST is a 403."""
    page_url, step = page_and_step(make_ticket(state="open"), agent)
    client = client_as(agent)
    page = client.get(page_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert step not in page.content.decode()


def test_an_agent_gets_no_admin_step_form_whose_post_is_refused(client_as, make_ticket, agent):
    ticket = make_ticket(state="open")
    steps = [
        _department_request_page(ticket, agent)[1],
        _customer_page(ticket, agent)[1],
        _verification_page(ticket, agent)[1],
    ]
    client = client_as(agent)
    assert [client.get(url).status_code for url in steps] == [403, 403, 403]

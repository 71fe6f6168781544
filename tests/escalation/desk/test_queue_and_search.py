"""The agents' desk: my queue (most urgent first) and search, scoped to what I may see."""

import factory
import time_machine
from django.urls import reverse

from escalation import services
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, UserFactory, full_handoff

QUEUE = reverse("desk:queue")
SEARCH = reverse("desk:search")


def test_my_queue_lists_my_tickets_breached_first_then_at_risk_then_by_deadline(
    client_as, make_ticket, agent, agent2
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        later = make_ticket(code="feature-request", priority="medium")  # due Tue
        breached = make_ticket(code="fraud")  # critical: first response 09:30
        at_risk = make_ticket(code="feature-request", priority="high")  # due 13:00
        make_ticket(owner=agent2)  # someone else's
    with time_machine.travel(ny(2026, 11, 2, 12, 30), tick=False):
        response = client_as(agent).get(QUEUE)
    rows = list(response.context["page"].object_list)
    assert rows == [breached, at_risk, later]
    page = response.content.decode()
    assert "Breached</strong> 3 h ago" in page and "At risk:</strong> 30 min left" in page


def test_escalations_waiting_for_my_tier_show_how_long_they_waited(
    client_as, make_ticket, agent, senior
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        ticket = make_ticket(state="open")
        services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="Needs DB", handoff=full_handoff(ticket)
        )
    with time_machine.travel(ny(2026, 11, 2, 9, 20), tick=False):
        senior_page = client_as(senior).get(QUEUE)
        agent_page = client_as(agent).get(QUEUE)
    waiting = senior_page.context["waiting"]
    assert [w["escalation"].ticket for w in waiting] == [ticket]
    assert waiting[0]["late"] is True and "20 min · late" in senior_page.content.decode()
    assert agent_page.context["waiting"] == []  # addressed to L2, not to the requester


def test_the_queue_does_a_fixed_number_of_queries(
    client_as, make_ticket, agent, django_assert_max_num_queries
):
    client = client_as(agent)
    make_ticket()
    client.get(QUEUE)
    with django_assert_max_num_queries(15) as few:
        client.get(QUEUE)
    for _ in range(20):
        make_ticket(customer=CustomerFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(QUEUE).status_code == 200


def test_search_finds_by_reference_email_and_external_reference(client_as, make_ticket, agent):
    wanted = make_ticket(
        customer=CustomerFactory(email="jane@acme.test"), external_reference="ZD-777"
    )
    client = client_as(agent)
    for query in (wanted.reference, "jane@acme", "ZD-777"):
        assert list(client.get(SEARCH, {"q": query}).context["page"].object_list) == [wanted]


def test_agents_do_not_find_other_teams_tickets_but_leads_do(client_as, make_ticket, agent, lead):
    engineer = UserFactory(username="eng2", role="Technical specialist")
    theirs = make_ticket(
        owner=engineer, customer=CustomerFactory(email="x@other.test"), state="open"
    )
    theirs = services.ticket_escalate(  # now L3's: no longer the L1 team's
        ticket=theirs, actor=engineer, to_tier=3, reason="Code change", handoff=full_handoff(theirs)
    )
    assert list(client_as(agent).get(SEARCH, {"q": "x@other"}).context["page"].object_list) == []
    assert list(client_as(lead).get(SEARCH, {"q": "x@other"}).context["page"].object_list) == [
        theirs
    ]


def test_the_desk_is_for_support_roles(client, client_as, auditor, directory_admin):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "login" in response["Location"]  # log in first
    assert client_as(auditor).get(QUEUE).status_code == 403
    assert client_as(directory_admin).get(SEARCH).status_code == 403


SEARCH_QUERIES = 7  # session, user, groups, 2 x permissions, count, one page of rows


def test_search_does_a_fixed_number_of_queries_whatever_the_number_of_matches(
    client_as, make_ticket, agent, agent2, django_assert_max_num_queries
):
    def add_matches(n):
        for _ in range(n):
            customer = CustomerFactory(email=factory.Sequence(lambda n: f"ops{n}@acme.test"))
            make_ticket(customer=customer, owner=agent2, code="feature-request")

    client = client_as(agent)
    add_matches(3)
    client.get(SEARCH, {"q": "acme"})  # the first request of a session costs more
    with django_assert_max_num_queries(SEARCH_QUERIES):
        page = client.get(SEARCH, {"q": "acme"})
    assert page.content.decode().count('<tr class="sla-') == 3
    add_matches(27)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        page = client.get(SEARCH, {"q": "acme"})
    assert page.content.decode().count('<tr class="sla-') == 25  # a full page of 30 matches
    assert "Page 1 of 2" in page.content.decode()
    with django_assert_max_num_queries(SEARCH_QUERIES):
        page = client.get(SEARCH, {"q": "acme", "page": 2})
    assert page.content.decode().count('<tr class="sla-') == 5

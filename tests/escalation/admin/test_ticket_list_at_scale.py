"""The leads' ticket list at 100,000 tickets (issue 18): it never counts the whole table,
and each row is drawn without a template (the selection checkbox included)."""

import pytest
from django.urls import reverse

from core.pagination import CappedCountPaginator
from escalation import services
from tests.factories import CustomerFactory

LIST = reverse("admin:escalation_ticket_changelist")


@pytest.fixture
def seven_tickets(make_ticket):
    return [make_ticket(state="open", customer=CustomerFactory()) for _ in range(7)]


@pytest.mark.parametrize("query", [{}, {"state__exact": "open"}, {"q": "Customer"}])
def test_the_list_counts_no_further_than_its_cap(
    client_as, lead, seven_tickets, monkeypatch, django_assert_max_num_queries, query
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    client = client_as(lead)
    client.get(LIST, query)
    with django_assert_max_num_queries(12) as queries:
        response = client.get(LIST, query)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    assert "More than 5 tickets" in response.content.decode()


def test_a_short_list_still_says_exactly_how_many(client_as, lead, seven_tickets):
    page = client_as(lead).get(LIST).content.decode()
    assert "7 tickets" in page and "More than" not in page


def test_each_row_has_the_selection_checkbox_the_actions_need(client_as, lead, seven_tickets):
    page = client_as(lead).get(LIST).content.decode()
    ticket = seven_tickets[0]
    assert (
        f'<input type="checkbox" name="_selected_action" value="{ticket.pk}" '
        f'class="action-select" aria-label="Select this object for an action - {ticket}">'
    ) in page
    assert 'id="action-toggle"' in page


def test_linking_the_selected_tickets_still_works(client_as, lead, seven_tickets):
    response = client_as(lead).post(
        LIST,
        {"action": "link_to_incident", "_selected_action": [seven_tickets[0].pk]},
    )
    assert response.status_code == 200  # the incident picker, for the one ticket chosen
    assert list(response.context["tickets"]) == [seven_tickets[0]]


def test_acting_on_all_matches_past_the_cap_is_refused_and_changes_nothing(
    client_as, lead, seven_tickets, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    incident = services.incident_declare(
        actor=lead, title="Sync outage", affected_service="Sync", holding_message="On it."
    )
    response = client_as(lead).post(
        LIST,
        {
            "action": "link_to_incident",
            "select_across": "1",
            "_selected_action": [t.pk for t in seven_tickets[:5]],
            "incident": incident.pk,
        },
        follow=True,
    )
    assert "More than 5 tickets match" in response.content.decode()
    assert not incident.tickets.exists()

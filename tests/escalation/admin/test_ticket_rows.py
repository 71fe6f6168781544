"""The ticket list's rows, drawn once per row (issue 18), read as Django drew them: the
same cells, links and classes, sorting by a column, and the bulk action on the selection."""

import re

import pytest
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.urls import reverse

from escalation import services
from tests.factories import CustomerFactory

LIST = reverse("admin:escalation_ticket_changelist")
CUSTOMER_COLUMN = 3  # ?o= counts the selection checkbox: reference 1, subject 2, customer 3


@pytest.fixture
def three_tickets(make_ticket):
    names = ["Zed Retail", "Adam & Sons", "Mia <Labs>"]  # one to escape
    return [make_ticket(state="open", customer=CustomerFactory(name=n)) for n in names]


def references_in(page: str) -> list[str]:
    return re.findall(r'<th class="field-reference"><a href="[^"]*">(ESC-\d+)</a></th>', page)


@pytest.mark.parametrize("query", [{}, {"state__exact": "open", "o": "-3"}])
def test_each_row_is_the_row_django_would_draw(client_as, lead, three_tickets, query):
    response = client_as(lead).get(LIST, query)
    page, cl = response.content.decode(), response.context["cl"]
    assert len(cl.result_list) == 3
    for ticket in cl.result_list:
        assert "<tr>" + "".join(items_for_result(cl, ticket, None)) + "</tr>" in page


def test_a_row_shows_the_ticket_and_links_to_its_page_keeping_the_filter(
    client_as, lead, three_tickets
):
    page = client_as(lead).get(LIST, {"state__exact": "open"}).content.decode()
    ticket = three_tickets[2]
    change = reverse("admin:escalation_ticket_change", args=[ticket.pk])
    kept = "?_changelist_filters=state__exact%3Dopen"
    assert (
        f'<th class="field-reference"><a href="{change}{kept}">{ticket.reference}</a></th>' in page
    )
    assert f'<td class="field-subject"><a href="{change}{kept}">{ticket.subject}</a></td>' in page
    assert '<td class="field-customer_card">Mia &lt;Labs&gt;<br><small>' in page
    assert f'<span class="chip state-open">{ticket.get_state_display()}</span>' in page
    priority = f'<span class="chip priority-{ticket.priority}">{ticket.get_priority_display()}'
    assert priority in page
    assert f'<td class="field-owner nowrap">{ticket.owner}</td>' in page
    assert f'<td class="field-category nowrap">{ticket.category}</td>' in page
    assert f'<td class="field-tier">{ticket.get_tier_display()}</td>' in page
    assert '<td class="action-checkbox"><input type="checkbox" name="_selected_action"' in page


def test_sorting_by_customer_orders_the_rows_and_marks_the_header(client_as, lead, three_tickets):
    client = client_as(lead)
    by_name = sorted(three_tickets, key=lambda t: t.customer.name)
    up = client.get(LIST, {"o": str(CUSTOMER_COLUMN)}).content.decode()
    down = client.get(LIST, {"o": f"-{CUSTOMER_COLUMN}"}).content.decode()
    assert references_in(up) == [t.reference for t in by_name]
    assert references_in(down) == [t.reference for t in reversed(by_name)]
    assert 'class="sortable column-customer_card sorted ascending"' in up
    assert 'id="action-toggle"' in up and '<table id="result_list">' in up


def test_the_selected_tickets_are_linked_to_an_incident(client_as, lead, three_tickets):
    incident = services.incident_declare(
        actor=lead, title="Sync outage", affected_service="Sync", holding_message="On it."
    )
    chosen = three_tickets[:2]
    response = client_as(lead).post(
        LIST,
        {
            "action": "link_to_incident",
            "_selected_action": [t.pk for t in chosen],
            "incident": incident.pk,
        },
    )
    assert response.status_code == 302
    assert set(incident.tickets.all()) == set(chosen)

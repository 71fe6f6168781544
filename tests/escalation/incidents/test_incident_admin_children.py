"""Issue 17 in the admin: a lead posts status updates from the incident page, sees the
children and the clocks the incident holds, unlinks tickets, and resolves them all."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.choices import Priority
from escalation import services
from escalation.models import IncidentUpdate, TicketState
from outbox.models import OutboxMessage
from tests.escalation.incidents.conftest import MONDAY_9
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory


def step_url(incident, step):
    return reverse("admin:escalation_majorincident_step", args=[incident.pk, step])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def governed(declare, make_ticket, lead, at):
    """A critical incident declared Monday 9:00 with two customers' open tickets linked."""
    with at(MONDAY_9):
        tickets = [
            make_ticket(
                code="feature-request",
                priority=Priority.HIGH,
                state="open",
                customer=CustomerFactory(),
            )
            for _ in range(2)
        ]
    incident = declare()
    with at(ny(2026, 11, 2, 9, 5)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=tickets)
    return incident, tickets


def test_the_incident_page_shows_its_children_and_their_suspended_clocks_in_fixed_queries(
    client_as, lead, governed, declare, make_ticket, at, django_assert_max_num_queries
):
    incident, tickets = governed
    client = client_as(lead)
    url = reverse("admin:escalation_majorincident_change", args=[incident.pk])
    with django_assert_max_num_queries(60) as two_tickets:
        page = client.get(url).content.decode()
    for ticket in tickets:
        assert ticket.reference in page
    assert "Resolution (suspended since 2026-11-02" in page  # NY time: 09:05
    assert "Post status update" in page and "next status update due" in page.lower()
    with at(MONDAY_9):
        more = [make_ticket(customer=CustomerFactory()) for _ in range(4)]
    services.incident_link_tickets(incident=incident, actor=lead, tickets=more)
    # Six linked tickets cost the page exactly what two did.
    with django_assert_max_num_queries(len(two_tickets.captured_queries)):
        page = client.get(url).content.decode()
    assert all(t.reference in page for t in more)


def test_a_lead_posts_an_update_from_the_incident_page(client_as, lead, governed, at):
    incident, tickets = governed
    client = client_as(lead)
    with at(ny(2026, 11, 2, 9, 30)):
        early = client.post(step_url(incident, "update"), {"text": "Deploying a fix."})
    assert early.status_code == 200  # refused on the form, naming when the next is due
    assert "due at 2026-11-02" in early.content.decode()
    assert not IncidentUpdate.objects.exists()
    with at(ny(2026, 11, 2, 10, 1)):
        response = client.post(step_url(incident, "update"), {"text": "Deploying a fix."})
    assert response.status_code == 302
    assert messages_of(response) == [f"{incident}: update sent to 2 customer(s)."]
    told = OutboxMessage.objects.filter(event_key__startswith=f"incident:{incident.pk}:update:")
    assert sorted(m.recipient for m in told) == sorted(t.customer.email for t in tickets)


def test_an_agent_cannot_post_an_update_even_by_a_hand_made_post(client_as, agent, governed, at):
    incident, _ = governed
    with at(ny(2026, 11, 2, 11)):
        response = client_as(agent).post(step_url(incident, "update"), {"text": "x"})
    assert response.status_code == 403
    assert not IncidentUpdate.objects.exists()


def test_unlinking_from_the_page_gives_the_ticket_its_clocks_back(client_as, lead, governed, at):
    incident, (kept, freed) = governed
    with at(ny(2026, 11, 2, 10)):
        response = client_as(lead).post(
            step_url(incident, "unlink"), {"tickets": f"{freed.reference}, ESC-999999"}
        )
    assert response.status_code == 302
    assert messages_of(response) == [f"{incident}: 1 ticket(s) unlinked; their clocks run again."]
    freed.refresh_from_db()
    kept.refresh_from_db()
    assert freed.incident is None and not freed.sla_paused
    assert kept.incident_id == incident.pk and kept.sla_paused


def test_resolving_from_the_page_resolves_the_children(client_as, lead, governed, at):
    incident, tickets = governed
    with at(ny(2026, 11, 2, 12)):
        response = client_as(lead).post(step_url(incident, "resolve"), {"message": "Fixed."})
    assert response.status_code == 302
    assert messages_of(response) == [
        f"{incident}: resolved; its open tickets were resolved with it."
    ]
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.state == TicketState.RESOLVED

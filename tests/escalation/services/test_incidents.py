"""003 "In Case of Major Incident": declare, link, tell each customer once, resolve."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Communication, IncidentState, MajorIncident
from outbox.models import OutboxMessage
from tests.factories import CustomerFactory

HOLDING = (
    "Hi {customer_name}, we're aware of an issue affecting sync. Our team is actively "
    "investigating. Reference {ticket_reference}."
)


@pytest.fixture
def incident(lead):
    return services.incident_declare(
        actor=lead, title="Sync down", affected_service="Sync", holding_message=HOLDING
    )


def test_declaring_alerts_the_incidents_team_by_mail_and_chat(incident):
    recipients = set(
        OutboxMessage.objects.filter(event_key=f"incident:{incident.pk}:declared").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"incidents@example.com", "#incidents"}


def test_only_leads_declare(agent):
    with pytest.raises(PermissionRefused, match="Only leads declare major incidents"):
        services.incident_declare(actor=agent, title="x", affected_service="y", holding_message="z")
    assert not MajorIncident.objects.exists() and not OutboxMessage.objects.exists()


def test_a_holding_message_with_other_placeholders_is_refused(lead):
    with pytest.raises(InvalidInput, match="not \\{owner_name\\}"):
        services.incident_declare(
            actor=lead,
            title="x",
            affected_service="y",
            holding_message="Hi {customer_name}, {owner_name} here",
        )
    assert not MajorIncident.objects.exists()


def test_linking_tells_each_customer_once_and_it_shows_on_the_timeline(incident, lead, make_ticket):
    alice, bob = CustomerFactory(name="Alice"), CustomerFactory(name="Bob")
    tickets = [
        make_ticket(customer=alice, state="open"),
        make_ticket(customer=alice),
        make_ticket(customer=bob, state="open"),
    ]
    assert services.incident_link_tickets(incident=incident, actor=lead, tickets=tickets) == 3
    holding = OutboxMessage.objects.filter(event_key__startswith=f"incident:{incident.pk}:hold")
    assert sorted(m.recipient for m in holding) == sorted([alice.email, bob.email])
    assert "Hi Alice, we're aware" in holding.get(recipient=alice.email).body
    # Exactly one email each: the timeline's record of the message sends nothing itself.
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 1
    assert Communication.objects.filter(direction="outbound").count() == 2
    assert services.incident_link_tickets(incident=incident, actor=lead, tickets=tickets) == 0
    assert tickets[0].history.latest().history_change_reason == (
        f"incident: linked to #{incident.pk}"
    )


def test_resolving_updates_every_linked_customer_once(incident, lead, make_ticket):
    a, b = CustomerFactory(), CustomerFactory()
    services.incident_link_tickets(
        incident=incident,
        actor=lead,
        tickets=[make_ticket(customer=a), make_ticket(customer=a), make_ticket(customer=b)],
    )
    with pytest.raises(InvalidInput, match="Write the message"):
        services.incident_advance(incident=incident, actor=lead, step="resolve")
    services.incident_advance(incident=incident, actor=lead, step="identify")
    incident = services.incident_advance(
        incident=incident, actor=lead, step="resolve", message="Hi {customer_name}, it's fixed."
    )
    assert incident.state == IncidentState.RESOLVED
    resolved = OutboxMessage.objects.filter(event_key__startswith=f"incident:{incident.pk}:res")
    assert sorted(m.recipient for m in resolved) == sorted([a.email, b.email])
    with pytest.raises(TransitionRefused):
        services.incident_advance(incident=incident, actor=lead, step="monitor")


def test_leads_link_tickets_in_bulk_from_the_ticket_list(client_as, lead, incident, make_ticket):
    tickets = [make_ticket(customer=CustomerFactory()) for _ in range(2)]
    url = reverse("admin:escalation_ticket_changelist")
    selected = {"action": "link_to_incident", "_selected_action": [t.pk for t in tickets]}
    client = client_as(lead)
    page = client.post(url, selected)
    assert page.status_code == 200 and "Link tickets to a major incident" in page.content.decode()
    response = client.post(url, {**selected, "incident": incident.pk})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"2 ticket(s) linked to {incident}."
    ]
    assert set(incident.tickets.all()) == set(tickets)
    for ticket in tickets:
        linked = ticket.history.get(history_change_reason=f"incident: linked to #{incident.pk}")
        assert linked.history_user == lead


def test_agents_cannot_link_tickets(client_as, agent, lead, incident, make_ticket):
    """The agent's ticket list offers no link action, and a hand-made POST of it is a 403
    (the admin is read-only for agents): nothing linked, no customer told."""
    ticket = make_ticket()
    url = reverse("admin:escalation_ticket_changelist")
    client = client_as(agent)
    response = client.post(
        url,
        {"action": "link_to_incident", "_selected_action": [ticket.pk], "incident": incident.pk},
    )
    assert response.status_code == 403
    assert incident.tickets.count() == 0
    page = client.get(url)
    assert list(page.context["cl"].result_list) == [ticket]
    assert 'value="link_to_incident"' not in page.content.decode()
    lead_page = client_as(lead).get(url)
    assert 'value="link_to_incident"' in lead_page.content.decode()
    assert not OutboxMessage.objects.filter(event_key__contains=":holding:").exists()


def test_closed_tickets_are_not_linked_and_their_customer_still_hears(lead, make_ticket):
    incident = services.incident_declare(
        actor=lead, title="Down", affected_service="Sync", holding_message="Hi {customer_name}"
    )
    customer = CustomerFactory()
    closed = make_ticket(customer=customer, state="closed")
    active = make_ticket(customer=customer)
    assert (
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[closed, active]) == 1
    )
    assert list(incident.tickets.all()) == [active]
    assert (
        OutboxMessage.objects.filter(
            event_key__contains=":holding:", recipient=customer.email
        ).count()
        == 1
    )
    with pytest.raises(InvalidInput, match="not \\{owner_name\\}"):
        services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed, {owner_name}"
        )


def test_declaring_with_a_bad_placeholder_shows_the_form_error(client_as, lead):
    response = client_as(lead).post(
        reverse("admin:escalation_majorincident_add"),
        {
            "title": "Down",
            "affected_service": "Sync",
            "priority": "high",
            "holding_message": "ETA {timeframe}",
        },
    )
    assert response.status_code == 200
    assert "Only {customer_name} and {ticket_reference}" in response.content.decode()
    assert not MajorIncident.objects.exists()


def test_a_hand_made_incident_choice_is_not_a_500(client_as, lead, incident, make_ticket):
    ticket = make_ticket()
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_changelist"),
        {"action": "link_to_incident", "_selected_action": [ticket.pk], "incident": "abc"},
    )
    assert response.status_code == 200  # back to the picker
    page = response.content.decode()
    assert "Link 1 ticket(s) to a running major incident" in page
    assert f'<option value="{incident.pk}">' in page
    assert incident.tickets.count() == 0
    assert not OutboxMessage.objects.filter(event_key__contains=":holding:").exists()

"""003 "In Case of Major Incident": declare, link, tell each customer once, resolve."""

import pytest
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
    with pytest.raises(PermissionRefused):
        services.incident_declare(actor=agent, title="x", affected_service="y", holding_message="z")


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


def test_003_several_customers_on_one_category_alert_the_leads_once(make_ticket, lead):
    for _ in range(2):
        make_ticket(code="critical-feature-down", customer=CustomerFactory())
    assert not OutboxMessage.objects.filter(event_key__startswith="incident-watch").exists()
    make_ticket(code="critical-feature-down", customer=CustomerFactory())
    make_ticket(code="critical-feature-down", customer=CustomerFactory())
    watch = OutboxMessage.objects.filter(event_key__startswith="incident-watch")
    assert set(watch.values_list("recipient", flat=True)) == {
        "lead1@example.com",
        "incidents@example.com",
    }
    assert "3 customers reported" in watch.first().body


def test_leads_link_tickets_in_bulk_from_the_ticket_list(client_as, lead, incident, make_ticket):
    tickets = [make_ticket(customer=CustomerFactory()) for _ in range(2)]
    url = reverse("admin:escalation_ticket_changelist")
    selected = {"action": "link_to_incident", "_selected_action": [t.pk for t in tickets]}
    client = client_as(lead)
    page = client.post(url, selected)
    assert page.status_code == 200 and "Link tickets to a major incident" in page.content.decode()
    response = client.post(url, {**selected, "incident": incident.pk})
    assert response.status_code == 302
    assert incident.tickets.count() == 2


def test_agents_cannot_link_tickets(client_as, agent, incident, make_ticket):
    ticket = make_ticket()
    response = client_as(agent).post(
        reverse("admin:escalation_ticket_changelist"),
        {"action": "link_to_incident", "_selected_action": [ticket.pk], "incident": incident.pk},
    )
    assert incident.tickets.count() == 0
    assert response.status_code in (200, 302)

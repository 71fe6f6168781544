"""Major incidents in the admin: declared through the service, moved on by step buttons."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from escalation import services
from escalation.models import IncidentState, MajorIncident

ADD = "admin:escalation_majorincident_add"
HOLDING = "Hi {customer_name}, we are on it ({ticket_reference})."


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def step_url(incident, step):
    return reverse("admin:escalation_majorincident_step", args=[incident.pk, step])


@pytest.fixture
def incident(lead):
    return services.incident_declare(
        actor=lead, title="Sync down", affected_service="Sync", holding_message=HOLDING
    )


def test_a_lead_declares_an_incident_and_is_told_which_one(client_as, lead):
    response = client_as(lead).post(
        reverse(ADD),
        {
            "title": "Down",
            "affected_service": "Sync",
            "priority": "critical",
            "holding_message": HOLDING,
        },
    )
    incident = MajorIncident.objects.get()
    assert response.status_code == 302
    assert (incident.declared_by, incident.state) == (lead, IncidentState.INVESTIGATING)
    change = reverse("admin:escalation_majorincident_change", args=[incident.pk])
    assert messages_of(response) == [
        f'The major incident “<a href="{change}">{incident}</a>” was added successfully.'
    ]


def test_a_holding_message_the_service_refuses_shows_once_on_its_field_and_declares_nothing(
    client_as, lead
):
    response = client_as(lead).post(
        reverse(ADD),
        {
            "title": "Down",
            "affected_service": "Sync",
            "priority": "critical",
            "holding_message": "ETA {timeframe}",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["holding_message"] and len(errors["holding_message"]) == 1
    assert "Only {customer_name} and {ticket_reference}" in errors["holding_message"][0]
    assert messages_of(response) == []
    page = response.content.decode()
    assert "added successfully" not in page and "/None/" not in page
    assert not MajorIncident.objects.exists()


def test_a_missing_title_is_refused_once_and_declares_nothing(client_as, lead):
    response = client_as(lead).post(
        reverse(ADD),
        {
            "title": "",
            "affected_service": "Sync",
            "priority": "critical",
            "holding_message": HOLDING,
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["title"]
    assert messages_of(response) == []
    assert not MajorIncident.objects.exists()


def test_an_agent_cannot_declare_even_by_a_hand_made_post(client_as, agent):
    response = client_as(agent).post(
        reverse(ADD),
        {
            "title": "Down",
            "affected_service": "Sync",
            "priority": "critical",
            "holding_message": HOLDING,
        },
    )
    assert response.status_code == 403
    assert not MajorIncident.objects.exists()


def test_steps_walk_an_incident_to_resolved(client_as, lead, incident):
    client = client_as(lead)
    for step in ("identify", "monitor"):
        assert client.get(step_url(incident, step)).status_code == 200
        response = client.post(step_url(incident, step))
        assert response.status_code == 302
        assert messages_of(response) == [f"{incident}: {step} recorded."]
    response = client.post(step_url(incident, "resolve"), {"message": "Fixed, {customer_name}."})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESOLVED
    assert incident.resolution_message == "Fixed, {customer_name}."


def test_a_resolution_message_the_service_refuses_shows_on_the_field(client_as, lead, incident):
    response = client_as(lead).post(step_url(incident, "resolve"), {"message": "Bye {owner_name}"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["message"] and "not {owner_name}" in errors["message"][0]
    assert messages_of(response) == []
    incident.refresh_from_db()
    assert incident.state == IncidentState.INVESTIGATING


def test_a_step_the_state_machine_refuses_is_a_form_error_not_a_500(client_as, lead, incident):
    client = client_as(lead)
    client.post(step_url(incident, "monitor"))
    response = client.post(step_url(incident, "identify"))
    assert response.status_code == 200
    assert "it cannot move to that step" in str(response.context["form"].non_field_errors())
    incident.refresh_from_db()
    assert incident.state == IncidentState.MONITORING


def test_unknown_steps_are_404_and_agents_are_refused(client_as, lead, agent, incident):
    assert client_as(lead).get(step_url(incident, "explode")).status_code == 404
    assert client_as(agent).post(step_url(incident, "identify")).status_code == 403
    incident.refresh_from_db()
    assert incident.state == IncidentState.INVESTIGATING

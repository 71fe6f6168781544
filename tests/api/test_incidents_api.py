"""Major incidents over the API (issue 15 "incidents"; 003 "In Case of Major Incident"):
a lead declares, links, resolves; every linked customer hears once; others are refused."""

import time_machine
from django.contrib.auth.models import Group

from escalation import services
from escalation.models import IncidentState, MajorIncident
from outbox.models import OutboxMessage
from tests.escalation.sla.conftest import ny

INCIDENTS = "/api/v1/incidents/"
DECLARE = {
    "title": "Sync outage",
    "affected_service": "Sync",
    "holding_message": "Hi {customer_name}, we are working on it ({ticket_reference}).",
}


def test_a_lead_integration_declares_links_and_resolves_an_incident(api_as, make_ticket, agent):
    api = api_as("Lead", "Status page")
    declared = api.post(INCIDENTS, DECLARE, format="json")
    assert declared.status_code == 201, declared.json()
    incident = declared.json()
    assert incident["state"] == "investigating" and incident["tickets"] == 0
    one, two = make_ticket(owner=agent, state="open"), make_ticket(owner=agent, state="open")
    url = f"{INCIDENTS}{incident['id']}/"
    linked = api.post(url + "tickets/", {"tickets": [one.reference, two.reference]}, format="json")
    assert linked.status_code == 200, linked.json()
    assert linked.json()["linked"] == 2 and linked.json()["incident"]["tickets"] == 2
    holding = OutboxMessage.objects.filter(event_key__contains=":holding:")
    assert holding.count() == 1  # both tickets are one customer's: told once
    assert "working on it" in holding.get().body
    silent = api.post(url + "actions/resolve/", {"message": ""}, format="json")
    assert silent.status_code == 422 and "message" in silent.json()["errors"]
    resolved = api.post(
        url + "actions/resolve/", {"message": "Fixed, {customer_name}."}, format="json"
    )
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert OutboxMessage.objects.filter(event_key__contains=":resolved:").count() == 1
    again = api.post(url + "actions/resolve/", {"message": "Again"}, format="json")
    assert again.status_code == 409
    assert api.get(INCIDENTS).json()["results"][0]["id"] == incident["id"]
    history = MajorIncident.objects.get().history.order_by("history_date")
    assert {h.history_user for h in history} == {api.account}


def test_unknown_tickets_are_named_and_nothing_is_linked(api_as, make_ticket, agent):
    api = api_as("Lead")
    incident = api.post(INCIDENTS, DECLARE, format="json").json()
    real = make_ticket(owner=agent, state="open")
    answer = api.post(
        f"{INCIDENTS}{incident['id']}/tickets/",
        {"tickets": [real.reference, "ESC-999999", "nonsense"]},
        format="json",
    )
    assert answer.status_code == 422
    assert "ESC-999999, nonsense" in answer.json()["errors"]["tickets"][0]
    nul = api.post(
        f"{INCIDENTS}{incident['id']}/tickets/", {"tickets": ["ESC-\x00"]}, format="json"
    )
    assert nul.status_code == 422 and "tickets.0" in nul.json()["errors"]
    real.refresh_from_db()
    assert real.incident_id is None


def test_agents_read_incidents_but_may_not_declare_or_run_them(api_as, lead):
    from escalation.services import incident_declare

    incident = incident_declare(actor=lead, **DECLARE)
    api = api_as("Agent")
    assert api.get(f"{INCIDENTS}{incident.pk}/").json()["title"] == "Sync outage"
    assert api.post(INCIDENTS, DECLARE, format="json").status_code == 403
    refused = api.post(f"{INCIDENTS}{incident.pk}/actions/identify/", {}, format="json")
    assert refused.status_code == 403
    incident.refresh_from_db()
    assert incident.state == IncidentState.INVESTIGATING
    assert MajorIncident.objects.count() == 1


def test_junk_declarations_are_422_and_unknown_steps_404(api_as):
    api = api_as("Lead")
    for body in (
        {**DECLARE, "title": "x" * 5000},
        {**DECLARE, "holding_message": "{secret_field}"},
        {**DECLARE, "title": ""},
        [],
    ):
        assert api.post(INCIDENTS, body, format="json").status_code in (400, 422)
    assert MajorIncident.objects.count() == 0
    incident = api.post(INCIDENTS, DECLARE, format="json").json()
    assert api.post(f"{INCIDENTS}{incident['id']}/actions/explode/", {}).status_code == 404
    assert api.get(f"{INCIDENTS}99999999/").status_code == 404


def test_a_replay_is_refused_once_the_account_may_no_longer_write(api_as, make_ticket):
    """A replayed Idempotency-Key answer is given only to an account that may still make
    the request: the role is checked again before the stored answer is looked up."""
    api = api_as("Lead", "Console")
    key = {"HTTP_IDEMPOTENCY_KEY": "declare-1"}
    first = api.post(INCIDENTS, DECLARE, format="json", **key)
    assert api.post(INCIDENTS, DECLARE, format="json", **key).json() == first.json()
    api.account.groups.set([Group.objects.get(name="Auditor")])
    replay = api.post(INCIDENTS, DECLARE, format="json", **key)
    assert replay.status_code == 403 and "Idempotent-Replayed" not in replay
    assert MajorIncident.objects.count() == 1


def test_status_updates_over_the_api_follow_the_cadence_and_reach_each_customer_once(
    api_as, make_ticket, agent
):
    """Issue 17 (001 "Status update (critical) every 1-2 hours"): the first update is due an
    hour after the declaration; sooner is a 409 naming when; unlinking resumes clocks."""
    api = api_as("Lead", "Status page")
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        incident = api.post(INCIDENTS, {**DECLARE, "priority": "critical"}, format="json").json()
        one, two = make_ticket(owner=agent, state="open"), make_ticket(owner=agent, state="open")
        url = f"{INCIDENTS}{incident['id']}/"
        api.post(url + "tickets/", {"tickets": [one.reference, two.reference]}, format="json")
        early = api.post(url + "updates/", {"text": "Still on it."}, format="json")
        assert early.status_code == 409 and "due at 2026-11-02" in early.json()["detail"]
        assert api.get(url).json()["next_update_due"].startswith("2026-11-02T10:00")
    with time_machine.travel(ny(2026, 11, 2, 10), tick=False):
        posted = api.post(url + "updates/", {"text": "Fix deploying."}, format="json")
        assert posted.status_code == 201, posted.json()
        assert posted.json()["customers_told"] == 1  # both tickets are one customer's
        assert OutboxMessage.objects.filter(event_key__contains=":update:").count() == 1
        bad = api.post(url + "updates/", {"text": "\x00"}, format="json")
        assert bad.status_code in (409, 422)
        unlinked = api.post(url + "tickets/unlink/", {"tickets": [two.reference]}, format="json")
        assert unlinked.status_code == 200 and unlinked.json()["unlinked"] == 1
        assert unlinked.json()["incident"]["tickets"] == 1
    two.refresh_from_db()
    assert two.incident is None and not two.sla_paused


def test_agents_cannot_post_incident_updates_over_the_api(api_as, lead):
    incident = services.incident_declare(
        actor=lead, title="Down", affected_service="Sync", holding_message="Hi"
    )
    api = api_as("Agent")
    refused = api.post(f"{INCIDENTS}{incident.pk}/updates/", {"text": "x"}, format="json")
    assert refused.status_code == 403
    assert not incident.updates.exists()

"""Updating a ticket by reference over the API (issue 15 "create/update"): the owner or a
lead changes the descriptive fields through `ticket_update`, with its refusals."""

from escalation.models import Ticket

TICKETS = "/api/v1/tickets/"
NEW = {
    "subject": "Sync stops after 10 minutes",
    "category": "core-functionality-bug",
    "external_reference": "ZD-77",
    "priority": "medium",
    "customer": {"email": "ops@bolt.example", "name": "Bolt Ops"},
}


def test_the_owner_raises_the_priority_and_the_sla_is_retargeted(api_as):
    api = api_as("Agent", "Zendesk")
    ref = api.post(TICKETS, NEW, format="json").json()["reference"]
    before = Ticket.objects.get()
    changed = api.patch(
        f"{TICKETS}{ref}/", {"priority": "high", "subject": "Sync stops for all"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["priority"] == "high"
    after = Ticket.objects.get()
    assert after.subject == "Sync stops for all"
    assert after.sla_due_at <= before.sla_due_at  # high answers no later than medium
    assert "SLA re-targeted" in after.history.latest().history_change_reason


def test_lowering_the_priority_needs_a_lead_and_bad_input_changes_nothing(api_as):
    api = api_as("Agent", "Zendesk")
    ref = api.post(TICKETS, {**NEW, "priority": "high"}, format="json").json()["reference"]
    lower = api.patch(f"{TICKETS}{ref}/", {"priority": "low"}, format="json")
    assert lower.status_code == 403 and "lead" in lower.json()["detail"]
    for junk in ({"subject": "two\nlines"}, {"subject": "x" * 500}, {"category": "nope"}):
        answer = api.patch(f"{TICKETS}{ref}/", junk, format="json")
        assert answer.status_code == 422, junk
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.subject) == ("high", NEW["subject"])
    lead_api = api_as("Lead", "Console")
    # Four-eyes (issue 17): a lead's lowering waits for a second person (202, unchanged).
    held = lead_api.patch(f"{TICKETS}{ref}/", {"priority": "low"}, format="json")
    assert held.status_code == 202 and held.json()["held"] is True
    assert "waits for a second person's approval" in held.json()["detail"]
    assert Ticket.objects.get().priority == "high"

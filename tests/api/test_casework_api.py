"""Department requests and verification status over the API (issue 15): the desk's steps
with the same refusals; verification read only, factors never exposed."""

from escalation.models import DepartmentRequest
from verification.models import SensitiveAction

TICKETS = "/api/v1/tickets/"
ASK = {
    "needed": "Check the sync worker's queue for this account",
    "customer_impact": "12 users see stale data",
    "findings": "Reconnected: E-42 each time",
}


def test_open_acknowledge_and_answer_a_department_request_by_api(api_as, make_ticket, lead):
    ticket = make_ticket(state="open")
    api = api_as("Lead", "Ops console")
    actions = f"{TICKETS}{ticket.reference}/actions/request_department/"
    unknown = api.post(actions, {**ASK, "department": "no-such-team"}, format="json")
    assert unknown.status_code == 422 and "department" in unknown.json()["errors"]
    opened = api.post(
        f"{TICKETS}{ticket.reference}/actions/request_department/", ASK, format="json"
    )
    assert opened.status_code == 200, opened.json()
    assert opened.json()["state"] == "waiting_on_department"
    [listed] = api.get(f"{TICKETS}{ticket.reference}/department-requests/").json()
    assert listed["state"] == "open" and listed["department"] == ticket.category.route_to.code
    step = f"{TICKETS}{ticket.reference}/department-requests/{listed['id']}/"
    acknowledged = api.post(step + "acknowledge/", {"external_reference": "JIRA-12"}, format="json")
    assert acknowledged.status_code == 200, acknowledged.json()
    assert acknowledged.json()["external_reference"] == "JIRA-12"
    missing = api.post(step + "answer/", {}, format="json")
    assert missing.status_code == 422 and "answer" in missing.json()["errors"]
    answered = api.post(step + "answer/", {"answer": "Queue was stuck; restarted."}, format="json")
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert DepartmentRequest.objects.get().answer == "Queue was stuck; restarted."
    assert api.post(step + "explode/", {}, format="json").status_code == 404


def test_another_tiers_agent_may_not_record_a_department_step(api_as, make_ticket, senior):
    ticket = make_ticket(owner=senior, state="open")
    from escalation import services

    asked = services.department_request_open(ticket=ticket, actor=senior, **ASK)
    api = api_as("Agent", "L1 tool")  # L1 sees L1 tickets, but the request is not its own
    url = f"{TICKETS}{ticket.reference}/department-requests/{asked.pk}/cancel/"
    refused = api.post(url, {"reason": "not mine"}, format="json")
    assert refused.status_code == 403
    asked.refresh_from_db()
    assert asked.state == "open"


def test_verification_status_is_read_only_and_never_shows_factors(api_as, make_ticket, agent):
    from verification import services as verification

    ticket = make_ticket(owner=agent, state="open")
    action = SensitiveAction.objects.filter(risk_level="medium").first()
    started = verification.verification_start(
        subject=ticket.customer, action=action, actor=agent, ticket_id=ticket.pk
    )
    status = api_as("Agent").get(f"{TICKETS}{ticket.reference}/verification/").json()
    assert status["verified_level"] == "" and status["verified_at"] is None
    assert [r["id"] for r in status["requests"]] == [started.pk]
    assert set(status["requests"][0]) == {
        "id",
        "action",
        "risk_level",
        "state",
        "created_at",
        "decided_at",
    }

"""The ticket workflow over the API (issue 15): the same services, refusals and history as
the desk, with the integration's own account as the actor."""

from escalation import services
from escalation.models import Communication, Escalation, Ticket, TicketState
from tests.factories import escalate_form

TICKETS = "/api/v1/tickets/"
NEW = {
    "subject": "Sync stops after 10 minutes",
    "description": "Since this morning, for the whole team.",
    "category": "core-functionality-bug",
    "external_reference": "ZD-4711",
    "customer": {"email": "ops@bolt.example", "name": "Bolt Ops", "external_user_id": "u-42"},
}


def act(api, ticket_ref: str, code: str, body: dict, **headers):
    return api.post(f"{TICKETS}{ticket_ref}/actions/{code}/", body, format="json", **headers)


def test_a_ticket_from_the_helpdesk_is_created_once_per_external_reference(api_as):
    api = api_as("Agent", "Zendesk")
    first = api.post(TICKETS, NEW, format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["reference"].startswith("ESC-") and body["state"] == "new"
    assert body["customer"]["external_user_id"] == "u-42"
    assert body["sla"]["status"] in {"on_track", "at_risk"} and "left" in body["sla"]["text"]
    again = api.post(TICKETS, NEW, format="json")
    assert again.status_code == 200 and again.json()["reference"] == body["reference"]
    ticket = Ticket.objects.get()
    assert ticket.owner == api.account
    assert ticket.history.earliest().history_user == api.account


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(api_as):
    api = api_as("Agent")
    key = {"HTTP_IDEMPOTENCY_KEY": "8d3a-retry-1"}
    body = {**NEW, "external_reference": ""}
    first = api.post(TICKETS, body, format="json", **key)
    second = api.post(TICKETS, body, format="json", **key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    other = api.post(TICKETS, {**body, "subject": "Another"}, format="json", **key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["errors"]
    assert Ticket.objects.count() == 1


def test_an_integration_sees_what_its_role_sees(api_as, make_ticket, senior, lead):
    mine = api_as("Agent", "L1 tool")
    theirs = make_ticket(owner=senior, state="escalated", subject="Deep database problem")
    theirs = services.ticket_accept_escalation(ticket=theirs, actor=lead)  # now at L2
    listed = mine.get(TICKETS).json()["results"]
    assert theirs.reference not in {t["reference"] for t in listed}
    assert mine.get(f"{TICKETS}{theirs.reference}/").status_code == 404
    lead_view = api_as("Lead", "Reporting").get(f"{TICKETS}{theirs.reference}/")
    assert lead_view.status_code == 200


def test_the_list_filters_and_pages_with_a_cursor(api_as, make_ticket, agent):
    for n in range(3):
        make_ticket(owner=agent, state="open", subject=f"Open {n}")
    make_ticket(owner=agent, state="new", subject="New one")
    api = api_as("Lead")
    page = api.get(TICKETS, {"state": "open", "page_size": 2}).json()
    assert [t["state"] for t in page["results"]] == ["open", "open"]
    rest = api.get(page["next"]).json()
    assert [t["subject"] for t in rest["results"]] == ["Open 0"] and rest["next"] is None
    bad = api.get(TICKETS, {"state": "exploded", "tier": "9"})
    assert bad.status_code == 422 and {"state", "tier"} <= set(bad.json()["errors"])


def test_escalate_by_api_senior_accepts_by_api_history_names_the_integrations(api_as, make_ticket):
    l1, l2 = api_as("Agent", "Helpdesk L1"), api_as("Senior agent", "Senior console")
    created = l1.post(TICKETS, NEW, format="json").json()
    ref = created["reference"]
    ticket = Ticket.objects.get()
    assert act(l1, ref, "open", {}).json()["state"] == "open"

    incomplete = act(
        l1,
        ref,
        "escalate",
        {
            "to_tier": 2,
            "reason": "Needs L2",
            "escalation_type": "functional",
            "trigger": "lacks_expertise",
            "sentiment": "calm",
        },
    )
    assert incomplete.status_code == 422
    assert {"troubleshooting", "questions"} <= set(incomplete.json()["errors"])
    assert Ticket.objects.get().state == TicketState.OPEN

    escalated = act(l1, ref, "escalate", escalate_form(ticket))
    assert escalated.status_code == 200 and escalated.json()["state"] == "escalated"
    refused = act(l1, ref, "accept_escalation", {})  # the requester's tier may not accept
    assert refused.status_code in (403, 404, 409)
    accepted = act(l2, ref, "accept_escalation", {})
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["owner"] == l2.account.username
    handoff = Escalation.objects.get()
    assert (handoff.requested_by, handoff.accepted_by) == (l1.account, l2.account)


def test_a_customer_message_by_api_resumes_a_ticket_waiting_on_the_customer(
    api_as, make_ticket, agent
):
    ticket = make_ticket(owner=agent, state="waiting_on_customer")
    api = api_as("Lead", "Helpdesk sync")
    response = act(
        api,
        ticket.reference,
        "log_contact",
        {"direction": "inbound", "channel": "email", "body": "Here are the logs you asked for."},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "open"
    assert Communication.objects.filter(ticket=ticket, direction="inbound").count() == 1


def test_an_unknown_action_or_a_non_object_body_is_a_problem_not_a_500(api_as, make_ticket):
    ticket = make_ticket(state="open")
    api = api_as("Lead")
    assert act(api, ticket.reference, "explode", {}).status_code == 404
    listed = api.post(f"{TICKETS}{ticket.reference}/actions/resolve/", [1, 2], format="json")
    assert listed.status_code == 422


def test_the_helpdesk_role_sees_and_answers_only_the_tickets_that_came_from_it(
    api_as, make_ticket, agent, senior, lead
):
    helpdesk = api_as("Helpdesk integration", "Zendesk")
    anonymous = helpdesk.post(TICKETS, NEW, format="json")  # it owns no tickets itself
    assert (
        anonymous.status_code == 422 and "not an active support agent" in anonymous.json()["detail"]
    )
    unknown = helpdesk.post(TICKETS, {**NEW, "owner": "nobody@example.com"}, format="json")
    assert unknown.status_code == 422 and "owner" in unknown.json()["errors"]
    created = helpdesk.post(TICKETS, {**NEW, "owner": agent.email}, format="json")
    assert created.status_code == 201 and created.json()["owner"] == agent.username
    ref = created.json()["reference"]
    ticket = Ticket.objects.get(external_reference="ZD-4711")
    ticket = services.ticket_reassign(ticket=ticket, actor=lead, owner=senior, reason="L2 case")
    internal = make_ticket(owner=agent, state="open", subject="Phoned in")

    seen = {t["reference"] for t in helpdesk.get(TICKETS).json()["results"]}
    assert seen == {ref}
    assert helpdesk.get(f"{TICKETS}{internal.reference}/").status_code == 404
    reply = {"direction": "inbound", "channel": "email", "body": "Any news?"}
    assert act(helpdesk, ref, "log_contact", reply).status_code == 200
    services.ticket_open(ticket=Ticket.objects.get(pk=ticket.pk), actor=senior)
    refused = act(helpdesk, ref, "wait_on_customer", {"reason": "Need logs"})
    assert refused.status_code == 403, refused.json()  # the owner's call, not the helpdesk's
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_the_helpdesk_reads_back_what_it_opened_and_nothing_another_system_opened(api_as, agent):
    helpdesk = api_as("Helpdesk integration", "Zendesk")
    other = api_as("Helpdesk integration", "Freshdesk")
    no_reference = helpdesk.post(
        TICKETS, {**NEW, "external_reference": "", "owner": agent.username}, format="json"
    )
    assert no_reference.status_code == 201, no_reference.json()
    theirs = other.post(
        TICKETS, {**NEW, "external_reference": "FD-9", "owner": agent.username}, format="json"
    )
    assert theirs.status_code == 201
    seen = {t["reference"] for t in helpdesk.get(TICKETS).json()["results"]}
    assert seen == {no_reference.json()["reference"]}
    reply = {"direction": "inbound", "channel": "email", "body": "Hello?"}
    assert act(helpdesk, theirs.json()["reference"], "log_contact", reply).status_code == 404


def test_a_senior_returning_a_hand_off_gets_the_ticket_back_as_it_is_now(api_as, make_ticket):
    ticket = make_ticket(state="escalated")
    senior = api_as("Senior agent", "Senior console")
    returned = act(senior, ticket.reference, "return_escalation", {"reason": "No logs attached"})
    assert returned.status_code == 200, returned.json()
    assert (returned.json()["state"], returned.json()["tier"]) == ("open", 1)
    assert Ticket.objects.get(pk=ticket.pk).tier == 1


def test_an_idempotency_key_is_remembered_for_a_day_then_forgotten(api_as):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from api.models import IdempotentRequest
    from api.tasks import forget_old_idempotency_keys

    api = api_as("Agent")
    key = {"HTTP_IDEMPOTENCY_KEY": "nightly-sync-1"}
    body = {**NEW, "external_reference": ""}
    assert api.post(TICKETS, body, format="json", **key).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert forget_old_idempotency_keys() == 1
        again = api.post(TICKETS, body, format="json", **key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Ticket.objects.count() == 2 and IdempotentRequest.objects.count() == 1

"""Four-eyes approvals (issue 17) where people meet them: the desk (lead home, ticket
buttons) and the admin (rules leads edit, requests decided through the service). Like
seed 003's high-risk verification approval, never by the requester."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from escalation import services
from escalation.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalState,
    Ticket,
    TicketState,
)

HOME = reverse("desk:home")


def told(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def decide_url(request) -> str:
    return reverse("desk:approval_decide", args=[request.pk])


def test_four_eyes_the_desk_close_button_says_the_close_waits_and_closes_nothing(
    client_as, escalated_unconfirmed, senior
):
    ticket = escalated_unconfirmed
    response = client_as(senior).post(
        reverse("desk:ticket_action", args=[ticket.pk, "close"]),
        {
            "reason": "Customer silent",
            "resolved_by_specialist": "yes",
            "first_level_possible": "no",
        },
    )
    assert response.status_code == 302
    assert any("waits for a second person's approval" in m for m in told(response))
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.RESOLVED
    request = ApprovalRequest.objects.get(ticket=ticket)
    assert request.change == {"resolved_by_specialist": True, "first_level_possible": False}
    assert request.reason == "Customer silent"


def test_four_eyes_the_lead_home_lists_pending_requests_and_a_second_lead_approves(
    client_as, make_ticket, lead, lead2
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    request = ApprovalRequest.objects.get()
    own = client_as(lead).get(HOME)
    needs = {n.key: n.count for n in own.context["needs"]}
    assert needs["four_eyes"] == 1
    page = own.content.decode()
    assert f"lower {ticket.reference} from High to Low" in page
    assert "Your own request: another person decides." in page
    assert decide_url(request) not in page  # no button for the requester

    second = client_as(lead2)
    assert decide_url(request) in second.get(HOME).content.decode()
    response = second.post(decide_url(request), {"decision": "approve", "note": "OK"})
    assert response.status_code == 302
    assert any("approved: it has taken effect" in m for m in told(response))
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"
    assert "Nothing waits for approval." in second.get(HOME).content.decode()


def test_four_eyes_the_requester_posting_their_own_approval_is_refused(
    client_as, make_ticket, lead
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    request = ApprovalRequest.objects.get()
    response = client_as(lead).post(decide_url(request), {"decision": "approve"})
    assert any("a second person decides" in m for m in told(response))
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    assert ApprovalRequest.objects.get().state == ApprovalState.PENDING


@pytest.mark.parametrize("who", ["agent", "senior", "auditor"])
def test_four_eyes_a_role_without_the_approve_permission_gets_403(
    client_as, make_ticket, lead, who, request
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    approval = ApprovalRequest.objects.get()
    user = request.getfixturevalue(who)
    response = client_as(user).post(decide_url(approval), {"decision": "approve"})
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_four_eyes_rejecting_from_the_desk_needs_a_note_and_changes_nothing(
    client_as, make_ticket, lead, lead2
):
    ticket = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=ticket, actor=lead)
    request = ApprovalRequest.objects.get()
    client = client_as(lead2)
    response = client.post(decide_url(request), {"decision": "reject"})
    assert any("Say why" in m for m in told(response))
    assert ApprovalRequest.objects.get().state == ApprovalState.PENDING
    client.post(decide_url(request), {"decision": "reject", "note": "Keep the old targets"})
    assert ApprovalRequest.objects.get().state == ApprovalState.REJECTED
    again = client.post(decide_url(request), {"decision": "approve"})
    assert any("already rejected" in m for m in told(again))


@pytest.mark.parametrize("n", [3, 30])
def test_the_lead_home_costs_the_same_queries_for_3_or_30_pending_requests(
    client_as, make_ticket, lead, lead2, n, django_assert_max_num_queries
):
    for _ in range(n):
        services.ticket_reapply_sla(ticket=make_ticket(state="open"), actor=lead)
    client = client_as(lead2)
    client.get(HOME)
    with django_assert_max_num_queries(12):
        response = client.get(HOME)
    assert len(response.context["approvals"]) == min(n, 20)
    assert {n.key: n.count for n in response.context["needs"]}["four_eyes"] == n


# --- the admin -------------------------------------------------------------------------


def test_leads_switch_a_rule_off_in_the_admin_and_agents_cannot(client_as, lead, agent):
    rule = ApprovalRule.objects.get(kind=ApprovalKind.CLOCK_PAUSE)
    url = reverse("admin:escalation_approvalrule_change", args=[rule.pk])
    assert client_as(agent).post(url, {"enabled": ""}).status_code == 403
    assert ApprovalRule.objects.get(pk=rule.pk).enabled
    response = client_as(lead).post(url, {"enabled": ""})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled and rule.history.latest().history_user == lead


def test_four_eyes_the_admin_decides_through_the_service_never_by_the_requester(
    client_as, make_ticket, lead, lead2
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    request = ApprovalRequest.objects.get()
    change = reverse("admin:escalation_approvalrequest_change", args=[request.pk])
    approve = reverse("admin:escalation_approvalrequest_decide", args=[request.pk, "approve"])
    assert approve not in client_as(lead).get(change).content.decode()
    refused = client_as(lead).post(approve, {"note": ""})
    assert any("a second person decides" in m for m in told(refused))
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    client = client_as(lead2)
    assert approve in client.get(change).content.decode()
    response = client.post(approve, {"note": "Agreed"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"
    assert ApprovalRequest.objects.get().decided_by == lead2


def test_the_admin_list_action_approves_others_requests_and_refuses_ones_own(
    client_as, make_ticket, lead, lead2
):
    mine = make_ticket(state="open")
    theirs = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=mine, actor=lead2)
    services.ticket_reapply_sla(ticket=theirs, actor=lead)
    response = client_as(lead2).post(
        reverse("admin:escalation_approvalrequest_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [str(r.pk) for r in ApprovalRequest.objects.all()],
        },
    )
    assert response.status_code == 302
    states = dict(ApprovalRequest.objects.values_list("ticket_id", "state"))
    assert states == {mine.pk: ApprovalState.PENDING, theirs.pk: ApprovalState.APPROVED}
    assert any("a second person decides" in m for m in told(response))


def test_an_auditor_reads_approval_requests_but_cannot_decide(
    client_as, make_ticket, lead, auditor
):
    services.ticket_reapply_sla(ticket=make_ticket(state="open"), actor=lead)
    request = ApprovalRequest.objects.get()
    client = client_as(auditor)
    assert client.get(reverse("admin:escalation_approvalrequest_changelist")).status_code == 200
    approve = reverse("admin:escalation_approvalrequest_decide", args=[request.pk, "approve"])
    assert client.post(approve, {"note": ""}).status_code == 403
    assert ApprovalRequest.objects.get().state == ApprovalState.PENDING

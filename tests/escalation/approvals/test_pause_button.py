"""Four-eyes on pausing SLA clocks for a reason the policy does not name (issue 17): the
owner's "Pause SLA clocks" button on the desk records a request and pauses nothing; a
second lead's approval pauses the clocks; "Resume SLA clocks" lets them count again."""

from django.contrib.messages import get_messages
from django.urls import reverse

from escalation.models import ApprovalKind, ApprovalRequest, Ticket
from escalation.services.approvals import approval_decide


def act(client, ticket, code, **data):
    return client.post(reverse("desk:ticket_action", args=[ticket.pk, code]), data)


def told(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def test_the_owner_asks_to_pause_a_lead_approves_and_the_owner_resumes(
    client_as, make_ticket, agent, lead
):
    ticket = make_ticket(state="open")
    page = client_as(agent).get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert "Pause SLA clocks" in page

    response = act(client_as(agent), ticket, "pause_sla", reason="Customer's data centre move")
    assert any("waits for a second person's approval" in m for m in told(response))
    assert not Ticket.objects.get(pk=ticket.pk).sla_paused
    request = ApprovalRequest.objects.get(ticket=ticket, kind=ApprovalKind.CLOCK_PAUSE)

    approval_decide(request=request, actor=lead, approve=True)
    ticket.refresh_from_db()
    assert ticket.sla_paused
    assert "pause_sla: Customer's data centre move" in ticket.history.first().history_change_reason

    response = act(client_as(agent), ticket, "resume_sla", reason="Move finished")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert not ticket.sla_paused


def test_pausing_needs_a_reason_and_someone_elses_ticket_is_refused(
    client_as, make_ticket, agent, agent2
):
    ticket = make_ticket(state="open")
    response = act(client_as(agent), ticket, "pause_sla", reason="")
    assert "This field is required" in response.content.decode()  # the form again
    refused = act(client_as(agent2), ticket, "pause_sla", reason="Not mine")
    assert refused.status_code in (302, 403)
    assert not ApprovalRequest.objects.filter(ticket=ticket).exists()
    assert not Ticket.objects.get(pk=ticket.pk).sla_paused

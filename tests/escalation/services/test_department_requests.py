"""External escalation to departments (000 §4.2): routed, tracked, answered, timed."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from contacts.models import Department
from core.errors import InvalidInput, TransitionRefused
from escalation import services
from escalation.models import DepartmentRequest, DepartmentRequestState, Ticket, TicketState
from outbox.models import OutboxMessage
from tests.escalation.sla.conftest import ny


def ask(ticket, actor, **kwargs):
    data = {
        "needed": "Refund the duplicate charge",
        "customer_impact": "Charged $80 twice",
        "findings": "Two captures, one order",
    }
    data.update(kwargs)
    return services.department_request_open(ticket=ticket, actor=actor, **data)


def test_a_request_goes_to_the_routed_channel_and_the_ticket_waits(make_ticket, agent):
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        ticket = make_ticket(code="incorrect-charge", state="open")
        request = ask(ticket, agent)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.WAITING_ON_DEPARTMENT
    assert request.department.code == "billing"
    assert request.channel_used.startswith("Email: billing@example.com · Open now.")
    message = OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:open")
    assert message.recipient == "billing@example.com" and "Two captures" in message.body


def test_critical_at_night_goes_to_the_person_on_call(make_ticket, agent, engineer):
    from contacts.models import OnCallShift

    security = Department.objects.get(code="security")
    OnCallShift.objects.create(
        department=security,
        person=engineer,
        starts_at=ny(2026, 11, 28, 8),
        ends_at=ny(2026, 11, 30, 8),
    )
    with time_machine.travel(ny(2026, 11, 29, 3), tick=False):
        ticket = make_ticket(code="account-breach", state="open")
        request = ask(ticket, agent, department=security)
    assert request.channel_used.startswith("on call: engineer1")
    assert OutboxMessage.objects.get(event_key__startswith="department-request").recipient == (
        "engineer1@example.com"
    )


def test_missing_details_are_refused_and_nothing_is_sent(make_ticket, agent):
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput, match="Describe the support findings"):
        ask(ticket, agent, findings=" ")
    assert not DepartmentRequest.objects.exists() and not OutboxMessage.objects.exists()


def test_the_answer_brings_the_ticket_back_and_records_response_time(make_ticket, agent, lead):
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        ticket = make_ticket(code="incorrect-charge", state="open")
        request = ask(ticket, agent)
    with time_machine.travel(ny(2026, 11, 24, 11), tick=False):
        request = services.department_request_acknowledge(
            request=request, actor=agent, external_reference="BILL-123"
        )
    with time_machine.travel(ny(2026, 11, 24, 13), tick=False):
        request = services.department_request_answer(
            request=request, actor=lead, answer="Refunded $40"
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.owner == agent
    assert request.response_time == timedelta(hours=3)
    assert request.external_reference == "BILL-123"
    assert (
        OutboxMessage.objects.get(
            event_key=f"ticket:{ticket.pk}:department-request:{request.pk}:answered"
        ).recipient
        == "agent1@example.com"
    )
    with pytest.raises(TransitionRefused):
        services.department_request_answer(request=request, actor=lead, answer="again")
    request = services.department_request_close(request=request, actor=agent)
    assert request.state == DepartmentRequestState.CLOSED


def test_cancelling_needs_a_reason_and_resumes_the_ticket(make_ticket, agent):
    ticket = make_ticket(state="open")
    request = ask(ticket, agent)
    with pytest.raises(InvalidInput):
        services.department_request_cancel(request=request, actor=agent, reason="")
    services.department_request_cancel(request=request, actor=agent, reason="Solved by L1")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert DepartmentRequest.objects.get().state == DepartmentRequestState.CANCELLED
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        agent,
        f"resume: request to {request.department} cancelled",
    )


def test_department_request_steps_in_the_admin(client_as, make_ticket, agent, lead):
    """Leads record a department's steps in the admin. The owner, who records them on the
    desk, is refused there: their POST is a 403 and the request is unchanged."""
    ticket = make_ticket(state="open")
    request = ask(ticket, agent)
    step = reverse("admin:escalation_departmentrequest_step", args=[request.pk, "answer"])
    assert client_as(agent).post(step, {"answer": "Done"}).status_code == 403
    assert DepartmentRequest.objects.get().state == DepartmentRequestState.OPEN
    assert request.history.count() == 1
    client = client_as(lead)
    page = client.get(reverse("admin:escalation_departmentrequest_change", args=[request.pk]))
    assert step in page.content.decode()
    response = client.post(step, {"answer": ""})
    assert response.context["form"].errors == {"answer": ["This field is required."]}
    assert DepartmentRequest.objects.get().state == DepartmentRequestState.OPEN
    response = client.post(step, {"answer": "Done"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{request}: answer recorded."]
    answered = DepartmentRequest.objects.get()
    assert (answered.state, answered.answer) == (DepartmentRequestState.ANSWERED, "Done")
    assert answered.history.latest().history_user == lead
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_a_department_answer_names_the_person_who_recorded_it(make_ticket, agent, lead):
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="a", customer_impact="b", findings="c"
    )
    services.department_request_answer(request=request, actor=lead, answer="done")
    ticket.refresh_from_db()
    row = ticket.history.latest()
    assert (ticket.state, row.history_user) == (TicketState.OPEN, lead)
    assert row.history_change_reason == f"resume: {request.department} answered"

"""A department's steps on a request, recorded on the desk by the ticket's owner (000 §4.2)."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from escalation import services
from escalation.models import DepartmentRequest, DepartmentRequestState, Ticket, TicketState


def ask(ticket, actor):
    return services.department_request_open(
        ticket=ticket,
        actor=actor,
        needed="Refund the duplicate charge",
        customer_impact="Charged $80 twice",
        findings="Two captures, one order",
    )


def step_url(request, step):
    return reverse("desk:department_request_step", args=[request.ticket_id, request.pk, step])


def page_url(ticket):
    return reverse("desk:ticket", args=[ticket.pk])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_cell(request, label: str) -> str:
    """The request's row on the ticket page, as far as its state."""
    return f"<td>{escape(str(request.department))}</td><td>{label}</td>"


def test_the_owner_records_acknowledgement_answer_and_close_and_sees_each_state(
    client_as, make_ticket, agent
):
    ticket = make_ticket(code="incorrect-charge", state="open")
    request = ask(ticket, agent)
    client = client_as(agent)
    page = client.get(page_url(ticket)).content.decode()
    assert state_cell(request, "Open") in page and step_url(request, "acknowledge") in page
    assert step_url(request, "close") not in page
    department = request.department
    for step, data, label, done in [
        ("acknowledge", {"external_reference": "BILL-7"}, "Acknowledged", "acknowledged"),
        ("answer", {"answer": "Refunded $40"}, "Answered", "answered"),
        ("close", {}, "Closed", "closed"),
    ]:
        assert client.get(step_url(request, step)).status_code == 200
        response = client.post(step_url(request, step), data)
        assert response["Location"] == page_url(ticket)
        assert shown(response) == [f"Request to {department} {done}."]
        page = client.get(page_url(ticket)).content.decode()
        assert state_cell(request, label) in page, step
    assert "<td>BILL-7</td>" in page
    assert not any(
        step_url(request, s) in page for s in ("acknowledge", "answer", "close", "cancel")
    )
    request.refresh_from_db()
    assert (request.state, request.external_reference, request.answer) == (
        DepartmentRequestState.CLOSED,
        "BILL-7",
        "Refunded $40",
    )
    rows = request.history.order_by("history_id")
    assert [(r.state, r.history_user) for r in rows] == [
        ("open", agent),
        ("acknowledged", agent),
        ("answered", agent),
        ("closed", agent),
    ]
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN  # back from waiting


def test_an_agent_who_sees_the_ticket_through_their_tier_cannot_record_a_step(
    client_as, make_ticket, senior, agent
):
    """A senior works an L1 ticket and asked the department: the L1 agent sees the ticket
    (their tier's) but is neither its owner nor the one who asked."""
    ticket = make_ticket(owner=senior, code="incorrect-charge", state="open")
    request = ask(ticket, senior)
    before = list(request.history.values_list("history_id", flat=True))
    client = client_as(agent)
    assert client.get(page_url(ticket)).status_code == 200
    why = (
        f"Only the owner of {ticket.reference}, whoever asked {request.department}, "
        "or a lead can change this request."
    )
    for step, data in [
        ("acknowledge", {"external_reference": "BILL-7"}),
        ("answer", {"answer": "Refunded"}),
        ("cancel", {"reason": "Not needed"}),
    ]:
        response = client.post(step_url(request, step), data, follow=True)
        assert response.redirect_chain == [(page_url(ticket), 302)]
        assert f'<li class="error">{escape(why)}</li>' in response.content.decode()
    unchanged = DepartmentRequest.objects.get()
    assert (unchanged.state, unchanged.external_reference, unchanged.answer) == ("open", "", "")
    assert list(unchanged.history.values_list("history_id", flat=True)) == before
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.WAITING_ON_DEPARTMENT


def test_the_ticket_page_offers_request_steps_only_to_who_may_record_them(
    client_as, make_ticket, senior, agent
):
    ticket = make_ticket(owner=senior, code="incorrect-charge", state="open")
    request = ask(ticket, senior)
    assert step_url(request, "answer") in client_as(senior).get(page_url(ticket)).content.decode()
    page = client_as(agent).get(page_url(ticket)).content.decode()
    assert state_cell(request, "Open") in page
    assert not any(step_url(request, s) in page for s in ("acknowledge", "answer", "cancel"))


def test_withdrawing_a_request_needs_a_reason(client_as, make_ticket, agent):
    ticket = make_ticket(code="incorrect-charge", state="open")
    request = ask(ticket, agent)
    client = client_as(agent)
    response = client.post(step_url(request, "cancel"), {"reason": " "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert shown(response) == []
    assert DepartmentRequest.objects.get().state == DepartmentRequestState.OPEN
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.WAITING_ON_DEPARTMENT
    response = client.post(step_url(request, "cancel"), {"reason": "The customer withdrew"})
    assert shown(response) == [f"Request to {request.department} withdrawn."]
    request.refresh_from_db()
    assert request.state == DepartmentRequestState.CANCELLED
    latest = request.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        agent,
        "cancel: The customer withdrew",
    )
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_unknown_steps_and_requests_of_other_tickets_are_404(client_as, make_ticket, agent):
    ticket = make_ticket(code="incorrect-charge", state="open")
    request = ask(ticket, agent)
    other = make_ticket(state="open")
    client = client_as(agent)
    assert client.get(step_url(request, "explode")).status_code == 404
    url = reverse("desk:department_request_step", args=[other.pk, request.pk, "answer"])
    assert client.post(url, {"answer": "x"}).status_code == 404
    assert DepartmentRequest.objects.get().state == DepartmentRequestState.OPEN


def test_a_step_page_does_a_fixed_number_of_queries(
    client_as, make_ticket, agent, django_assert_num_queries
):
    ticket = make_ticket(code="incorrect-charge", state="open")
    request = ask(ticket, agent)
    client = client_as(agent)
    client.get(step_url(request, "answer"))
    with django_assert_num_queries(7):
        assert client.get(step_url(request, "answer")).status_code == 200

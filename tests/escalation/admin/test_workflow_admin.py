"""The workflow: contacts from templates (on the desk), the admin's timeline, template
editing and department request steps (leads, in the admin)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from escalation import services
from escalation.models import Communication, CommunicationTemplate
from tests.factories import full_handoff


def desk_act_url(ticket, action):
    return reverse("desk:ticket_action", args=[ticket.pk, action])


def test_a_template_is_rendered_into_the_form_and_can_be_edited_before_saving(
    client_as, make_ticket, agent
):
    ticket = make_ticket(state="open")
    template = CommunicationTemplate.objects.get(code="escalation-acknowledgement")
    client = client_as(agent)
    page = client.get(desk_act_url(ticket, "log_contact"), {"template": template.pk})
    body = page.context["form"]["body"].value()
    assert f"Your case number is {ticket.reference}" in body
    edited = body.replace("Best regards", "Kind regards")
    response = client.post(
        desk_act_url(ticket, "log_contact"),
        {"direction": "outbound", "channel": "email", "template": template.pk, "body": edited},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "desk:ticket", args=[ticket.pk]
    )
    saved = Communication.objects.get()
    assert saved.template == template and "Kind regards" in saved.body


def test_an_empty_contact_is_refused_on_the_form(client_as, make_ticket, agent):
    ticket = make_ticket(state="open")
    response = client_as(agent).post(
        desk_act_url(ticket, "log_contact"),
        {"direction": "outbound", "channel": "email", "body": ""},
    )
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not Communication.objects.exists()


def test_a_lead_cannot_save_a_template_with_an_unknown_placeholder(client_as, lead):
    template = CommunicationTemplate.objects.get(code="resolution")
    url = reverse("admin:escalation_communicationtemplate_change", args=[template.pk])
    response = client_as(lead).post(
        url,
        {
            "code": template.code,
            "name": template.name,
            "purpose": template.purpose,
            "subject": template.subject,
            "body": "Hi {customer.email}",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Unknown placeholder" in response.content.decode()
    template.refresh_from_db()
    assert "{customer.email}" not in template.body


def test_the_ticket_page_shows_the_whole_timeline_in_a_fixed_number_of_queries(
    client_as, make_ticket, agent, senior, lead, django_assert_max_num_queries
):
    ticket = make_ticket(state="open")
    url = reverse("admin:escalation_ticket_change", args=[ticket.pk])
    client = client_as(lead)
    client.get(url)
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    for n in range(5):
        services.communication_log(
            ticket=ticket, actor=agent, direction="outbound", channel="email", body=f"update {n}"
        )
    services.ticket_escalate(
        ticket=ticket,
        actor=agent,
        to_tier=2,
        reason="Needs DB access",
        handoff=full_handoff(ticket),
    )
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url).content.decode()
    for text in (
        "update 4",
        "Escalation requested",
        "L1 → L2",
        "Escalation accepted",
        "Needs DB access",
    ):
        assert text in page


def step_url(request, step):
    return reverse("admin:escalation_departmentrequest_step", args=[request.pk, step])


def test_a_department_request_is_walked_by_its_step_buttons(
    client_as, make_ticket, agent, lead, auditor
):
    """A lead walks the agent's request in the admin (agents record steps on the desk)."""
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="Logs", customer_impact="Blocked", findings="E-42"
    )
    client = client_as(lead)
    response = client.post(step_url(request, "acknowledge"), {"external_reference": "J" * 101})
    assert list(response.context["form"].errors) == ["external_reference"]
    response = client.post(step_url(request, "acknowledge"), {"external_reference": "OPS-1"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{request}: acknowledge recorded."
    ]
    response = client.post(step_url(request, "close"))  # not answered yet: the service refuses
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    client.post(step_url(request, "answer"), {"answer": "Restarted the worker"})
    response = client.post(step_url(request, "close"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.external_reference) == ("closed", "OPS-1")
    assert client.get(step_url(request, "explode")).status_code == 404
    assert client_as(auditor).post(step_url(request, "cancel"), {"reason": "x"}).status_code == 403
    request.refresh_from_db()
    assert request.state == "closed" and request.history.latest().history_user == lead

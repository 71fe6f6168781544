"""Contacts with the customer, internal notes and templates (003 "Document all interactions")."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import InvalidInput, PermissionRefused
from escalation import services
from escalation.models import Communication, CommunicationTemplate, Escalation, TicketState
from outbox.models import OutboxMessage


def log(ticket, actor, direction="inbound", body="Still broken", **flags):
    channel = "internal" if direction == "internal" else "email"
    return services.communication_log(
        ticket=ticket, actor=actor, direction=direction, channel=channel, body=body, **flags
    )


def test_an_outbound_message_is_the_first_response(make_ticket, agent):
    ticket = make_ticket()
    message = log(ticket, agent, "outbound", "We're on it")
    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at
    assert (message.author, message.body) == (agent, "We're on it")
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (agent, "contact: outbound email")


def test_an_empty_message_is_refused(make_ticket, agent):
    ticket = make_ticket()
    with pytest.raises(InvalidInput, match="Write the message") as refused:
        log(ticket, agent, body="  ")
    assert set(refused.value.field_errors) == {"body"}
    assert not Communication.objects.exists()
    assert ticket.history.count() == 1  # the creation only


def test_frustration_signs_only_on_customer_messages(make_ticket, agent):
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput, match="Frustration signs"):
        log(ticket, agent, "outbound", asked_for_manager=True)
    assert not Communication.objects.exists() and not Escalation.objects.exists()


def test_a_customer_reply_resumes_a_ticket_waiting_on_them(make_ticket, agent):
    ticket = make_ticket(state="waiting_on_customer")
    log(ticket, agent, body="Here are the logs")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    row = ticket.history.latest()
    # 003's rule resumes it (the system), whoever recorded the reply.
    assert (row.state, row.history_user.username, row.history_change_reason) == (
        TicketState.OPEN,
        "system",
        "resume: customer replied",
    )


def test_a_reply_after_resolution_tells_the_owner_and_triggers_no_rule(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    services.communication_log(
        ticket=ticket,
        actor=agent,
        direction="inbound",
        channel="email",
        body="Get me a manager",
        asked_for_manager=True,
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RESOLVED and ticket.priority == "high"
    assert not Escalation.objects.exists()
    assert OutboxMessage.objects.get(event_key__contains="reply-after-resolution").recipient == (
        "agent1@example.com"
    )


def test_only_the_owner_or_a_lead_logs_contacts(make_ticket, agent2, lead):
    ticket = make_ticket()
    with pytest.raises(PermissionRefused, match=f"Only the owner of {ticket.reference}"):
        log(ticket, agent2)
    assert not Communication.objects.exists()
    note = log(ticket, lead, "internal", "Called the customer back")
    assert (note.author, note.body) == (lead, "Called the customer back")
    assert ticket.history.latest().history_user == lead


def test_templates_render_only_known_values(make_ticket, agent):
    ticket = make_ticket()
    template = CommunicationTemplate.objects.get(code="escalation-acknowledgement")
    text = services.template_render(template, ticket, agent, timeframe="within 4 hours")
    assert f"Your case number is {ticket.reference}" in text
    assert "within 4 hours" in text and "{" not in text


@pytest.mark.parametrize(
    "body",
    [
        "Hi {customer.email}",
        "{ticket.owner.password}",
        "{settings.SECRET_KEY}",
        "{customer_name.__class__}",
    ],
)
def test_a_template_reaching_beyond_its_values_is_refused_on_save(db, body):
    template = CommunicationTemplate(code="bad", name="Bad", purpose="customer", body=body)
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        template.full_clean()

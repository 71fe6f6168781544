"""Communications, templates and the automatic rules that need no clock (001, 003)."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import InvalidInput
from escalation import services
from escalation.models import (
    CommunicationTemplate,
    Customer,
    Escalation,
    Plan,
    Ticket,
    TicketState,
)
from outbox.models import OutboxMessage
from tests.factories import CustomerFactory, UserFactory, full_handoff


def log(ticket, actor, direction="inbound", body="Still broken", **flags):
    channel = "internal" if direction == "internal" else "email"
    return services.communication_log(
        ticket=ticket, actor=actor, direction=direction, channel=channel, body=body, **flags
    )


def test_an_outbound_message_is_the_first_response(make_ticket, agent):
    ticket = make_ticket()
    log(ticket, agent, "outbound", "We're on it")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.communications.get().author == agent


def test_an_empty_message_is_refused(make_ticket, agent):
    with pytest.raises(InvalidInput, match="Write the message"):
        log(make_ticket(), agent, body="  ")


def test_frustration_signs_only_on_customer_messages(make_ticket, agent):
    with pytest.raises(InvalidInput, match="Frustration signs"):
        log(make_ticket(), agent, "outbound", asked_for_manager=True)


def test_003_a_customer_reply_resumes_a_ticket_waiting_on_them(make_ticket, agent):
    ticket = make_ticket(state="open")
    services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Need logs")
    log(ticket, agent, body="Here are the logs")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_001_customer_wrote_three_times_escalates_automatically(make_ticket, agent):
    ticket = make_ticket(state="open")
    log(ticket, agent, body="one")
    log(ticket, agent, body="two")
    assert not Escalation.objects.exists()
    log(ticket, agent, body="three")
    escalation = Escalation.objects.get()
    assert (escalation.trigger, escalation.to_tier) == ("auto_repeated_contact", 2)
    log(ticket, agent, body="four")  # escalated already: the rule acts once
    assert Escalation.objects.count() == 1


def test_003_asking_for_a_manager_makes_a_high_priority_frustrated_escalation(make_ticket, agent):
    ticket = make_ticket(code="feature-request", state="open")  # medium
    log(ticket, agent, body="Get me your manager", asked_for_manager=True)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.state) == ("high", TicketState.ESCALATED)
    assert Escalation.objects.get().trigger == "auto_frustrated"
    alert = OutboxMessage.objects.get(event_key=f"ticket:{ticket.pk}:frustrated")
    assert alert.recipient == "escalations@example.com"


def test_003_three_complaints_in_one_conversation_escalate(make_ticket, agent):
    ticket = make_ticket(state="open")
    for n in range(3):
        log(ticket, agent, body=f"complaint {n}", is_complaint=True)
    assert Escalation.objects.filter(trigger="auto_frustrated").count() == 1


def test_003_a_threat_to_leave_marks_churn_risk_and_alerts_customer_success(make_ticket, agent):
    ticket = make_ticket(state="open")
    log(ticket, agent, body="I'll cancel", threatened_to_leave=True)
    ticket.refresh_from_db()
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert ticket.churn_risk and customer.churn_risk
    assert customer.history.latest().history_change_reason.startswith("churn risk")
    assert OutboxMessage.objects.get(event_key=f"ticket:{ticket.pk}:churn-risk").recipient == (
        "success@example.com"
    )


def test_001_csat_below_3_alerts_management_and_customer_success(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    recipients = set(
        OutboxMessage.objects.filter(event_key=f"ticket:{ticket.pk}:low-csat").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"support-leads@example.com", "success@example.com"}


def test_001_a_vip_ticket_escalates_at_once_and_copies_the_csm(make_ticket, lead):
    vip = CustomerFactory(plan=Plan.ENTERPRISE, is_vip=True, success_manager=lead)
    ticket = make_ticket(customer=vip)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert Escalation.objects.get().trigger == "auto_vip"
    assert OutboxMessage.objects.filter(
        event_key=f"ticket:{ticket.pk}:csm-copy", recipient="lead1@example.com"
    ).exists()


def test_003_media_customers_are_forwarded_to_press_and_marketing(make_ticket):
    ticket = make_ticket(customer=CustomerFactory(is_media=True))
    recipients = set(
        OutboxMessage.objects.filter(event_key__startswith=f"ticket:{ticket.pk}:").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"press@example.com", "#marketing-alerts"}


def test_003_three_escalations_in_30_days_alert_success_and_ask_a_case_review(
    make_ticket, agent, senior
):
    customer = CustomerFactory()
    for _ in range(3):
        ticket = make_ticket(customer=customer, state="open")
        services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
        )
    alerts = OutboxMessage.objects.filter(event_key__startswith=f"customer:{customer.pk}:")
    assert set(alerts.values_list("recipient", flat=True)) == {
        "success@example.com",
        "senior1@example.com",
    }
    assert "escalated 3 tickets in 30 days" in alerts.first().body


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


def test_only_owner_or_lead_logs_contacts(make_ticket, agent2):
    from core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        log(make_ticket(), agent2)
    assert UserFactory  # factories stay importable for extensions

"""The automatic rules that need no clock (escalation.rules), one test per seed rule.

001 "Automatic Escalation (System-Triggered)" and 003 "Angry/Frustrated Customers",
"Service Outage", "VIP/Enterprise", "Churn Risk", "Media/Influencer" and "Repeat
Escalations". The rules on a clock (24 h without update, time at tier) are in
tests/escalation/sla/.
"""

from escalation import services
from escalation.models import Customer, Escalation, Plan, Ticket, TicketState
from outbox.models import OutboxMessage
from sla.models import Clock
from tests.factories import CustomerFactory, full_handoff


def log(ticket, actor, body="Still broken", **flags):
    """A message from the customer, logged by `actor`."""
    return services.communication_log(
        ticket=ticket, actor=actor, direction="inbound", channel="email", body=body, **flags
    )


def escalate(ticket, actor, to_tier=2):
    return services.ticket_escalate(
        ticket=ticket, actor=actor, to_tier=to_tier, reason="x", handoff=full_handoff(ticket)
    )


def recipients(**filters) -> set[str]:
    return set(OutboxMessage.objects.filter(**filters).values_list("recipient", flat=True))


# --- 001 Automatic Escalation -----------------------------------------------------------


def test_001_customer_wrote_3_or_more_times_without_resolution_escalates(make_ticket, agent):
    ticket = make_ticket(state="open")
    log(ticket, agent, body="one")
    log(ticket, agent, body="two")
    assert not Escalation.objects.exists()
    log(ticket, agent, body="three")
    escalation = Escalation.objects.get()
    assert (escalation.trigger, escalation.to_tier) == ("auto_repeated_contact", 2)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.ESCALATED, 2)
    row = ticket.history.latest()
    assert row.history_user.username == "system"
    assert row.history_change_reason == (
        "escalate: to L2 senior: automatic: the customer wrote 3 times without resolution"
    )
    log(ticket, agent, body="four")  # escalated already: the rule acts once
    assert Escalation.objects.count() == 1


def test_001_customer_satisfaction_below_3_alerts_management_and_customer_success(
    make_ticket, agent
):
    ticket = make_ticket(state="resolved")
    services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    assert recipients(event_key=f"ticket:{ticket.pk}:low-csat") == {
        "support-leads@example.com",
        "success@example.com",
    }
    assert (
        "Review this case" in OutboxMessage.objects.filter(event_key__endswith="low-csat")[0].body
    )
    satisfied = make_ticket(state="resolved")
    services.ticket_record_csat(ticket=satisfied, actor=agent, score=3)  # 3 is not below 3
    assert not OutboxMessage.objects.filter(event_key=f"ticket:{satisfied.pk}:low-csat").exists()


def test_001_a_vip_account_with_any_ticket_escalates_at_once_and_copies_the_csm(make_ticket, lead):
    vip = CustomerFactory(plan=Plan.ENTERPRISE, is_vip=True, success_manager=lead)
    ticket = make_ticket(customer=vip)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    escalation = Escalation.objects.get()
    assert (escalation.trigger, escalation.requested_by.username) == ("auto_vip", "system")
    assert OutboxMessage.objects.filter(
        event_key=f"ticket:{ticket.pk}:csm-copy", recipient="lead1@example.com"
    ).exists()


# --- 003 Angry/Frustrated Customers -----------------------------------------------------


def test_003_frustrated_customer_asks_for_a_manager_high_priority_escalation_and_alert(
    make_ticket, agent
):
    ticket = make_ticket(code="feature-request", state="open")  # medium
    log(ticket, agent, body="Get me your manager", asked_for_manager=True)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.state) == ("high", TicketState.ESCALATED)
    assert Escalation.objects.get().trigger == "auto_frustrated"
    alert = OutboxMessage.objects.get(event_key=f"ticket:{ticket.pk}:frustrated")
    assert alert.recipient == "escalations@example.com"
    assert "asked for a manager" in alert.body and "Full conversation history" in alert.body


def test_003_frustrated_customer_raised_priority_retargets_the_sla_and_writes_history(
    make_ticket, agent
):
    ticket = make_ticket(code="feature-request", state="open")  # medium
    log(ticket, agent, body="Manager now", asked_for_manager=True)
    row = ticket.history.filter(history_change_reason__startswith="auto: priority high").get()
    assert row.history_user.username == "system" and row.priority == "high"
    resolution = Clock.objects.get(subject_id=ticket.pk, kind="resolution")
    assert resolution.target.total_seconds() == 24 * 3600  # high, no longer medium's 72 h


def test_003_frustrated_customer_complained_3_or_more_times_in_one_conversation(make_ticket, agent):
    ticket = make_ticket(state="open")
    for n in range(2):
        log(ticket, agent, body=f"complaint {n}", is_complaint=True)
    assert not Escalation.objects.filter(trigger="auto_frustrated").exists()
    log(ticket, agent, body="complaint 2", is_complaint=True)
    assert Escalation.objects.filter(trigger="auto_frustrated").count() == 1
    assert "complained 3 times" in OutboxMessage.objects.get(event_key__endswith="frustrated").body


def test_003_frustrated_customer_posted_a_negative_public_review(make_ticket, agent):
    ticket = make_ticket(state="open")
    log(ticket, agent, body="I just posted a 1-star review", public_review=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert Escalation.objects.get().trigger == "auto_frustrated"
    alert = OutboxMessage.objects.get(event_key=f"ticket:{ticket.pk}:frustrated")
    assert "posted a negative public review" in alert.body


# --- 003 Churn Risk -----------------------------------------------------------------------


def test_003_churn_risk_a_threat_to_leave_marks_ticket_and_customer_and_alerts_success(
    make_ticket, agent
):
    ticket = make_ticket(state="open")
    log(ticket, agent, body="I'll cancel", threatened_to_leave=True)
    ticket.refresh_from_db()
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert ticket.churn_risk and customer.churn_risk
    assert customer.history.latest().history_change_reason.startswith("churn risk")
    alert = OutboxMessage.objects.get(event_key=f"ticket:{ticket.pk}:churn-risk")
    assert alert.recipient == "success@example.com"
    assert "Offer a call with a senior team member" in alert.body


# --- 003 Media/Influencer Inquiries -------------------------------------------------------


def test_003_media_customers_are_forwarded_to_press_and_alert_marketing(make_ticket):
    ticket = make_ticket(customer=CustomerFactory(is_media=True))
    assert recipients(event_key__startswith=f"ticket:{ticket.pk}:") == {
        "press@example.com",
        "#marketing-alerts",
    }
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.NEW  # no special treatment
    assert not Escalation.objects.exists()


# --- 003 Repeat Escalations ---------------------------------------------------------------


def test_003_repeat_escalations_3_in_30_days_alert_success_and_ask_a_case_review(
    make_ticket, agent, senior
):
    customer = CustomerFactory()
    for n in range(3):
        ticket = make_ticket(customer=customer, state="open")
        escalate(ticket, agent)
        if n < 2:
            assert not OutboxMessage.objects.filter(event_key__startswith="customer:").exists()
    alerts = OutboxMessage.objects.filter(event_key__startswith=f"customer:{customer.pk}:")
    assert set(alerts.values_list("recipient", flat=True)) == {
        "success@example.com",
        "senior1@example.com",
    }
    assert "escalated 3 tickets in 30 days" in alerts.first().body


def test_003_repeat_escalations_one_ticket_climbing_tiers_is_not_a_repeat(
    make_ticket, agent, senior, engineer
):
    ticket = make_ticket(state="open")
    escalate(ticket, agent)
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    escalate(ticket, senior, to_tier=3)
    services.ticket_accept_escalation(ticket=ticket, actor=engineer)
    escalate(ticket, engineer, to_tier=4)
    assert Escalation.objects.filter(ticket=ticket).count() == 3
    assert not OutboxMessage.objects.filter(event_key__contains=":repeat:").exists()


# --- 003 Service Outage: "Multiple customers reporting same issue" ------------------------


def test_003_multiple_customers_reporting_the_same_issue_alert_the_leads_once(make_ticket, lead):
    for _ in range(2):
        make_ticket(code="critical-feature-down", customer=CustomerFactory())
    assert not OutboxMessage.objects.filter(event_key__startswith="incident-watch").exists()
    make_ticket(code="critical-feature-down", customer=CustomerFactory())
    make_ticket(code="critical-feature-down", customer=CustomerFactory())
    watch = OutboxMessage.objects.filter(event_key__startswith="incident-watch")
    assert set(watch.values_list("recipient", flat=True)) == {
        "lead1@example.com",
        "incidents@example.com",
    }
    assert "3 customers reported" in watch.first().body


def test_003_multiple_customers_one_cluster_of_reports_alerts_once_while_it_lasts(
    make_ticket, lead
):
    for _ in range(6):
        make_ticket(code="critical-feature-down", customer=CustomerFactory())
    alerts = OutboxMessage.objects.filter(
        event_key__startswith="incident-watch", recipient="lead1@example.com"
    )
    assert alerts.count() == 1

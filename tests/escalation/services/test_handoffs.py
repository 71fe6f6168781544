"""Tier hand-offs with nothing lost (001 Internal Escalation Handoff, 003 Information)."""

import pytest
from django.urls import reverse

from core.choices import Tier
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Escalation, EscalationState, Ticket, TicketState, Trigger
from tests.factories import escalate_form, full_handoff


def test_001_an_incomplete_handoff_is_refused_naming_each_missing_item(make_ticket, agent):
    ticket = make_ticket(code="fraud", state="open")
    handoff = full_handoff(ticket, summary="", questions=" ", required_info={"user_id": "u-1"})
    with pytest.raises(InvalidInput) as refused:
        services.ticket_escalate(ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=handoff)
    message = refused.value.message
    for item in (
        "summary of the issue",
        "specific questions for the next tier",
        "Transaction ID",
        "Amount",
        "Description",
    ):
        assert item in message
    assert set(refused.value.field_errors) == {"summary", "questions", "required_info"}
    assert not Escalation.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_003_troubleshooting_is_required_except_for_critical_issues(make_ticket, agent):
    standard = make_ticket(code="core-functionality-bug", state="open")
    with pytest.raises(InvalidInput, match="troubleshooting steps"):
        services.ticket_escalate(
            ticket=standard,
            actor=agent,
            to_tier=2,
            reason="x",
            handoff=full_handoff(standard, troubleshooting=""),
        )
    critical = make_ticket(code="account-breach", state="open")  # "escalate immediately"
    services.ticket_escalate(
        ticket=critical,
        actor=agent,
        to_tier=2,
        reason="breach",
        handoff=full_handoff(critical, troubleshooting=""),
    )
    assert Ticket.objects.get(pk=critical.pk).state == TicketState.ESCALATED


def test_the_escalation_record_keeps_the_whole_handoff(make_ticket, agent):
    ticket = make_ticket(code="fraud", state="open")
    services.ticket_escalate(
        ticket=ticket,
        actor=agent,
        to_tier=3,
        reason="Card testing",
        handoff=full_handoff(ticket),
        trigger=Trigger.CONFIRMED_BUG,
    )
    escalation = Escalation.objects.get()
    assert (escalation.from_tier, escalation.to_tier, escalation.trigger) == (1, 3, "confirmed_bug")
    assert escalation.previous_owner == agent and escalation.requested_by == agent
    assert escalation.required_info["transaction_id"] == "value for transaction_id"
    assert escalation.why_escalating == "Card testing"
    assert escalation.history.latest().history_change_reason.startswith("request:")


def test_accepting_makes_the_acceptor_owner_and_records_the_time(make_ticket, agent, senior):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    escalation = Escalation.objects.get()
    assert ticket.owner == senior and escalation.state == EscalationState.ACCEPTED
    assert escalation.accepted_by == senior and escalation.accepted_at is not None


def test_accepting_twice_is_refused(make_ticket, agent, senior):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with pytest.raises(TransitionRefused, match="cannot be accepted now"):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)


def test_003_returning_sends_it_back_to_the_previous_owner_and_counts_it(
    make_ticket, agent, senior
):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    with pytest.raises(InvalidInput, match="reason for returning"):
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason="")
    ticket = services.ticket_return_escalation(
        ticket=ticket, actor=senior, reason="Knowledge base article 12 covers it"
    )
    assert (ticket.state, ticket.owner, ticket.tier) == (TicketState.OPEN, agent, Tier.L1)
    returned = Escalation.objects.filter(state=EscalationState.RETURNED)
    assert returned.count() == 1  # "could have been resolved at the first level"
    assert returned.get().return_reason == "Knowledge base article 12 covers it"


def test_only_the_target_tier_returns_an_escalation(make_ticket, agent, agent2, senior):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    with pytest.raises(PermissionRefused):
        services.ticket_return_escalation(ticket=ticket, actor=agent2, reason="no")


def test_automatic_escalations_record_their_rule(make_ticket):
    import time_machine

    from sla import services as sla
    from tests.escalation.sla.conftest import ny

    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        ticket = make_ticket(code="feature-request", priority="high", state="open")
    with time_machine.travel(ny(2026, 11, 2, 11), tick=False):
        sla.sweep()
    escalation = Escalation.objects.get(ticket=ticket)
    assert (escalation.trigger, escalation.type, escalation.requested_by.username) == (
        "auto_tier_time",
        "hierarchical",
        "system",
    )
    assert escalation.summary == ticket.subject


def test_the_admin_escalate_form_refuses_missing_items_field_by_field(
    client_as, make_ticket, agent
):
    ticket = make_ticket(code="fraud", state="open")
    url = reverse("admin:escalation_ticket_action", args=[ticket.pk, "escalate"])
    client = client_as(agent)
    page = client.get(url)
    assert page.context["form"]["summary"].value() == ticket.subject  # prefilled
    response = client.post(url, escalate_form(ticket, summary="", info_amount=""))
    errors = response.context["form"].errors
    assert "summary" in errors and "Amount" in str(errors)
    assert not Escalation.objects.exists()
    response = client.post(url, escalate_form(ticket))
    assert response.status_code == 302
    assert Escalation.objects.get().to_tier == 2

"""Tier hand-offs with nothing lost (001 Internal Escalation Handoff, 003 Information)."""

import pytest
from django.urls import reverse

from core.choices import Tier
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Escalation, EscalationState, Ticket, TicketState, Trigger
from sla.models import Clock
from tests.factories import UserFactory, escalate_form, full_handoff


def escalate(ticket, actor, to_tier=2):
    return services.ticket_escalate(
        ticket=ticket, actor=actor, to_tier=to_tier, reason="x", handoff=full_handoff(ticket)
    )


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
    before = ticket.history.count()
    with pytest.raises(TransitionRefused, match="cannot be accepted now"):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    assert ticket.history.count() == before
    assert Escalation.objects.get().accepted_by == senior


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
    with pytest.raises(PermissionRefused, match="only that tier"):
        services.ticket_return_escalation(ticket=ticket, actor=agent2, reason="no")
    assert Escalation.objects.get().state == EscalationState.REQUESTED
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.ESCALATED


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


def test_the_escalate_form_refuses_missing_items_field_by_field(client_as, make_ticket, agent):
    """The agent's escalate form, on the desk (the admin's button uses the same form)."""
    ticket = make_ticket(code="fraud", state="open")
    url = reverse("desk:ticket_action", args=[ticket.pk, "escalate"])
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
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.ESCALATED, Tier.L2)


def test_the_requester_cannot_accept_or_return_their_own_escalation(make_ticket, senior):
    ticket = make_ticket(owner=senior, state="open")  # a senior working an L1 ticket
    escalate(ticket, senior, to_tier=2)
    lead = UserFactory(username="lead9", role="Lead")
    with pytest.raises(PermissionRefused, match="You asked for this escalation"):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with pytest.raises(PermissionRefused, match="You asked for this escalation"):
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason="mine")
    assert Escalation.objects.get().state == EscalationState.REQUESTED
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=lead)
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, lead)
    assert Escalation.objects.get().accepted_by == lead


def test_a_returned_escalation_restarts_time_at_tier_and_stops_acknowledgement(
    make_ticket, agent, senior
):
    ticket = make_ticket(state="open")
    escalate(ticket, agent)
    services.ticket_return_escalation(ticket=ticket, actor=senior, reason="Use KB 12")
    assert Clock.objects.get(subject_id=ticket.pk, kind="acknowledgement").stopped_at
    assert Clock.objects.filter(
        subject_id=ticket.pk, kind="tier", stopped_at__isnull=True, cycle=2
    ).exists()


def test_verification_details_come_from_the_verification_never_from_typing(make_ticket, agent):
    from verification import services as verify
    from verification.models import SensitiveAction

    ticket = make_ticket(code="locked-out-2fa", state="open")
    request = verify.verification_start(
        subject=ticket.customer, actor=agent, action=SensitiveAction.objects.get(code="2fa-removal")
    )
    for kind in ("payment_last4", "creation_date"):
        verify.verification_record_factor(
            request=request, actor=agent, kind=kind, matched=True, method="asked_and_compared"
        )
    handoff = full_handoff(ticket)
    handoff["required_info"]["verification_details"] = "card ends 4242"
    escalate_with = dict(ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=handoff)
    services.ticket_escalate(**escalate_with)
    details = Escalation.objects.get().required_info["verification_details"]
    assert "4242" not in details and details.startswith(f"verification #{request.pk}")

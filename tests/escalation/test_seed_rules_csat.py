"""001 Automatic Escalation: "Customer satisfaction rating < 3" escalates the ticket.

A resolved ticket is reopened and escalated to the next tier, the survey its trigger, as
the system actor; a closed ticket cannot be reopened (the state machine ends at closed),
so the refusal is recorded in its history and its owner and the leads are told.
"""

from escalation import services
from escalation.models import (
    Escalation,
    RefusalCause,
    RefusedEscalation,
    Ticket,
    TicketState,
    Trigger,
)
from outbox.models import OutboxMessage


def recipients(event_key):
    return set(
        OutboxMessage.objects.filter(event_key=event_key).values_list("recipient", flat=True)
    )


def test_001_csat_below_3_reopens_the_ticket_at_the_next_tier(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    rated = services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    assert (rated.state, rated.tier, rated.csat) == (TicketState.ESCALATED, 2, 2)
    escalation = Escalation.objects.get(ticket=ticket)
    assert (escalation.trigger, escalation.requested_by.username) == (
        Trigger.AUTO_LOW_CSAT,
        "system",
    )
    assert escalation.why_escalating == "automatic: CSAT 2/5, below 3"
    reasons = [
        (r.history_user.username, r.history_change_reason)
        for r in Ticket.history.filter(id=ticket.pk).order_by("history_date", "history_id")
    ][-3:]
    assert reasons == [
        ("agent1", "record_csat: 2"),
        ("system", "reopen: automatic: CSAT 2/5, below 3"),
        ("system", "escalate: to L2 senior: automatic: CSAT 2/5, below 3"),
    ]
    # In addition to today's notice to management and Customer Success.
    assert recipients(f"ticket:{ticket.pk}:low-csat") == {
        "support-leads@example.com",
        "success@example.com",
    }


def test_001_csat_of_3_or_more_leaves_the_resolved_ticket_resolved(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    rated = services.ticket_record_csat(ticket=ticket, actor=agent, score=3)
    assert (rated.state, rated.tier) == (TicketState.RESOLVED, 1)
    assert not Escalation.objects.exists() and not RefusedEscalation.objects.exists()


def test_001_csat_below_3_on_a_closed_ticket_is_recorded_and_told_not_reopened(
    make_ticket, agent, lead
):
    ticket = make_ticket(state="closed")
    rated = services.ticket_record_csat(ticket=ticket, actor=agent, score=1)
    assert rated.state == TicketState.CLOSED and not Escalation.objects.exists()
    refusal = RefusedEscalation.objects.get(ticket=ticket)
    assert (refusal.trigger, refusal.cause) == (Trigger.AUTO_LOW_CSAT, RefusalCause.CLOSED)
    row = Ticket.history.filter(id=ticket.pk).latest()
    assert row.history_user.username == "system"
    assert row.history_change_reason.startswith(
        "Automatic escalation refused (CSAT 1/5, below 3): A closed ticket cannot be reopened."
    )
    assert recipients(f"ticket:{ticket.pk}:auto-escalation-refused:auto_low_csat") == {
        "agent1@example.com",
        "lead1@example.com",
    }
    assert recipients(f"ticket:{ticket.pk}:low-csat")  # management and CS still hear of it


def test_001_a_ticket_rated_low_again_after_its_next_resolution_moves_up_again(
    make_ticket, agent, senior
):
    ticket = make_ticket(state="resolved")
    services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    ticket = services.ticket_resolve(
        ticket=ticket, actor=senior, summary="Refunded", customer_confirmed=True
    )
    rated = services.ticket_record_csat(ticket=ticket, actor=senior, score=1)
    assert (rated.state, rated.tier) == (TicketState.ESCALATED, 3)
    assert Escalation.objects.filter(ticket=ticket, trigger=Trigger.AUTO_LOW_CSAT).count() == 2


def test_001_csat_below_3_without_verified_identity_reopens_and_records_the_refusal(
    make_ticket, agent
):
    ticket = make_ticket(state="resolved", code="locked-out-2fa")  # verify identity first
    rated = services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    assert (rated.state, rated.tier) == (TicketState.OPEN, 1)  # back with its owner
    refusal = RefusedEscalation.objects.get(ticket=ticket)
    assert (refusal.trigger, refusal.cause) == (Trigger.AUTO_LOW_CSAT, RefusalCause.VERIFICATION)
    assert recipients(f"ticket:{ticket.pk}:auto-escalation-refused:auto_low_csat") == {
        "agent1@example.com"
    }

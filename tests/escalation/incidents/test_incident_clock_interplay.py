"""Issue 17: the incident's hold on a child's clocks meets the ticket's own pauses. A
ticket that began waiting on its customer during the incident keeps waiting (its clocks
stay paused) when unlinked; a manual "Resume SLA clocks" during the incident leaves the
incident's hold in place."""

from core.choices import Priority
from escalation import services
from escalation.models import ApprovalKind, ApprovalRule, TicketState
from sla.models import Clock, ClockKind, ClockPause
from tests.escalation.incidents.conftest import MONDAY_9
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory

HELD = (ClockKind.RESOLUTION, ClockKind.TIER)


def held_clocks(ticket):
    return Clock.objects.filter(subject_id=ticket.pk, stopped_at__isnull=True, kind__in=HELD)


def open_ticket(make_ticket, at):
    with at(MONDAY_9):
        return make_ticket(
            code="feature-request", priority=Priority.HIGH, state="open", customer=CustomerFactory()
        )


def test_a_ticket_waiting_on_its_customer_stays_paused_after_unlinking(
    declare, make_ticket, lead, agent, at
):
    ticket = open_ticket(make_ticket, at)
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 9, 40)):
        ticket = services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="logs")
    with at(ny(2026, 11, 2, 10)):
        services.incident_unlink_tickets(incident=incident, actor=lead, tickets=[ticket])
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING_ON_CUSTOMER and ticket.sla_paused
    assert held_clocks(ticket).exists()
    for clock in held_clocks(ticket):
        assert clock.is_paused
        assert clock.pauses.get(ended_at__isnull=True).reason == (
            ClockPause.Reason.WAITING_ON_CUSTOMER
        )


def test_resuming_a_manual_pause_during_the_incident_leaves_the_incident_hold(
    declare, make_ticket, lead, agent, at
):
    ApprovalRule.objects.filter(kind=ApprovalKind.CLOCK_PAUSE).update(enabled=False)
    ticket = open_ticket(make_ticket, at)
    with at(ny(2026, 11, 2, 9, 10)):
        services.ticket_pause_clocks(ticket=ticket, actor=agent, reason="Data centre move")
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 9, 45)):
        services.ticket_resume_clocks(ticket=ticket, actor=agent, reason="Move done")
    ticket.refresh_from_db()
    assert ticket.sla_paused
    for clock in held_clocks(ticket):
        assert clock.pauses.get(ended_at__isnull=True).reason == ClockPause.Reason.INCIDENT

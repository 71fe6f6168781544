"""Issue 17: a major incident governs its linked tickets (003 "In Case of Major Incident":
"Proactively update customers"; 001 "Response Time Guidelines": status-update cadence)."""

from datetime import timedelta

import pytest

from core.choices import Priority
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Communication, IncidentUpdate, TicketState
from outbox.models import OutboxMessage
from sla.models import BreachEvent, Clock, ClockKind, ClockPause
from tests.escalation.incidents.conftest import MONDAY_9
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff


def clocks_of(ticket, **filters):
    return Clock.objects.filter(subject_id=ticket.pk, **filters)


def high_open_ticket(make_ticket, at, customer=None, when=MONDAY_9):
    with at(when):
        return make_ticket(
            code="feature-request",
            priority=Priority.HIGH,
            state="open",
            customer=customer or CustomerFactory(),
        )


def test_a_child_ticket_does_not_breach_during_the_incident(
    declare, make_ticket, lead, at, sweep_at
):
    """Its clocks are suspended with the reason "incident": the sweep, run days past every
    due time, records no breach and sends no warning."""
    ticket = high_open_ticket(make_ticket, at)
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    running = clocks_of(ticket, stopped_at__isnull=True)
    assert running.exists() and all(c.is_paused for c in running)
    assert {p.reason for c in running for p in c.pauses.filter(ended_at__isnull=True)} == {
        ClockPause.Reason.INCIDENT
    }
    ticket.refresh_from_db()
    assert ticket.sla_paused
    sweep_at(ny(2026, 11, 9, 9))  # a week later: the 2 h tier limit and 4 h target long gone
    assert not BreachEvent.objects.filter(subject_id=ticket.pk).exists()
    ticket.refresh_from_db()
    assert ticket.tier == 1  # nor the stale-ticket rule (001: open > 24 h): it waits too


def test_a_customer_reply_during_the_incident_does_not_restart_the_clocks(
    declare, make_ticket, lead, agent, at, sweep_at
):
    """A reply resumes a ticket waiting on its customer; the incident still holds its clocks."""
    ticket = high_open_ticket(make_ticket, at)
    with at(ny(2026, 11, 2, 9, 10)):
        services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="logs")
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 10)):
        services.communication_log(
            ticket=ticket, actor=agent, direction="inbound", channel="email", body="Here."
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert all(c.is_paused for c in clocks_of(ticket, stopped_at__isnull=True))
    sweep_at(ny(2026, 11, 9, 9))
    assert not BreachEvent.objects.filter(subject_id=ticket.pk).exists()


def test_unlinking_resumes_the_clocks_without_counting_the_suspended_time(
    declare, make_ticket, lead, at
):
    ticket = high_open_ticket(make_ticket, at)
    tier = clocks_of(ticket, kind=ClockKind.TIER).get()
    assert tier.due_at == ny(2026, 11, 2, 11)  # L1 high: 2 h
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 10, 30)):
        assert services.incident_unlink_tickets(incident=incident, actor=lead, tickets=[ticket])
    tier.refresh_from_db()
    assert not tier.is_paused
    assert tier.due_at == ny(2026, 11, 2, 12)  # moved by exactly the hour suspended
    ticket.refresh_from_db()
    assert ticket.incident is None and not ticket.sla_paused
    assert (
        ticket.history.latest().history_change_reason == f"incident: unlinked from #{incident.pk}"
    )


def test_a_customer_with_two_linked_tickets_gets_one_message_per_update(
    declare, make_ticket, lead, at
):
    alice, bob = CustomerFactory(name="Alice"), CustomerFactory(name="Bob")
    tickets = [
        high_open_ticket(make_ticket, at, alice),
        high_open_ticket(make_ticket, at, alice),
        high_open_ticket(make_ticket, at, bob),
    ]
    incident = declare()
    with at(ny(2026, 11, 2, 9, 5)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=tickets)
    with at(ny(2026, 11, 2, 10, 5)):
        update = services.incident_post_update(
            incident=incident, actor=lead, text="Hi {customer_name}, a fix is being deployed."
        )
    assert update.customers_told == 2
    emails = OutboxMessage.objects.filter(event_key__startswith=f"incident:{incident.pk}:update:")
    assert sorted(m.recipient for m in emails) == sorted([alice.email, bob.email])
    assert emails.get(recipient=alice.email).body == "Hi Alice, a fix is being deployed."
    # Every timeline records it, but nothing else was emailed.
    for ticket in tickets:
        assert Communication.objects.filter(ticket=ticket, body__contains="a fix is being").exists()
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 2  # holding + update


def test_an_update_sooner_than_the_cadence_is_refused_naming_when_the_next_is_due(
    declare, make_ticket, lead, at
):
    """001: critical incidents update customers hourly (high every 4 hours, medium daily);
    the holding message at the declaration counts as the first."""
    incident = declare()
    services.incident_link_tickets(
        incident=incident, actor=lead, tickets=[high_open_ticket(make_ticket, at)]
    )
    with at(ny(2026, 11, 2, 9, 30)), pytest.raises(TransitionRefused) as refused:
        services.incident_post_update(incident=incident, actor=lead, text="Still on it.")
    assert "every hour" in str(refused.value) and "2026-11-02 09:00" not in str(refused.value)
    assert services.next_update_due(incident) == MONDAY_9 + timedelta(hours=1)
    assert not IncidentUpdate.objects.exists()
    with at(ny(2026, 11, 2, 10)):
        services.incident_post_update(incident=incident, actor=lead, text="Fix found.")
    with at(ny(2026, 11, 2, 10, 59)), pytest.raises(TransitionRefused, match="due at"):
        services.incident_post_update(incident=incident, actor=lead, text="Again.")
    assert IncidentUpdate.objects.count() == 1
    high = declare(priority=Priority.HIGH)
    assert services.next_update_due(high) == MONDAY_9 + timedelta(hours=4)


def test_closed_and_cancelled_children_are_not_touched(declare, make_ticket, lead, agent, at):
    customer = CustomerFactory()
    closed, cancelled, active = (high_open_ticket(make_ticket, at, customer) for _ in range(3))
    incident = declare()
    with at(ny(2026, 11, 2, 9, 5)):
        services.incident_link_tickets(
            incident=incident, actor=lead, tickets=[closed, cancelled, active]
        )
        services.ticket_resolve(ticket=closed, actor=agent, summary="x", customer_confirmed=True)
        services.ticket_close(ticket=closed, actor=agent)
        services.ticket_cancel(ticket=cancelled, actor=lead, reason="duplicate")
    rows = {t.pk: t.history.count() for t in (closed, cancelled)}
    with at(ny(2026, 11, 2, 10, 5)):
        services.incident_post_update(incident=incident, actor=lead, text="Update.")
        resolved = services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed."
        )
    assert resolved.left_open == []
    for ticket in (closed, cancelled):
        assert ticket.history.count() == rows[ticket.pk]
        assert not Communication.objects.filter(ticket=ticket, body__in=["Update.", "Fixed."])
    active.refresh_from_db()
    assert active.state == TicketState.RESOLVED


def test_resolving_the_incident_resolves_its_children_once_each_and_tells_each_customer_once(
    declare, make_ticket, lead, at
):
    """One history row per child naming the incident; the suspended time is not counted."""
    customer = CustomerFactory(name="Alice")
    first, second = (high_open_ticket(make_ticket, at, customer) for _ in range(2))
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[first, second])
    rows = first.history.count()
    with at(ny(2026, 11, 2, 15)):
        services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed, {customer_name}."
        )
    first.refresh_from_db()
    assert first.state == TicketState.RESOLVED
    assert (
        first.resolution_summary
        == f"Resolved with incident {incident.reference}: Fixed, {{customer_name}}."
    )
    assert first.history.count() == rows + 2  # the timeline's message, then the resolution
    assert first.history.latest().history_type == "~"
    resolution = clocks_of(first, kind=ClockKind.RESOLUTION).get()
    assert resolution.business_taken == timedelta(minutes=30)  # 9:00-9:30, not until 15:00
    assert resolution.met is True
    told = OutboxMessage.objects.filter(event_key__startswith=f"incident:{incident.pk}:resolved:")
    assert [(m.recipient, m.body) for m in told] == [(customer.email, "Fixed, Alice.")]


def test_an_escalated_child_keeps_its_state_and_gets_its_clocks_back(
    declare, make_ticket, lead, agent, at
):
    ticket = high_open_ticket(make_ticket, at)
    with at(ny(2026, 11, 2, 9, 10)):
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=2, reason="DB"
        )
    incident = declare()
    with at(ny(2026, 11, 2, 9, 30)):
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 10, 30)):
        resolved = services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed."
        )
    assert [t.pk for t in resolved.left_open] == [ticket.pk]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert not clocks_of(ticket, stopped_at__isnull=True, paused_since__isnull=False).exists()


def test_a_ticket_started_clock_during_the_incident_waits_too(declare, make_ticket, lead, at):
    """Taking a linked new ticket into work starts its update cadence: suspended as well."""
    with at(MONDAY_9):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH)
    incident = declare()
    services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    with at(ny(2026, 11, 2, 9, 30)):
        services.ticket_open(ticket=ticket, actor=lead)
    assert all(c.is_paused for c in clocks_of(ticket, stopped_at__isnull=True))


def test_only_leads_post_updates_and_bad_text_is_refused(declare, agent, lead):
    incident = declare()
    with pytest.raises(PermissionRefused):
        services.incident_post_update(incident=incident, actor=agent, text="x")
    with pytest.raises(InvalidInput, match="NUL"):
        services.incident_post_update(incident=incident, actor=lead, text="a\x00b")
    with pytest.raises(InvalidInput, match="not \\{owner_name\\}"):
        services.incident_post_update(incident=incident, actor=lead, text="{owner_name}")
    with pytest.raises(InvalidInput, match="under 5000"):
        services.incident_post_update(incident=incident, actor=lead, text="x" * 5001)
    with pytest.raises(InvalidInput, match="priority"):
        services.incident_declare(
            actor=lead, title="t", affected_service="s", holding_message="h", priority="urgent"
        )
    assert not IncidentUpdate.objects.exists()


def test_a_resolved_incident_takes_no_update_and_no_unlink(declare, lead, make_ticket, at):
    incident = declare()
    ticket = high_open_ticket(make_ticket, at)
    services.incident_link_tickets(incident=incident, actor=lead, tickets=[ticket])
    services.incident_advance(incident=incident, actor=lead, step="resolve", message="Fixed.")
    with pytest.raises(TransitionRefused, match="resolved"):
        services.incident_post_update(incident=incident, actor=lead, text="Late.")
    with pytest.raises(TransitionRefused, match="resolved"):
        services.incident_unlink_tickets(incident=incident, actor=lead, tickets=[ticket])

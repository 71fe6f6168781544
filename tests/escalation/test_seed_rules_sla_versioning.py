"""003 Response SLA Commitments, versioned: a ticket keeps every target of the policy
version it started under, the status-update cadence (001 "Status update: every 4 hours"
for high) and whether waiting on the customer pauses it included, until a lead re-applies
the current version. A reopened ticket starts a new resolution cycle under the current
version, as a new ticket would."""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps

from core import roles
from core.choices import Priority
from escalation import services
from escalation.models import Ticket
from escalation.services.approvals import approval_decide
from sla import services as sla
from sla.models import Clock, ClockKind, SlaPolicy
from tests.escalation.sla.conftest import ny
from tests.factories import UserFactory

H = timedelta(hours=1)


@pytest.fixture
def at():
    def travel(instant):
        return time_machine.travel(instant, tick=False)

    return travel


def clock(ticket, kind, cycle=1):
    return Clock.objects.get(subject_id=ticket.pk, kind=kind, cycle=cycle)


def reapply(ticket, lead):
    """A lead re-applies the current version; a second lead approves it (four-eyes, issue
    17: the request alone changes nothing)."""
    held = services.ticket_reapply_sla(ticket=ticket, actor=lead)
    assert held.record.is_pending
    approval_decide(
        request=held.record, actor=UserFactory(username="lead2", role=roles.LEAD), approve=True
    )
    return Ticket.objects.get(pk=ticket.pk)


def edit_policy(lead, **changes):
    policy = SlaPolicy.objects.get(priority=Priority.HIGH)
    for field, value in changes.items():
        setattr(policy, field, value)
    return sla.sla_policy_save(policy=policy, actor=lead, changed=list(changes))


def high_ticket(make_ticket, **kwargs):
    return make_ticket(code="feature-request", priority=Priority.HIGH, **kwargs)


def update(ticket, agent):
    services.communication_log(
        ticket=ticket, actor=agent, direction="outbound", channel="email", body="Still on it"
    )


def test_003_editing_the_update_cadence_does_not_change_a_running_ticket_until_reapplied(
    make_ticket, agent, lead, at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = high_ticket(make_ticket, state="open")
    assert (ticket.sla_update_every, clock(ticket, ClockKind.NEXT_UPDATE).target) == (4 * H, 4 * H)
    assert edit_policy(lead, update_every=1 * H).version == 2
    with at(ny(2026, 11, 2, 10)):
        update(ticket, agent)  # a new cycle: still the 4 h of the version it started under
    assert clock(ticket, ClockKind.NEXT_UPDATE, cycle=2).due_at == ny(2026, 11, 2, 14)
    with at(ny(2026, 11, 2, 10, 30)):
        ticket = reapply(ticket, lead)
    assert Ticket.objects.get(pk=ticket.pk).sla_update_every == 1 * H
    assert clock(ticket, ClockKind.NEXT_UPDATE, cycle=2).due_at == ny(2026, 11, 2, 11)
    with at(ny(2026, 11, 2, 10, 45)):
        update(Ticket.objects.get(pk=ticket.pk), agent)
    assert clock(ticket, ClockKind.NEXT_UPDATE, cycle=3).due_at == ny(2026, 11, 2, 11, 45)
    with at(ny(2026, 11, 2, 11)):
        fresh = high_ticket(make_ticket, state="open")  # a new ticket takes version 2
    assert clock(fresh, ClockKind.NEXT_UPDATE).due_at == ny(2026, 11, 2, 12)


def test_003_editing_the_pause_flag_does_not_change_a_running_ticket_until_reapplied(
    make_ticket, agent, lead, at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = high_ticket(make_ticket, state="open")
    edit_policy(lead, pause_when_waiting_on_customer=False)
    with at(ny(2026, 11, 2, 10)):
        ticket = services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Logs?")
    assert clock(ticket, ClockKind.RESOLUTION).is_paused  # its version pauses
    with at(ny(2026, 11, 2, 11)):
        ticket = services.ticket_resume(ticket=ticket, actor=agent)
        ticket = reapply(ticket, lead)
    assert Ticket.objects.get(pk=ticket.pk).sla_pause_when_waiting is False
    with at(ny(2026, 11, 2, 12)):
        ticket = services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Logs?")
    assert not clock(ticket, ClockKind.RESOLUTION).is_paused  # now it runs on


def test_a_reopened_ticket_runs_its_new_cycle_under_the_current_version(
    make_ticket, agent, lead, at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = high_ticket(make_ticket, state="resolved")
    edit_policy(lead, update_every=2 * H, pause_when_waiting_on_customer=False)
    with at(ny(2026, 11, 2, 10)):
        ticket = services.ticket_reopen(ticket=ticket, actor=agent, reason="Came back")
    assert (ticket.sla_update_every, ticket.sla_pause_when_waiting) == (2 * H, False)
    assert clock(ticket, ClockKind.RESOLUTION, cycle=2).policy_version == 2
    assert clock(ticket, ClockKind.NEXT_UPDATE, cycle=2).due_at == ny(2026, 11, 2, 12)


def test_the_migration_backfills_each_ticket_from_its_own_policy_version(
    make_ticket, customer, lead, at
):
    customer.plan = "enterprise"
    customer.save()
    policy = SlaPolicy.objects.get(priority=Priority.HIGH)
    sla.sla_policy_save(policy=policy, actor=lead, changed=[])  # v1 is in the history now
    with at(ny(2026, 11, 2, 9)):
        running = high_ticket(make_ticket, state="open")  # enterprise: half the 4 h cadence
        waiting = high_ticket(make_ticket)  # new: no customer-update clock yet
    edit_policy(lead, update_every=1 * H, pause_when_waiting_on_customer=False)
    tickets = Ticket.objects.filter(pk__in=[running.pk, waiting.pk])
    tickets.update(sla_update_every=None, sla_pause_when_waiting=False)
    migration = importlib.import_module("escalation.migrations.0014_backfill_kept_sla_terms")
    migration.backfill(apps, None)
    for ticket in (running, waiting):
        ticket.refresh_from_db()
        assert (ticket.sla_update_every, ticket.sla_pause_when_waiting) == (2 * H, True)  # v1

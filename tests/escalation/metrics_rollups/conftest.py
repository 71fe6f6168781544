"""A hundred days of random-ish escalation activity, written as plain rows (the figures
only read columns), with 'now' frozen at noon on Friday 20 Nov 2026 in New York."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from contacts.models import Department
from core.choices import Priority, Tier
from escalation.models import (
    Category,
    Escalation,
    EscalationState,
    Plan,
    RefusalCause,
    RefusedEscalation,
    StayEnd,
    Ticket,
    TicketState,
    Trigger,
)
from sla.models import BusinessCalendar, Clock, ClockKind
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory

NOW = ny(2026, 11, 20, 12)
DAYS = 100
TRIGGERS = [Trigger.LACKS_EXPERTISE, Trigger.AUTO_TIER_TIME, Trigger.AUTO_VIP]


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _maybe(rng, value, p=0.5):
    return value if rng.random() < p else None


def make_ticket(rng, when, customers, categories, owner) -> Ticket:
    escalated = rng.random() < 0.5
    state = rng.choice(
        [TicketState.NEW, TicketState.RESOLVED, TicketState.CLOSED, TicketState.CANCELLED]
    )
    resolved = state in (TicketState.RESOLVED, TicketState.CLOSED)
    return Ticket(
        customer=rng.choice(customers),
        category=rng.choice(categories),
        priority=rng.choice(Priority.values),
        owner=owner,
        subject="Sync stops",
        state=state,
        created_at=when,
        first_escalated_at=when + timedelta(hours=1) if escalated else None,
        escalated_after=timedelta(minutes=rng.randint(1, 6000)) if escalated else None,
        resolved_at=when + timedelta(hours=5) if resolved else None,
        resolved_after=_maybe(rng, timedelta(seconds=rng.randint(60, 400000)), 0.8)
        if resolved
        else None,
        csat=_maybe(rng, rng.randint(1, 5)),
        repeat_escalation=rng.random() < 0.2,
        first_level_possible=rng.choice([None, True, False]),
    )


def add_activity(rng, tickets, owner, calendar, ticket_type):
    handoffs, clocks, refusals = [], [], []
    for t in tickets:
        if t.first_escalated_at is not None:
            for tier in range(2, rng.randint(2, 4) + 1):
                requested = t.created_at + timedelta(hours=rng.randint(0, 60))
                state = rng.choice(EscalationState.values)
                accepted = requested + timedelta(minutes=30)
                finished = state == EscalationState.ACCEPTED and rng.random() < 0.7
                handoffs.append(
                    Escalation(
                        ticket=t,
                        from_tier=tier - 1,
                        to_tier=tier,
                        type="functional",
                        trigger=rng.choice(TRIGGERS),
                        previous_owner=owner,
                        requested_by=owner,
                        requested_at=requested,
                        state=state,
                        accepted_at=accepted if state == EscalationState.ACCEPTED else None,
                        time_at_tier=timedelta(minutes=rng.randint(5, 6000)) if finished else None,
                        left_by=rng.choice(StayEnd.values) if finished else "",
                    )
                )
        for cycle, kind in enumerate(rng.sample(ClockKind.values, 3), start=1):
            started = t.created_at + timedelta(minutes=rng.randint(0, 3000))
            stopped = rng.random() < 0.6
            clocks.append(
                Clock(
                    subject_type=ticket_type,
                    subject_id=t.pk,
                    kind=kind,
                    cycle=cycle,
                    calendar=calendar,
                    target=timedelta(hours=4),
                    started_at=started,
                    due_at=started + timedelta(hours=4),
                    stopped_at=started + timedelta(hours=2) if stopped else None,
                    breached_at=_maybe(rng, started + timedelta(hours=4)),
                    met=rng.choice([True, False]) if stopped else None,
                    business_taken=timedelta(seconds=rng.randint(60, 90000)) if stopped else None,
                    calendar_taken=timedelta(seconds=rng.randint(60, 90000)) if stopped else None,
                    paused_calendar=timedelta(seconds=rng.randint(0, 3000)),
                )
            )
        if rng.random() < 0.15:
            refusals.append(
                RefusedEscalation(
                    ticket=t,
                    trigger=Trigger.AUTO_VIP,
                    cause=rng.choice(RefusalCause.values),
                    reason="Identity not verified",
                    refused_at=t.created_at + timedelta(hours=rng.randint(0, 30)),
                )
            )
    Escalation.objects.bulk_create(handoffs)
    Clock.objects.bulk_create(clocks)
    RefusedEscalation.objects.bulk_create(refusals)


@pytest.fixture
def activity(db, now, agent):
    """About 400 tickets over the last DAYS days (a few today), across categories routed
    to two teams, four priorities and four plans; their hand-offs, targets, refusals."""
    rng = random.Random(18)
    teams = list(Department.objects.order_by("pk")[:2])
    categories = list(Category.objects.order_by("pk")[:4])
    for i, c in enumerate(categories):  # two teams of two categories each
        Category.objects.filter(pk=c.pk).update(route_to=teams[i % 2])
    customers = [CustomerFactory(plan=plan) for plan in Plan.values for _ in range(2)]
    calendar = BusinessCalendar.objects.first() or BusinessCalendar.objects.create(name="24/7")
    moments = [NOW - timedelta(minutes=rng.randint(0, DAYS * 24 * 60)) for _ in range(400)]
    moments += [NOW - timedelta(minutes=rng.randint(0, 600)) for _ in range(10)]  # today
    tickets = Ticket.objects.bulk_create(
        [make_ticket(rng, when, customers, categories, agent) for when in moments]
    )
    ticket_type = ContentType.objects.get_for_model(Ticket)
    add_activity(rng, tickets, agent, calendar, ticket_type)
    return {"teams": teams, "categories": categories, "tiers": Tier}

"""One hand-built week (Mon 2 – Sun 8 Nov 2026, New York) whose metrics are known exactly.

US business hours are 9:00-18:00; the category is high priority (first response 4 h,
resolution 1 business day = 24 business hours), acknowledgement 15 min, and it routes
to technical support (response commitment 4 h).

T1 (customer A): opened 09:30, L1→L2 11:00 (2 h), accepted 11:30, department asked
    12:00 and answered 14:00, resolved Tue 11:30 at L2, CSAT 5, closed.
T2 (A, a repeat): Tue 09:00, opened 09:10, L1→L2 15:00 (6 h), accepted 15:10, L2→L3
    Wed 15:10, accepted 15:20, resolved Thu 15:20 at L3 (24 h 20 business: missed), CSAT 3.
T3 (B): Wed 09:00, opened 09:05, waits on the customer 09:20-09:50, resolved 10:00 at L1.
T4 (B): Thu 09:00, opened 09:15, L1→L2 13:00 (4 h), returned as incomplete 13:30.
T5 (A): Fri, cancelled: never counts.  T0 (C): the week before: outside the period.
"""

from dataclasses import dataclass

import pytest
import time_machine

from escalation import services
from escalation.metrics.scope import scope_from
from escalation.models import Plan, Ticket
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff


@dataclass
class Week:
    t0: Ticket
    t1: Ticket
    t2: Ticket
    t3: Ticket
    t4: Ticket
    t5: Ticket
    params: dict

    @property
    def scope(self):
        scope, form = scope_from(self.params)
        assert scope is not None, form.errors
        return scope


def _at(when, call, **kwargs):
    with time_machine.travel(when, tick=False):
        return call(**kwargs)


def _escalate(ticket, actor, when, to_tier=2):
    return _at(
        when,
        services.ticket_escalate,
        ticket=ticket,
        actor=actor,
        to_tier=to_tier,
        reason="Needs database access",
        handoff=full_handoff(ticket),
    )


@pytest.fixture
def week(make_ticket, agent, senior, engineer, lead):
    a = CustomerFactory(name="Acme Ops", plan=Plan.PRO)
    b = CustomerFactory(name="Bolt Enterprise", plan=Plan.ENTERPRISE)
    c = CustomerFactory(name="Cobalt", plan=Plan.PRO)

    def new(customer, when, opened):
        with time_machine.travel(when, tick=False):
            ticket = make_ticket(customer=customer)
        return _at(opened, services.ticket_open, ticket=ticket, actor=agent)

    t0 = new(c, ny(2026, 10, 27, 9), ny(2026, 10, 27, 9, 10))
    _escalate(t0, agent, ny(2026, 10, 27, 10))

    t1 = new(a, ny(2026, 11, 2, 9), ny(2026, 11, 2, 9, 30))
    _escalate(t1, agent, ny(2026, 11, 2, 11))
    _at(ny(2026, 11, 2, 11, 30), services.ticket_accept_escalation, ticket=t1, actor=senior)
    request = _at(
        ny(2026, 11, 2, 12),
        services.department_request_open,
        ticket=t1,
        actor=senior,
        needed="Check the sync worker",
        customer_impact="Team blocked",
        findings="Worker stuck",
    )
    _at(
        ny(2026, 11, 2, 14),
        services.department_request_answer,
        request=request,
        actor=senior,
        answer="Restarted",
    )
    _at(
        ny(2026, 11, 3, 11, 30),
        services.ticket_resolve,
        ticket=t1,
        actor=senior,
        summary="Worker restarted",
        customer_confirmed=True,
    )
    _at(ny(2026, 11, 3, 12), services.ticket_record_csat, ticket=t1, actor=senior, score=5)
    _at(
        ny(2026, 11, 3, 13),
        services.ticket_close,
        ticket=t1,
        actor=senior,
        resolved_by_specialist=True,
        first_level_possible=False,
    )

    t2 = new(a, ny(2026, 11, 3, 9), ny(2026, 11, 3, 9, 10))
    _escalate(t2, agent, ny(2026, 11, 3, 15))
    _at(ny(2026, 11, 3, 15, 10), services.ticket_accept_escalation, ticket=t2, actor=senior)
    _escalate(t2, senior, ny(2026, 11, 4, 15, 10), to_tier=3)
    _at(ny(2026, 11, 4, 15, 20), services.ticket_accept_escalation, ticket=t2, actor=engineer)
    _at(
        ny(2026, 11, 5, 15, 20),
        services.ticket_resolve,
        ticket=t2,
        actor=engineer,
        summary="Patched",
        customer_confirmed=True,
    )
    _at(ny(2026, 11, 5, 16), services.ticket_record_csat, ticket=t2, actor=engineer, score=3)
    _at(
        ny(2026, 11, 5, 17),
        services.ticket_close,
        ticket=t2,
        actor=engineer,
        resolved_by_specialist=True,
        first_level_possible=False,
    )

    t3 = new(b, ny(2026, 11, 4, 9), ny(2026, 11, 4, 9, 5))
    _at(
        ny(2026, 11, 4, 9, 20),
        services.ticket_wait_on_customer,
        ticket=t3,
        actor=agent,
        reason="Asked for a screenshot",
    )
    _at(ny(2026, 11, 4, 9, 50), services.ticket_resume, ticket=t3, actor=agent)
    _at(
        ny(2026, 11, 4, 10),
        services.ticket_resolve,
        ticket=t3,
        actor=agent,
        summary="Cleared cache",
        customer_confirmed=True,
    )
    _at(ny(2026, 11, 4, 11), services.ticket_record_csat, ticket=t3, actor=agent, score=4)

    t4 = new(b, ny(2026, 11, 5, 9), ny(2026, 11, 5, 9, 15))
    _escalate(t4, agent, ny(2026, 11, 5, 13))
    _at(
        ny(2026, 11, 5, 13, 30),
        services.ticket_return_escalation,
        ticket=t4,
        actor=senior,
        reason="Clearing the cache was not tried",
    )

    with time_machine.travel(ny(2026, 11, 6, 9), tick=False):
        t5 = make_ticket(customer=a)
    _at(ny(2026, 11, 6, 9, 30), services.ticket_cancel, ticket=t5, actor=lead, reason="Duplicate")

    return Week(
        t0=t0,
        t1=t1,
        t2=t2,
        t3=t3,
        t4=t4,
        t5=t5,
        params={"period": "custom", "from": "2026-11-02", "to": "2026-11-08"},
    )

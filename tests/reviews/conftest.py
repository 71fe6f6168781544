"""Root-cause analyses recorded on a given day, through the services (escalate, accept,
resolve, record the RCA), for the monthly review pack."""

import pytest
import time_machine

from escalation import services
from tests.factories import CustomerFactory, full_handoff


@pytest.fixture
def record_rca(make_ticket, agent, senior):
    """`record_rca("2026-03-10", root_cause=..., code=..., customer=...)` -> the RCA."""

    def record(
        day: str, *, root_cause="Sync worker crashed", code="core-functionality-bug", customer=None
    ):
        with time_machine.travel(f"{day} 10:00 -05:00", tick=False):
            ticket = make_ticket(state="open", code=code, customer=customer or CustomerFactory())
            services.ticket_escalate(
                ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
            )
            services.ticket_accept_escalation(ticket=ticket, actor=senior)
            services.ticket_resolve(
                ticket=ticket, actor=senior, summary="Patched", customer_confirmed=True
            )
            services.ticket_record_rca(
                ticket=ticket,
                actor=senior,
                root_cause=root_cause,
                preventive_actions="Add monitoring",
                knowledge_base_updated=True,
            )
        ticket.refresh_from_db()
        return ticket.rca

    return record

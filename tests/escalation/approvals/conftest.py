import pytest

from core import roles
from escalation import services
from tests.factories import UserFactory, full_handoff


@pytest.fixture
def lead2(db):
    """The second pair of eyes: another lead."""
    return UserFactory(username="lead2", role=roles.LEAD)


@pytest.fixture
def escalated_unconfirmed(make_ticket, agent, senior):
    """An escalated ticket resolved without the customer's confirmation (asked, no answer)."""
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    return services.ticket_resolve(
        ticket=ticket, actor=senior, summary="Patched", customer_confirmed=False
    )

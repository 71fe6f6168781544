"""Who may do what is decided by escalation.policies and enforced by the services, on every
surface (issue 13, defect 4: an L1 agent cancelled an L3 engineer's department request)."""

import pytest

from core.errors import PermissionRefused
from escalation import services
from escalation.models import DepartmentRequestState, Ticket
from tests.factories import UserFactory, category

ASK = {
    "needed": "Check the sync worker logs",
    "customer_impact": "No data for a day",
    "findings": "Worker restarts every minute",
}


@pytest.fixture
def engineers_request(make_ticket, engineer):
    """A department request opened by the L3 engineer who owns the ticket."""
    ticket = make_ticket(owner=engineer, state="open")
    return services.department_request_open(ticket=ticket, actor=engineer, **ASK)


@pytest.mark.parametrize("step", ["cancel", "acknowledge", "answer", "close"])
def test_an_agent_of_another_tier_cannot_move_someone_elses_department_request(
    engineers_request, agent, step
):
    calls = {
        "cancel": lambda: services.department_request_cancel(
            request=engineers_request, actor=agent, reason="not needed"
        ),
        "acknowledge": lambda: services.department_request_acknowledge(
            request=engineers_request, actor=agent, external_reference="TECH-1"
        ),
        "answer": lambda: services.department_request_answer(
            request=engineers_request, actor=agent, answer="done"
        ),
        "close": lambda: services.department_request_close(request=engineers_request, actor=agent),
    }
    with pytest.raises(PermissionRefused, match="Only the owner of ESC-"):
        calls[step]()
    engineers_request.refresh_from_db()
    assert engineers_request.state == DepartmentRequestState.OPEN
    assert engineers_request.history.count() == 1  # only its opening


def test_the_owner_and_a_lead_can_record_the_departments_steps(engineers_request, engineer, lead):
    services.department_request_acknowledge(
        request=engineers_request, actor=engineer, external_reference="TECH-7"
    )
    services.department_request_answer(request=engineers_request, actor=lead, answer="Fixed")
    engineers_request.refresh_from_db()
    assert engineers_request.state == DepartmentRequestState.ANSWERED
    assert engineers_request.history.latest().history_user == lead


def test_someone_without_a_support_role_cannot_open_a_ticket(customer):
    stranger = UserFactory(username="stranger")
    with pytest.raises(PermissionRefused, match="may not open tickets"):
        services.ticket_create(
            actor=stranger, customer=customer, category=None, subject="Let me in"
        )
    assert not Ticket.objects.exists()


def test_an_agent_opens_tickets_for_themself_only(agent, agent2, customer):
    with pytest.raises(PermissionRefused, match="Only leads open tickets for someone else"):
        services.ticket_create(
            actor=agent, owner=agent2, customer=customer, category=category(), subject="x"
        )
    assert not Ticket.objects.exists()

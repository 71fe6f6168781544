import csv
import io

import pytest
import time_machine
from django.urls import reverse

from escalation import services
from sla import services as sla
from tests.escalation.sla.conftest import ny
from tests.factories import UserFactory

TRAIL = reverse("admin:audit_trail")
TRAIL_CSV = reverse("admin:audit_trail_csv")


def rows(response) -> list[list[str]]:
    """The screen's entries as the CSV's columns."""
    from audit.views import entry_cells

    return [entry_cells(e) for e in response.context["entries"]]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def operator(db):
    """An operator's superuser account: the one who changes groups and permissions."""
    return UserFactory(username="operator", is_superuser=True)


@pytest.fixture
def ticket_story(make_ticket, agent, senior, lead):
    """A ticket worked by an agent, edited and reassigned by a lead, escalated by the sweep.

    Returns the ticket; every step is a minute or more apart, at known local times.
    """
    with time_machine.travel(ny(2026, 3, 10, 9, 30), tick=False):
        ticket = make_ticket(priority="high")
    with time_machine.travel(ny(2026, 3, 10, 9, 40), tick=False):
        services.ticket_open(ticket=ticket, actor=agent)
    with time_machine.travel(ny(2026, 3, 10, 10, 0), tick=False):
        services.ticket_update(
            ticket=ticket, actor=lead, changes={"subject": "Sync stopped for the whole team"}
        )
    with time_machine.travel(ny(2026, 3, 10, 10, 5), tick=False):
        services.ticket_reassign(ticket=ticket, actor=lead, owner=senior, reason="agent1 is off")
    with time_machine.travel(ny(2026, 3, 10, 12, 0), tick=False):
        assert sla.sweep() == 1  # L1 time (2 h) exceeded: the system escalates
    ticket.refresh_from_db()
    return ticket

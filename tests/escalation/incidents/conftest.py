"""A major incident governing its tickets (issue 17), at frozen instants on NY business time."""

import pytest

from escalation import services
from tests.escalation.sla.conftest import at, ny, sweep_at  # noqa: F401  (fixtures)

HOLDING = "Hi {customer_name}, we're aware of an issue affecting sync ({ticket_reference})."
MONDAY_9 = ny(2026, 11, 2, 9)


@pytest.fixture
def declare(lead, at):  # noqa: F811
    def make(priority="critical", when=MONDAY_9):
        with at(when):
            return services.incident_declare(
                actor=lead,
                title="Sync down",
                affected_service="Sync",
                holding_message=HOLDING,
                priority=priority,
            )

    return make

"""A high-priority ticket's tier clocks on US business hours (9:00-18:00, New York).

001 Escalation Matrix, High: L1 2 h, L2 4 h, L3 8 h, L4 4 h; Low: L4 "on request".
"""

import pytest

from core.choices import Priority
from escalation import services
from tests.escalation.sla.conftest import at, ny, sweep_at  # noqa: F401  (fixtures)
from tests.factories import full_handoff


@pytest.fixture
def high_open(make_ticket, at):  # noqa: F811
    """A high-priority product question opened at `when` (its L1 clock starts then)."""

    def make(when, **kwargs):
        with at(when):
            return make_ticket(
                code="feature-request", priority=Priority.HIGH, state="open", **kwargs
            )

    return make


@pytest.fixture
def escalate(at):  # noqa: F811
    def run(ticket, actor, when, to_tier, **extra):
        with at(when):
            return services.ticket_escalate(
                ticket=ticket,
                actor=actor,
                to_tier=to_tier,
                reason="Needs the next tier",
                handoff=full_handoff(ticket),
                **extra,
            )

    return run


@pytest.fixture
def accept(at):  # noqa: F811
    def run(ticket, actor, when):
        with at(when):
            return services.ticket_accept_escalation(ticket=ticket, actor=actor)

    return run


__all__ = ["ny"]

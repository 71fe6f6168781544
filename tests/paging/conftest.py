from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from contacts.models import Department, EscalationLevel, EscalationPolicy
from escalation import services
from sla import services as sla
from tests.contacts.builders import BERLIN, layer, people, schedule
from tests.factories import UserFactory
from tests.servers.pagerduty import FakePagerDuty, serve

# A Wednesday: Alice has the first weekly turn of Billing's rota (from Monday 09:00).
OPENED = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
ASK = {
    "needed": "Refund the duplicate charge",
    "customer_impact": "Charged $80 twice",
    "findings": "Two captures, one order",
}


@pytest.fixture
def billing(db):
    return Department.objects.get(code="billing")


@pytest.fixture
def alice_and_bob(billing):
    """Billing's rota: Alice this week, Bob the next."""
    alice, bob = people("alice", "bob")
    layer(schedule("billing"), [alice, bob], start=datetime(2026, 3, 23, 9, tzinfo=BERLIN))
    return alice, bob


@pytest.fixture
def carol(db):
    return UserFactory(username="carol", first_name="Carol", last_name="Manager", role="Agent")


@pytest.fixture
def policy(billing, alice_and_bob, carol):
    """Level 1 the rota at once, level 2 Carol 15 minutes later, the whole list once more."""
    made = EscalationPolicy.objects.create(department=billing, repeat=1)
    EscalationLevel.objects.create(
        policy=made, position=1, delay_minutes=0, schedule=billing.schedules.get()
    )
    EscalationLevel.objects.create(policy=made, position=2, delay_minutes=15, person=carol)
    return made


@pytest.fixture
def at():
    def travel(instant: datetime):
        return time_machine.travel(instant, tick=False)

    return travel


@pytest.fixture
def ask(django_capture_on_commit_callbacks, billing, at, make_ticket, agent):
    """Open a request to Billing at OPENED and run what waits for the commit."""

    def open_request():
        with at(OPENED):
            ticket = make_ticket(state="open")
            with django_capture_on_commit_callbacks(execute=True):
                return services.department_request_open(
                    ticket=ticket, actor=agent, department=billing, **ASK
                )

    return open_request


@pytest.fixture
def later(at, django_capture_on_commit_callbacks):
    """Run the SLA sweep `minutes` after the request was opened."""

    def run(minutes: int) -> int:
        with at(OPENED + timedelta(minutes=minutes)):
            with django_capture_on_commit_callbacks(execute=True):
                return sla.sweep()

    return run


@pytest.fixture
def pagerduty(settings):
    fake = FakePagerDuty()
    stop = serve(fake)
    settings.PAGERDUTY_ROUTING_KEYS = {"billing": "R0UTINGKEY0123456789"}
    settings.PAGERDUTY_EVENTS_URL = fake.events_url
    yield fake
    stop()

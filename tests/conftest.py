import pytest

from core import roles
from escalation import services
from tests.factories import CustomerFactory, UserFactory, category


@pytest.fixture
def agent(db):
    return UserFactory(username="agent1", role=roles.AGENT)


@pytest.fixture
def agent2(db):
    return UserFactory(username="agent2", role=roles.AGENT)


@pytest.fixture
def senior(db):
    return UserFactory(username="senior1", role=roles.SENIOR)


@pytest.fixture
def engineer(db):
    return UserFactory(username="engineer1", role=roles.SPECIALIST)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead1", role=roles.LEAD)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor1", role=roles.AUDITOR)


@pytest.fixture
def directory_admin(db):
    return UserFactory(username="directory1", role=roles.DIRECTORY_ADMIN)


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def make_ticket(db, agent, customer):
    """Create a ticket through the service, optionally walked into a state."""

    def make(*, owner=None, state="new", code="core-functionality-bug", **kwargs):
        owner = owner or agent
        ticket = services.ticket_create(
            actor=owner,
            customer=kwargs.pop("customer", customer),
            category=category(code),
            owner=owner,
            subject=kwargs.pop("subject", "Sync stopped"),
            **kwargs,
        )
        if state != "new":
            ticket = services.ticket_open(ticket=ticket, actor=owner)
        if state == "resolved":
            ticket = services.ticket_resolve(
                ticket=ticket, actor=owner, summary="Fixed it", customer_confirmed=True
            )
        return ticket

    return make


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login

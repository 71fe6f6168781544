import pytest

from core import roles
from escalation import services
from escalation.models import TicketState
from tests.factories import CustomerFactory, UserFactory, category, full_handoff
from tests.servers.smtp import SmtpServer


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


def _walk_open(ticket, owner, lead):
    return services.ticket_open(ticket=ticket, actor=owner)


def _walk_escalated(ticket, owner, lead):
    ticket = _walk_open(ticket, owner, lead)
    return services.ticket_escalate(
        ticket=ticket,
        actor=owner,
        to_tier=ticket.tier + 1,
        reason="Needs the next tier",
        handoff=full_handoff(ticket),
    )


def _walk_waiting_on_customer(ticket, owner, lead):
    ticket = _walk_open(ticket, owner, lead)
    return services.ticket_wait_on_customer(ticket=ticket, actor=owner, reason="Need logs")


def _walk_waiting_on_department(ticket, owner, lead):
    ticket = _walk_open(ticket, owner, lead)
    return services.ticket_wait_on_department(ticket=ticket, actor=owner, reason="Asked billing")


def _walk_resolved(ticket, owner, lead):
    ticket = _walk_open(ticket, owner, lead)
    return services.ticket_resolve(
        ticket=ticket, actor=owner, summary="Fixed it", customer_confirmed=True
    )


def _walk_closed(ticket, owner, lead):
    return services.ticket_close(ticket=_walk_resolved(ticket, owner, lead), actor=owner)


def _walk_cancelled(ticket, owner, lead):
    ticket = _walk_open(ticket, owner, lead)
    return services.ticket_cancel(ticket=ticket, actor=lead(), reason="Opened by mistake")


# How make_ticket reaches each state a ticket can be in, through the services only.
TICKET_WALKS = {
    TicketState.NEW: lambda ticket, owner, lead: ticket,
    TicketState.OPEN: _walk_open,
    TicketState.ESCALATED: _walk_escalated,
    TicketState.WAITING_ON_CUSTOMER: _walk_waiting_on_customer,
    TicketState.WAITING_ON_DEPARTMENT: _walk_waiting_on_department,
    TicketState.RESOLVED: _walk_resolved,
    TicketState.CLOSED: _walk_closed,
    TicketState.CANCELLED: _walk_cancelled,
}


@pytest.fixture
def make_ticket(request, db, agent, customer):
    """Create a ticket through the services and walk it into `state` (any TicketState).

    The owner does the work; escalating hands off to the next tier with a complete
    hand-off; cancelling is done by the `lead` fixture's user.
    """

    def make(*, owner=None, state="new", code="core-functionality-bug", **kwargs):
        if state not in TICKET_WALKS:
            known = ", ".join(TICKET_WALKS)
            raise ValueError(f"make_ticket cannot reach state {state!r}; use one of: {known}.")
        owner = owner or agent
        ticket = services.ticket_create(
            actor=owner,
            customer=kwargs.pop("customer", customer),
            category=category(code),
            owner=owner,
            subject=kwargs.pop("subject", "Sync stopped"),
            **kwargs,
        )
        return TICKET_WALKS[state](ticket, owner, lambda: request.getfixturevalue("lead"))

    return make


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that the outbox sends to."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.stop()

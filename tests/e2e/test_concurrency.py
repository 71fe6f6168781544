"""Row locks under real concurrency (PostgreSQL; SQLite serialises writers instead)."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from escalation.models import Ticket
from sla import services as sla
from sla.models import Timer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sweep_skips_a_ticket_someone_is_working_on_and_fires_it_next_time(make_ticket):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        ticket = make_ticket(code="fraud")  # critical: its first response is overdue
    locked, release = threading.Event(), threading.Event()

    def agent_working():
        with transaction.atomic():
            Ticket.objects.select_for_update().get(pk=ticket.pk)
            locked.set()
            release.wait(10)
        connection.close()

    worker = threading.Thread(target=agent_working)
    worker.start()
    assert locked.wait(5)
    started = time.monotonic()
    try:
        assert sla.sweep() == 0  # skipped, not waited for
        assert time.monotonic() - started < 5
    finally:
        release.set()
        worker.join()
    assert sla.sweep() >= 1
    assert not Timer.objects.filter(
        subject_id=ticket.pk, fired_at__isnull=True, due_at__lte=timezone.now()
    ).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_seniors_accepting_at_once_one_wins_the_other_is_told(make_ticket, agent):
    from core.errors import ApplicationError
    from escalation import services
    from tests.factories import UserFactory, full_handoff

    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=full_handoff(ticket)
    )
    seniors = [UserFactory(username=f"senior-{n}", role="Senior agent") for n in range(2)]
    barrier, outcomes = threading.Barrier(2), {}

    def accept(user):
        barrier.wait()
        try:
            services.ticket_accept_escalation(ticket=ticket, actor=user)
            outcomes[user.username] = "won"
        except ApplicationError as exc:
            outcomes[user.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(s,)) for s in seniors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(outcomes) == 2 and list(outcomes.values()).count("won") == 1
    loser = next(v for v in outcomes.values() if v != "won")
    assert "cannot be accepted now" in loser
    ticket.refresh_from_db()
    assert ticket.owner.username in outcomes and outcomes[ticket.owner.username] == "won"

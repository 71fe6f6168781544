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

"""The worker that `make run` starts really fires SLA timers (a real qcluster process)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from core.schedules import ensure_schedules
from outbox.models import OutboxMessage
from sla.models import Timer

ROOT = Path(__file__).resolve().parents[2]
BROKERS = ["orm"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("broker", BROKERS)
def test_qcluster_fires_due_timers_and_delivers_their_messages(broker, make_ticket, lead):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        ticket = make_ticket(code="fraud")  # critical: first response was due 30 min ago
    due = Timer.objects.filter(
        subject_id=ticket.pk, fired_at__isnull=True, due_at__lte=timezone.now()
    )
    assert due.exists()
    ensure_schedules()
    Schedule.objects.filter(func="sla.tasks.sweep_due_timers").update(next_run=timezone.now())

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "Q_SYNC": "false",
        "DATABASE_URL": database_url(),
        "Q_CLUSTER_NAME": f"e2e-{broker}-{os.getpid()}",
    }
    if broker == "redis":
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    worker = subprocess.Popen(  # noqa: S603 - fixed command
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            sent = OutboxMessage.objects.filter(
                event_key__startswith=f"ticket:{ticket.pk}:", state="sent"
            ).count()
            if not due.exists() and sent >= 2:
                break
            time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            output = worker.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output = worker.communicate(timeout=15)[0]
        output = output.decode(errors="replace")
    assert not due.exists(), output[-3000:]
    breach = OutboxMessage.objects.filter(event_key__contains="first_response:1:breach")
    assert sorted(breach.values_list("recipient", "state")) == [
        ("agent1@example.com", "sent"),
        ("lead1@example.com", "sent"),
    ], output[-3000:]

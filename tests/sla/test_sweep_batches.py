"""A mass breach costs the SLA sweep a fixed number of statements per batch, not a few
per ticket (issue 18): the warnings, breaches and tier-time alerts of 20 tickets, with
the owners' bell and the signed webhooks, are written in as many statements as those of
3, and each still reaches exactly the people it reached before."""

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Task

from api.models import WebhookEvent, WebhookSubscriber
from api.services import webhook_subscriber_save
from escalation.metrics.rollup import metrics_rollup_rebuild
from escalation.models import RollupDay
from notifications.models import Kind, Notification
from outbox import services as outbox_services
from outbox.models import OutboxMessage
from sla import services as sla
from sla import tasks
from sla.models import BreachEvent, Timer
from tests.escalation.sla.conftest import ny


def _breach(make_ticket, lead, count: int, capture) -> tuple[int, list]:
    """`count` critical tickets whose first response is missed at once; the sweep's
    statements (with what runs after commit) and the tickets."""
    webhook_subscriber_save(
        subscriber=WebhookSubscriber(
            name="Helpdesk", url="http://127.0.0.1:9/hook", events=[WebhookEvent.SLA_BREACHED]
        ),
        actor=lead,
    )
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        tickets = [make_ticket(code="fraud", subject=f"Card fraud {n}") for n in range(count)]
    with (
        time_machine.travel(ny(2026, 11, 2, 9, 31), tick=False),
        CaptureQueriesContext(connection) as queries,
        capture(execute=True),
    ):
        sla.sweep()  # critical first response (30 minutes): warnings, then the breach
    return len(queries.captured_queries), tickets


@pytest.mark.parametrize("count", [3, 30])
def test_each_breach_tells_its_owner_leads_and_subscribers_once(
    make_ticket, lead, count, django_capture_on_commit_callbacks
):
    _, tickets = _breach(make_ticket, lead, count, django_capture_on_commit_callbacks)
    assert BreachEvent.objects.filter(kind="first_response").count() == count
    bell = Notification.objects.filter(kind=Kind.SLA_BREACHED)
    assert sorted(bell.values_list("link", flat=True)) == sorted(
        f"/desk/ticket/{t.pk}/" for t in tickets
    )
    emails = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.EMAIL)
    for ticket in tickets:
        to = set(
            emails.filter(event_key__startswith=f"ticket:{ticket.pk}:").values_list(
                "recipient", flat=True
            )
        )
        assert to == {ticket.owner.email, lead.email}
    hooks = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK)
    assert hooks.count() == count and all('"sla.breached"' in m.body for m in hooks)
    # Every message has its "queued" line in the audit history, as one saved alone has.
    history = OutboxMessage.history.filter(history_type="+", history_change_reason="queued")
    assert history.count() == OutboxMessage.objects.count()


def test_twenty_breaches_cost_the_sweep_what_three_cost(
    make_ticket, lead, monkeypatch, django_capture_on_commit_callbacks
):
    # Delivery (its own tasks, 200 messages each) runs inline in the tests; it is not
    # the sweep's cost, so it stays queued here.
    monkeypatch.setattr(outbox_services, "queue_delivery", lambda ids: None)
    few, _ = _breach(make_ticket, lead, 3, django_capture_on_commit_callbacks)
    for model in (Notification, OutboxMessage, BreachEvent):
        model.objects.all().delete()
    Timer.objects.all().delete()
    WebhookSubscriber.objects.all().delete()
    many, _ = _breach(make_ticket, lead, 20, django_capture_on_commit_callbacks)
    assert many <= few  # the first sweep also made the system actor


def test_a_breach_swept_twice_is_told_once(make_ticket, lead, django_capture_on_commit_callbacks):
    _breach(make_ticket, lead, 2, django_capture_on_commit_callbacks)
    Timer.objects.update(fired_at=None)  # a crash after commit: the batch runs again
    with (
        time_machine.travel(ny(2026, 11, 2, 9, 32), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sla.sweep() >= 2
    assert Notification.objects.count() == 2
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK).count() == 2
    assert BreachEvent.objects.filter(kind="first_response").count() == 2


def test_a_backlog_larger_than_a_batch_asks_other_workers_to_help(
    make_ticket, settings, django_capture_on_commit_callbacks
):
    settings.SLA_SWEEP_HELPERS, settings.SLA_SWEEP_BATCH = 2, 2
    cache.delete(tasks.HELPERS_ASKED)
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        for n in range(3):
            make_ticket(code="fraud", subject=f"Card fraud {n}")
    with time_machine.travel(ny(2026, 11, 2, 9, 31), tick=False):
        due = Timer.objects.filter(fired_at__isnull=True, due_at__lte=timezone.now()).count()
        assert not sla.sweep_backlog(batch=due)  # one batch holds them all
        assert sla.sweep_backlog(batch=due - 1)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.sweep_due_timers()  # tasks run inline in the tests
        assert not Timer.objects.filter(fired_at__isnull=True, due_at__lte=timezone.now()).exists()
    helpers = Task.objects.filter(func=tasks.HELP_TASK).count()
    # SQLite has one writer: helpers would only wait for its lock, so none are asked.
    assert helpers == (2 if connection.features.has_select_for_update_skip_locked else 0)
    Timer.objects.update(fired_at=None)  # a backlog again, 30 seconds later
    with time_machine.travel(ny(2026, 11, 2, 9, 31, 30), tick=False):
        tasks.sweep_due_timers()  # the helpers asked a moment ago are not asked again
    assert Task.objects.filter(func=tasks.HELP_TASK).count() == helpers


def test_a_breach_marks_the_day_its_target_started_stale_after_the_sweep_commits(
    make_ticket, lead, django_capture_on_commit_callbacks
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        make_ticket(code="fraud", subject="Card fraud")
    with time_machine.travel(ny(2026, 11, 3, 9), tick=False):
        metrics_rollup_rebuild()  # the day the target started, rolled up and fresh
        day = RollupDay.objects.get(day="2026-11-02")
        assert not day.stale
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            sla.sweep()
        day.refresh_from_db()
        assert not day.stale  # not while the sweep's batch holds its locks
        for callback in after_commit:
            callback()
    day.refresh_from_db()
    assert day.stale  # the dashboard reads that day live until the next rebuild

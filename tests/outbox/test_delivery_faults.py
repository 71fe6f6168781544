"""The outbox against a real SMTP server that refuses, hangs, fails then accepts, and
against messages that can never be sent: nothing is lost, nothing blocks the rest."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from outbox import delivery, services, tasks
from outbox.models import OutboxMessage
from tests.servers.smtp import Behaviour, SmtpServer


@pytest.fixture
def smtp(settings):
    servers = []

    def start(behaviour: Behaviour | None = None) -> SmtpServer:
        server = SmtpServer(behaviour).start()
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        return server

    yield start
    for server in servers:
        server.stop()


def pending(n: int, **fields) -> list[OutboxMessage]:
    """Messages as already recorded (no delivery task ran), e.g. rows from before a fix."""
    rows = [
        OutboxMessage.objects.create(
            event_key=f"test:{i}",
            recipient=fields.get("recipient", f"customer{i}@example.com"),
            subject=fields.get("subject", f"Update {i}"),
            body="Body",
        )
        for i in range(n)
    ]
    return rows


def states(rows) -> list[tuple[str, int]]:
    return [
        (m.state, m.attempts) for m in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows])
    ]


def test_a_message_with_a_line_break_in_its_header_never_blocks_the_messages_behind_it(db, smtp):
    """Issue 13, defect 1: 'Evil Corp\\r\\nBcc: x@example.com' in a subject jammed the
    outbox; now that message fails for good, on its own row, and the rest are sent."""
    server = smtp()
    poison = pending(1, recipient="evil@example.com\r\nBcc: x@example.com")
    good = pending(2)
    ids = [poison[0].pk, *[m.pk for m in good]]

    tasks.deliver_outbox_messages(ids)

    poison[0].refresh_from_db()
    assert poison[0].state == OutboxMessage.State.FAILED and poison[0].attempts == 1
    assert "malformed message" in poison[0].last_error
    assert states(good) == [("sent", 1), ("sent", 1)]
    assert sorted(m["To"] for m in server.handler.accepted) == [
        "customer0@example.com",
        "customer1@example.com",
    ]


def test_a_subject_with_line_breaks_is_folded_when_recorded(db, smtp):
    server = smtp()
    message = services.outbox_enqueue(
        event_key="ticket:1:x",
        recipient="a@example.com",
        subject="Evil Corp\r\nBcc: x@example.com",
        body="Hello",
    )
    assert message.subject == "Evil Corp Bcc: x@example.com"
    tasks.deliver_outbox_messages([message.pk])
    [received] = server.handler.accepted
    assert received["Bcc"] is None and received["Subject"] == "Evil Corp Bcc: x@example.com"


def test_a_refusing_server_fails_each_message_on_its_own_row(db, smtp):
    server = smtp(Behaviour(answers=["554 Transaction failed: relay refused"]))
    first, second = pending(2)
    tasks.deliver_outbox_messages([first.pk, second.pk])
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("pending", 1) and "554" in first.last_error
    assert first.next_attempt_at > timezone.now()
    assert states([second]) == [("sent", 1)]
    assert len(server.handler.accepted) == 1


def test_a_hanging_server_costs_one_bounded_attempt_per_message(db, smtp):
    """Defect 2: with no timeout one hang stalled the outbox without ever counting."""
    smtp(Behaviour(hang_seconds=5))
    [message] = pending(1)
    started = time.monotonic()
    tasks.deliver_outbox_messages([message.pk])
    assert time.monotonic() - started < 4  # EMAIL_TIMEOUT is 1 s here
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "timed out" in message.last_error


def test_the_attempt_is_counted_before_sending_so_a_killed_worker_cannot_undo_it(db, monkeypatch):
    """The worker's timeout kills a task mid-send: the claim was committed before, so
    the attempt counts and the message is due again only after the back-off."""

    class Killed(BaseException):
        pass

    def killed_mid_send(self, message):
        raise Killed

    monkeypatch.setattr(delivery.Transports, "send", killed_mid_send)
    [message] = pending(1)
    with pytest.raises(Killed):
        delivery.deliver([message.pk])
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.next_attempt_at > timezone.now()
    assert services.outbox_due_ids() == []


def test_a_retried_message_carries_the_same_idempotency_key(db, smtp, settings):
    """Defect 3: a message that may go out twice says so, so the receiver drops the copy."""
    settings.OUTBOX_MAX_ATTEMPTS = 3
    server = smtp(Behaviour(answers=["451 Try again later"]))
    with time_machine.travel("2026-12-01 10:00:00 +00:00", tick=False):
        [message] = pending(1)
        tasks.deliver_outbox_messages([message.pk])
    with time_machine.travel("2026-12-01 10:01:01 +00:00", tick=False):
        assert tasks.retry_due_outbox_messages() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    first, second = server.handler.received
    assert first["Message-ID"] == second["Message-ID"] == delivery.idempotency_key(message)


def test_a_crashed_backlog_is_queued_in_full_at_the_next_sweep(db, smtp):
    """After a crash every due message is queued at once, not 500 a minute."""
    server = smtp()
    rows = pending(650)
    OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    assert tasks.retry_due_outbox_messages() == 650
    assert OutboxMessage.objects.filter(state="sent").count() == 650
    assert len(server.handler.accepted) == 650

"""One outbox for every message: once per event and recipient, after commit, retried."""

import json
from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox import services, tasks
from outbox.models import OutboxMessage
from tests.servers.webhook import Receiver, serve


def enqueue(**kwargs):
    params = {
        "event_key": "ticket:1:escalated",
        "recipient": "billing@example.com",
        "subject": "ESC-000001 escalated",
        "body": "Please look.",
    }
    params.update(kwargs)
    return services.outbox_enqueue(**params)


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPException("421 service not available")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


def test_message_is_sent_only_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue()
            assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["billing@example.com"]]
    assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT


def test_rolled_back_transaction_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue()
            raise RuntimeError("the business action failed")
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_the_same_event_never_sends_twice_to_one_recipient(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
        enqueue()
        enqueue(recipient="security@example.com")
    assert OutboxMessage.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["billing@example.com", "security@example.com"]


def test_failed_delivery_is_retried_with_back_off_then_given_up(db, smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel("2026-11-23 10:00:00 +00:00", tick=False):
        message = enqueue()
        services.outbox_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.state, message.attempts) == ("pending", 1)
        assert message.next_attempt_at == timezone.now() + timedelta(seconds=60)
        assert "421" in message.last_error
        services.outbox_deliver(message_id=message.pk)  # not due yet: nothing happens
        message.refresh_from_db()
        assert message.attempts == 1
    with time_machine.travel("2026-11-23 10:01:00 +00:00", tick=False):
        services.outbox_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.next_attempt_at == timezone.now() + timedelta(seconds=120)
    with time_machine.travel("2026-11-23 10:03:00 +00:00", tick=False):
        assert tasks.retry_due_outbox_messages() == 1
        message.refresh_from_db()
        assert (message.state, message.attempts) == ("failed", 3)
        assert tasks.retry_due_outbox_messages() == 0


def test_retry_sweep_delivers_messages_whose_first_attempt_was_lost(db):
    message = enqueue()  # no on_commit capture: the immediate task never ran
    assert mail.outbox == []
    assert tasks.retry_due_outbox_messages() == 1
    message.refresh_from_db()
    assert message.state == "sent" and len(mail.outbox) == 1


def test_chat_messages_go_to_the_webhook(db, settings):
    """A real local HTTP server plays the chat webhook (never a mocked urlopen)."""
    receiver = Receiver()
    stop = serve(receiver)
    try:
        settings.CHAT_WEBHOOK_URL = receiver.url
        message = enqueue(channel="chat", recipient="#tech-support-escalations")
        services.outbox_deliver(message_id=message.pk)
    finally:
        stop()
    [posted] = receiver.received
    assert json.loads(posted.body) == {
        "channel": "#tech-support-escalations",
        "text": "*ESC-000001 escalated*\nPlease look.",
    }
    assert posted.headers["idempotency-key"].startswith("<outbox-")
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT


def test_chat_without_a_webhook_fails_with_a_clear_error(db, settings):
    settings.CHAT_WEBHOOK_URL = ""
    message = enqueue(channel="chat", recipient="#incidents")
    services.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == "pending" and "CHAT_WEBHOOK_URL is not configured" in message.last_error


def test_lead_resends_a_message_from_the_admin(client_as, lead, django_capture_on_commit_callbacks):
    message = enqueue()
    services.outbox_deliver(message_id=message.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(lead).post(
            reverse("admin:outbox_outboxmessage_changelist"),
            {"action": "resend_selected", "_selected_action": [message.pk]},
        )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 message(s) queued for re-sending."
    ]
    assert [m.to for m in mail.outbox] == [["billing@example.com"], ["billing@example.com"]]
    resent = message.history.filter(history_change_reason="re-sent by a lead").get()
    assert resent.history_user == lead


def test_agent_cannot_resend(agent):
    message = enqueue()
    services.outbox_deliver(message_id=message.pk)
    from core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.outbox_resend(message=message, actor=agent)
    assert len(mail.outbox) == 1  # the first delivery only
    assert not message.history.filter(history_change_reason="re-sent by a lead").exists()

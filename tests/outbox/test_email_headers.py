"""Extra email headers on outbox messages (threading, Reply-To), sent to a real SMTP server:
folded to one line, kept on every attempt and re-send, and never the outbox's own."""

import pytest

from outbox import services, tasks, threading
from outbox.models import OutboxMessage
from tests.servers.smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.stop()


def test_stored_headers_are_sent_and_a_resend_keeps_the_message_id(db, smtp, lead):
    message = services.outbox_enqueue(
        event_key="thread:1",
        recipient="customer@example.com",
        subject="Your ticket",
        body="Hello",
        headers={
            "Message-ID": "<ticket-1.abc.c1@example.com>",
            "In-Reply-To": "<ticket-1.abc@example.com>",
            "References": "<ticket-1.abc@example.com>\r\nBcc: evil@example.com",
            "Reply-To": "reply+1.abc@reply.example.com",
        },
    )
    tasks.deliver_outbox_messages([message.pk])
    services.outbox_resend(message=OutboxMessage.objects.get(pk=message.pk), actor=lead)
    tasks.deliver_outbox_messages([message.pk])

    first, again = smtp.handler.accepted
    for sent in (first, again):
        assert sent["Message-ID"] == "<ticket-1.abc.c1@example.com>"
        assert sent["In-Reply-To"] == "<ticket-1.abc@example.com>"
        assert sent["Reply-To"] == "reply+1.abc@reply.example.com"
        # The line break is folded away: no header was injected.
        assert sent["Bcc"] is None
        assert " ".join(sent["References"].split()) == (
            "<ticket-1.abc@example.com> Bcc: evil@example.com"
        )


def test_a_message_without_its_own_id_keeps_the_outbox_idempotency_key(db, smtp):
    message = services.outbox_enqueue(
        event_key="plain", recipient="a@example.com", subject="s", body="b"
    )
    tasks.deliver_outbox_messages([message.pk])
    assert smtp.handler.accepted[0]["Message-ID"].startswith(f"<outbox-{message.pk}@")


def test_a_header_the_outbox_sets_itself_fails_that_message_only(db, smtp):
    bad = services.outbox_enqueue(
        event_key="bad", recipient="a@example.com", subject="s", body="b", headers={"To": "x@y"}
    )
    good = services.outbox_enqueue_many(
        [
            services.Outgoing(
                event_key="good",
                recipient="b@example.com",
                subject="s",
                body="b",
                headers={"Reply-To": "r@example.com"},
            )
        ]
    )[0]
    tasks.deliver_outbox_messages([bad.pk, good.pk])
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == OutboxMessage.State.FAILED and "set by the outbox" in bad.last_error
    assert good.state == OutboxMessage.State.SENT
    assert [m["Reply-To"] for m in smtp.handler.accepted] == ["r@example.com"]


def test_reply_tokens_are_signed_and_read_back(settings):
    token = threading.ticket_token(42)
    assert threading.ticket_from_token(token) == 42
    assert threading.ticket_from_token(token.upper()) == 42
    assert threading.ticket_from_token("42." + "a" * 24) is None
    assert threading.ticket_from_token("") is None
    address = threading.reply_address(42)
    assert address.endswith("@reply.example.com") and len(address.split("@")[0]) <= 64
    assert threading.ticket_from_address(f"<{address}>") == 42
    assert threading.ticket_from_address(address.replace("reply.example.com", "x.example")) is None
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-after-rotation-0123456789abcdefghijklmnop"
    assert threading.ticket_from_address(address) == 42  # old emails still thread

"""Writes of the outbox: record a message once, deliver it after commit, retry, re-send."""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import has_transition_perm
from django_q.tasks import async_task
from simple_history.utils import bulk_create_with_history

from core.actors import Actor, acting_user, system_user
from core.errors import PermissionRefused, TransitionRefused
from core.history import save_audited

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DELIVER_TASK = "outbox.tasks.deliver_outbox_message"
DELIVER_MANY_TASK = "outbox.tasks.deliver_outbox_messages"
_batch: ContextVar[list[int] | None] = ContextVar("outbox_batch", default=None)


class DeliveryError(Exception):
    """A transport refused the message; the outbox retries it later."""


def _queue_delivery(message_id: int) -> None:
    async_task(DELIVER_TASK, message_id)


@contextmanager
def outbox_batch() -> Iterator[None]:
    """Inside a transaction: queue every message made in the block as one delivery task.

    Bulk work (the SLA sweep) would otherwise enqueue one task per message, each its
    own broker write. Use it inside `transaction.atomic()`; delivery waits for commit.
    """
    ids: list[int] = []
    token = _batch.set(ids)
    try:
        yield
    finally:
        _batch.reset(token)
        if ids:
            transaction.on_commit(lambda: _queue_many(ids))


def _queue_many(ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        async_task(DELIVER_MANY_TASK, ids[start : start + 500])


def outbox_enqueue(
    *,
    event_key: str,
    recipient: str,
    subject: str,
    body: str,
    channel: str = OutboxMessage.Channel.EMAIL,
) -> OutboxMessage:
    """Record a message for (event, recipient) once; deliver it after the caller commits.

    Calling it again for the same event and recipient returns the existing row and
    sends nothing: events may fire more than once, customers hear of them once.
    """
    message = OutboxMessage.objects.filter(event_key=event_key, recipient=recipient).first()
    if message is not None:
        return message
    message = OutboxMessage(
        event_key=event_key,
        recipient=recipient,
        channel=channel,
        subject=subject[:200],
        body=body,
    )
    try:
        with transaction.atomic():
            save_audited(message, actor=acting_user())
    except IntegrityError:  # another writer recorded the same (event, recipient) just now
        return OutboxMessage.objects.get(event_key=event_key, recipient=recipient)
    batch = _batch.get()
    if batch is not None:
        batch.append(message.pk)
    else:
        transaction.on_commit(lambda: _queue_delivery(message.pk))
    return message


@dataclass(frozen=True)
class Outgoing:
    """A message to record in the outbox (see outbox_enqueue_many)."""

    event_key: str
    recipient: str
    subject: str
    body: str
    channel: str = OutboxMessage.Channel.EMAIL


def outbox_enqueue_many(messages: Iterable[Outgoing]) -> list[OutboxMessage]:
    """outbox_enqueue for many messages in a few queries (the SLA sweep's hot path).

    Pairs of (event, recipient) already in the outbox, or repeated in `messages`, are
    skipped, so the once-per-event rule holds exactly as for single messages.
    """
    wanted: dict[tuple[str, str], Outgoing] = {}
    for m in messages:
        wanted.setdefault((m.event_key, m.recipient), m)
    if not wanted:
        return []
    existing = set(
        OutboxMessage.objects.filter(event_key__in={k for k, _ in wanted}).values_list(
            "event_key", "recipient"
        )
    )
    new = [
        OutboxMessage(
            event_key=k, recipient=r, channel=m.channel, subject=m.subject[:200], body=m.body
        )
        for (k, r), m in wanted.items()
        if (k, r) not in existing
    ]
    bulk_create_with_history(
        new,
        OutboxMessage,
        batch_size=500,
        default_user=acting_user(),
        default_change_reason="queued",
    )
    ids = [m.pk for m in new]
    batch = _batch.get()
    if batch is not None:
        batch.extend(ids)
    elif ids:
        transaction.on_commit(lambda: _queue_many(ids))
    return new


def _send(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.Channel.EMAIL:
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient],
            ).send()
        except (SMTPException, OSError) as exc:
            raise DeliveryError(f"email: {exc}") from exc
        return
    url = settings.CHAT_WEBHOOK_URL
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("chat: CHAT_WEBHOOK_URL is not configured")
    payload = json.dumps(
        {"channel": message.recipient, "text": f"*{message.subject}*\n{message.body}"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status >= 300:
                raise DeliveryError(f"chat: webhook answered {response.status}")
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"chat: {exc}") from exc


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one pending message whose time has come; on failure schedule a retry with back-off.

    The row lock makes a second worker (or the retry sweep racing the first attempt)
    wait and then find the message already sent. Gives up after OUTBOX_MAX_ATTEMPTS.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        now = timezone.now()
        if (
            message is None
            or message.state != OutboxMessage.State.PENDING
            or message.next_attempt_at > now
        ):
            return message
        message.attempts += 1
        try:
            _send(message)
        except DeliveryError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.give_up()
                logger.warning("outbox message %s gave up: %s", message.pk, exc)
            else:
                message.record_failure()
                delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1)
                message.next_attempt_at = now + timedelta(seconds=delay)
            reason = "delivery failed"
        else:
            message.mark_sent()
            message.sent_at = now
            message.last_error = ""
            reason = "delivered"
        save_audited(message, actor=system_user(), reason=reason)
        return message


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Pending messages whose (re)try time has come, oldest first."""
    return list(
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_resend(*, message: OutboxMessage, actor: Actor) -> OutboxMessage:
    """A lead sends a sent or failed message again (e.g. after fixing an address)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if not has_transition_perm(locked.resend, actor):
            if locked.state == OutboxMessage.State.PENDING:
                raise TransitionRefused(f"Message {locked.pk} is already waiting to be sent.")
            raise PermissionRefused("You may not re-send outbox messages.")
        locked.resend()
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        save_audited(locked, actor=actor, reason="re-sent by a lead")
        transaction.on_commit(lambda: _queue_delivery(locked.pk))
        return locked

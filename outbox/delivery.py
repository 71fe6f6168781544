"""Delivery: claim a message, send it without holding a lock, record what happened.

The guarantee is at-least-once, and honest about it:
- A claim counts the attempt and moves the next try into the future (a lease the worker
  renews while it sends) in its own committed transaction *before* anything is sent, so a
  worker killed mid-send (or a task cut off by the worker's timeout) cannot roll the
  attempt back: the attempt limit is always reached, and the message is simply tried
  again once the lease ends.
- The send holds no row lock, and each transport is bounded in time (EMAIL_TIMEOUT,
  CHAT_TIMEOUT, JIRA_TIMEOUT), so a hanging server stalls one message for seconds, not
  the outbox.
- Every failure of one message (a refused address, a malformed header, a transport
  error, a bug) is recorded on that message and never stops the others.
- Outcomes are recorded a chunk (CLAIM_CHUNK messages) at a time, so a message sent but
  not yet recorded when its worker died is sent again on retry. It carries the same
  idempotency key every time (the email's Message-ID, its own when the row stores one in
  `headers`, the chat webhook's Idempotency-Key header), so a receiver can drop the
  duplicate.
"""

import json
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.actors import system_user

from .models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_CHUNK = 50  # messages claimed (and charged an attempt) at a time
TIME_BUDGET_SECONDS = 40  # a delivery task stops claiming after this (worker timeout: 60)


class DeliveryError(Exception):
    """A transport refused the message for now; the outbox retries it later."""


class Undeliverable(Exception):
    """The message itself can never be sent as it is (e.g. a malformed header)."""


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: base, 2 x base, 4 x base, ..."""
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def send_limit() -> timedelta:
    """The longest one send can take (its transport's timeout)."""
    return timedelta(
        seconds=max(
            settings.EMAIL_TIMEOUT,
            settings.CHAT_TIMEOUT,
            settings.JIRA_TIMEOUT,
            settings.PAGERDUTY_TIMEOUT,
        )
    )


def lease() -> timedelta:
    """How long a claim keeps other workers off a chunk. The worker renews it while it is
    still sending, so it can be short: a dead worker's chunk is due again soon."""
    return 2 * send_limit() + timedelta(seconds=5)


def idempotency_key(message: OutboxMessage) -> str:
    """The same key on every attempt of one message: receivers drop what they have seen."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<outbox-{message.pk}@{domain}>"


def one_line(value: str) -> str:
    """A header value with line breaks folded to spaces (they would inject headers)."""
    return " ".join(value.splitlines()).replace("\x00", "")


# Headers a message may not set itself: who it is from and to is the outbox's business
# (the envelope follows `recipient`), and these are written by EmailMessage.
_RESERVED_HEADERS = {"from", "to", "cc", "bcc", "sender", "subject", "content-type"}
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,75}$")


def email_headers(message: OutboxMessage) -> dict[str, str]:
    """The headers this message is sent with: its own (folded to one line each) and a
    Message-ID, its own if it carries one, else the outbox's idempotency key. Raises
    Undeliverable for a header that could never be sent."""
    headers: dict[str, str] = {}
    for name, value in (message.headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise Undeliverable(f"malformed message: bad header name {name!r}"[:300])
        if name.lower() in _RESERVED_HEADERS:
            raise Undeliverable(f"malformed message: header {name} is set by the outbox")
        headers[name] = one_line(str(value))
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = idempotency_key(message)
    return headers


def claim(ids: list[int], now: datetime) -> list[OutboxMessage]:
    """Take the due, pending messages among `ids` that no other worker holds, count the
    attempt and keep them off other workers for the lease; committed before sending."""
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .order_by("pk")
        )
        until = now + lease()
        for message in messages:
            message.attempts += 1
            message.next_attempt_at = until
        bulk_update_with_history(
            messages,
            OutboxMessage,
            ["attempts", "next_attempt_at"],
            default_user=system_user(),
            default_change_reason="claimed for delivery",
        )
    return messages


# Where a webhook message goes and how it is signed: (url, headers) for a message, given
# by the app that owns the subscribers (api.webhooks registers it). Signing happens at
# each attempt, so a retry hours later still carries a fresh timestamp.
WebhookTarget = Callable[[OutboxMessage], tuple[str, dict[str, str]]]
_webhook_target: list[WebhookTarget] = []


def register_webhook_target(target: WebhookTarget) -> None:
    _webhook_target[:] = [target]


# The JSON a chat message is posted as; an app above may register richer messages (Slack
# buttons, Teams cards: chatops), built at send time. Default: Slack-compatible text.
ChatPayload = Callable[[OutboxMessage], dict]
_chat_payload: list[ChatPayload] = []


def register_chat_payload(build: ChatPayload) -> None:
    _chat_payload[:] = [build]


# Creates the Jira issue of a message (jiraops registers it), from the rows as they are at
# send time. It raises DeliveryError when Jira is down or refuses (the outbox retries),
# Undeliverable when the message can never be sent (its request or target is gone).
JiraSender = Callable[[OutboxMessage], None]
_jira_sender: list[JiraSender] = []


def register_jira_sender(send: JiraSender) -> None:
    _jira_sender[:] = [send]


# Sends a PagerDuty Events API v2 event (paging registers it). Same contract as the Jira
# sender: DeliveryError to retry later, Undeliverable for a message that never will go.
PagerDutySender = Callable[[OutboxMessage], None]
_pagerduty_sender: list[PagerDutySender] = []


def register_pagerduty_sender(send: PagerDutySender) -> None:
    _pagerduty_sender[:] = [send]


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver's redirect is an answer, not an instruction: it could point the POST at
    a host the address checks refused (this machine, the private network)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


class Transports:
    """Sends messages, keeping one SMTP connection open for a whole batch."""

    def __init__(self) -> None:
        self._smtp: BaseEmailBackend | None = None

    def send(self, message: OutboxMessage) -> None:
        if message.channel == OutboxMessage.Channel.EMAIL:
            self._email(message)
        elif message.channel == OutboxMessage.Channel.WEBHOOK:
            self._webhook(message)
        elif message.channel == OutboxMessage.Channel.JIRA:
            self._jira(message)
        elif message.channel == OutboxMessage.Channel.PAGERDUTY:
            self._pagerduty(message)
        else:
            self._chat(message)

    def _email(self, message: OutboxMessage) -> None:
        try:
            email = EmailMessage(
                subject=one_line(message.subject),
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient],
                headers=email_headers(message),
            )
            email.message()  # builds the headers: a malformed one fails here, not mid-send
        except ValueError as exc:  # BadHeaderError, an unparsable address
            raise Undeliverable(f"malformed message: {exc}") from exc
        try:
            if self._smtp is None:
                self._smtp = get_connection(fail_silently=False)
                self._smtp.open()
            email.connection = self._smtp
            email.send()
        except (SMTPException, OSError) as exc:
            self.close()  # a broken connection is not reused for the next message
            raise DeliveryError(f"email: {exc}") from exc

    def _chat(self, message: OutboxMessage) -> None:
        url = settings.CHAT_WEBHOOK_URL
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("chat: CHAT_WEBHOOK_URL is not configured")
        payload = json.dumps(
            _chat_payload[0](message)
            if _chat_payload
            else {"channel": message.recipient, "text": f"*{message.subject}*\n{message.body}"}
        ).encode()
        self._post(url, payload, {"Idempotency-Key": idempotency_key(message)}, "chat")

    def _webhook(self, message: OutboxMessage) -> None:
        if not _webhook_target:
            raise Undeliverable("webhook: no subscriber registry is installed")
        try:
            url, headers = _webhook_target[0](message)
        except LookupError as exc:  # the subscriber was removed or switched off
            raise Undeliverable(f"webhook: {exc}") from exc
        self._post(url, message.body.encode(), headers, "webhook")

    def _jira(self, message: OutboxMessage) -> None:
        if not _jira_sender:
            raise Undeliverable("jira: no Jira sender is installed")
        _jira_sender[0](message)

    def _pagerduty(self, message: OutboxMessage) -> None:
        if not _pagerduty_sender:
            raise Undeliverable("pagerduty: no PagerDuty sender is installed")
        _pagerduty_sender[0](message)

    def _post(self, url: str, body: bytes, headers: dict[str, str], what: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise Undeliverable(f"{what}: not an http(s) address")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
        )
        try:
            with _NO_REDIRECTS.open(request, timeout=settings.CHAT_TIMEOUT) as response:
                if response.status >= 300:
                    raise DeliveryError(f"{what}: answered {response.status}")
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"{what}: {exc}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            except (SMTPException, OSError):
                pass  # closing a dead connection: nothing left to do
            self._smtp = None


def renew(messages: list[OutboxMessage], now: datetime) -> list[OutboxMessage]:
    """Extend the lease on the claimed messages still ours (pending, same attempt count:
    nobody re-claimed them meanwhile); the others are dropped from this worker's hands."""
    with transaction.atomic():
        current = dict(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=[m.pk for m in messages], state=OutboxMessage.State.PENDING)
            .values_list("pk", "attempts")
        )
        ours = [m for m in messages if current.get(m.pk) == m.attempts]
        for message in ours:
            message.next_attempt_at = now + lease()
        bulk_update_with_history(
            ours,
            OutboxMessage,
            ["next_attempt_at"],
            default_user=system_user(),
            default_change_reason="claim renewed",
        )
    return ours


def outcome(message: OutboxMessage, error: Exception | None, now: datetime) -> str:
    """Apply the result of one attempt to the message in memory; returns the history reason."""
    if error is None:
        message.mark_sent()
        message.sent_at, message.last_error = now, ""
        return "delivered"
    message.last_error = str(error)[:2000] or error.__class__.__name__
    if isinstance(error, Undeliverable) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.give_up()
        logger.warning("outbox message %s gave up: %s", message.pk, message.last_error)
    else:
        message.record_failure()
        message.next_attempt_at = now + retry_delay(message.attempts)
    return "delivery failed"


def record(results: list[tuple[OutboxMessage, str]]) -> None:
    """Write the outcomes of one chunk, each on its own message, in one transaction."""
    by_reason: dict[str, list[OutboxMessage]] = {}
    for message, reason in results:
        by_reason.setdefault(reason, []).append(message)
    with transaction.atomic():
        for reason, messages in by_reason.items():
            bulk_update_with_history(
                messages,
                OutboxMessage,
                ["state", "sent_at", "last_error", "next_attempt_at"],
                default_user=system_user(),
                default_change_reason=reason,
            )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CLAIM_CHUNK):
        yield ids[start : start + CLAIM_CHUNK]


def deliver(ids: list[int]) -> list[int]:
    """Claim, send and record the given messages, a chunk at a time; returns the ids left
    unclaimed when the time budget ran out (the caller queues them again)."""
    started = time.monotonic()
    transports = Transports()
    try:
        for position, chunk in enumerate(_chunks(ids)):
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                return ids[position * CLAIM_CHUNK :]
            results = []
            claimed_at = timezone.now()
            queue = claim(chunk, claimed_at)
            expires = claimed_at + lease()
            while queue:
                if timezone.now() + send_limit() >= expires:
                    queue = renew(queue, timezone.now())
                    expires = timezone.now() + lease()
                    if not queue:
                        break
                message = queue.pop(0)
                error: Exception | None = None
                try:
                    transports.send(message)
                except Exception as exc:  # noqa: BLE001 - one message's failure never stops the rest
                    error = exc
                results.append((message, outcome(message, error, timezone.now())))
            record(results)
    finally:
        transports.close()
    return []

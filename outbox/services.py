"""Writes of the outbox: record a message once, deliver it after commit, drain what is
due, re-send. How one message is delivered is in `outbox.delivery`."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import has_transition_perm
from django_q.tasks import async_task

from core.actors import Actor, acting_user
from core.errors import PermissionRefused, TransitionRefused
from core.history import history_of_created, save_audited
from core.rows import insert_returning_ids

from . import hours
from .delivery import deliver, one_line
from .models import OutboxMessage

DELIVER_TASK = "outbox.tasks.deliver_outbox_message"
DELIVER_MANY_TASK = "outbox.tasks.deliver_outbox_messages"
BATCH = 200  # messages per delivery task
DRAIN_LIMIT = 50_000  # due messages one sweep queues
_batch: ContextVar[list[int] | None] = ContextVar("outbox_batch", default=None)


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
            transaction.on_commit(lambda: queue_delivery(ids))


def queue_delivery(ids: list[int]) -> None:
    """Queue delivery tasks for these messages, a batch per task."""
    for start in range(0, len(ids), BATCH):
        async_task(DELIVER_MANY_TASK, ids[start : start + BATCH])


def outbox_enqueue(
    *,
    event_key: str,
    recipient: str,
    subject: str,
    body: str,
    channel: str = OutboxMessage.Channel.EMAIL,
    headers: Mapping[str, str] | None = None,
    urgent: bool = False,
) -> OutboxMessage:
    """Record a message for (event, recipient) once; deliver it after the caller commits.

    Calling it again for the same event and recipient returns the existing row and
    sends nothing: events may fire more than once, customers hear of them once.
    `headers` are extra email headers (threading, Reply-To), kept on the row so every
    attempt sends the same ones; a name the outbox sets itself makes the message fail.
    An email to a person off duty waits for their working hours unless `urgent`; an
    urgent one goes at once, copied to whoever is on call for them (`outbox.hours`).
    """
    message = OutboxMessage.objects.filter(event_key=event_key, recipient=recipient).first()
    if message is not None:
        return message
    wanted = Outgoing(event_key, recipient, subject, body, channel, headers, urgent)
    (message, due_now), *copies = _timed([wanted])
    try:
        with transaction.atomic():
            save_audited(message, actor=acting_user())
    except IntegrityError:  # another writer recorded the same (event, recipient) just now
        return OutboxMessage.objects.get(event_key=event_key, recipient=recipient)
    if due_now:
        batch = _batch.get()
        if batch is not None:
            batch.append(message.pk)
        else:
            transaction.on_commit(lambda: _queue_delivery(message.pk))
    if copies:
        _record(copies)  # as they are: a stand-in's copy is never timed again
    return message


@dataclass(frozen=True)
class Outgoing:
    """A message to record in the outbox (see outbox_enqueue_many)."""

    event_key: str
    recipient: str
    subject: str
    body: str
    channel: str = OutboxMessage.Channel.EMAIL
    headers: Mapping[str, str] | None = None
    urgent: bool = False  # never waits for working hours (a critical ticket, a page)


def _timed(messages: list[Outgoing]) -> list[tuple[OutboxMessage, bool]]:
    """Unsaved rows for `messages`, each with whether it is due now, timed by the working
    hours of the people they go to (`outbox.hours`), plus an urgent message's copies to
    whoever stands in for an off-duty person (after the originals)."""
    now = timezone.now()
    emails = {m.recipient for m in messages if m.channel == OutboxMessage.Channel.EMAIL}
    absent = hours.off_duty(emails, now)
    rows: list[tuple[OutboxMessage, bool]] = []
    copies: list[tuple[OutboxMessage, bool]] = []
    for m in messages:
        row = OutboxMessage(
            event_key=m.event_key,
            recipient=m.recipient,
            channel=m.channel,
            subject=one_line(m.subject)[:200],
            body=m.body,
            headers=dict(m.headers or {}),
            next_attempt_at=now,
        )
        away = absent.get(m.recipient) if m.channel == OutboxMessage.Channel.EMAIL else None
        if away is not None and not m.urgent:
            row.next_attempt_at, row.held_for = away.back_at, hours.waiting_text(away)[:200]
        elif away is not None:
            note = f"{away.person} is off duty ({away.hours}); you are on call for them."
            copies += [
                (
                    OutboxMessage(
                        event_key=m.event_key,
                        recipient=stand_in,
                        channel=m.channel,
                        subject=one_line(f"On call for {away.person}: {m.subject}")[:200],
                        body=f"{note}\n\n{m.body}",
                        headers=dict(m.headers or {}),
                        next_attempt_at=now,
                    ),
                    True,
                )
                for stand_in in away.stand_ins
                if stand_in != m.recipient
            ]
        rows.append((row, row.next_attempt_at <= now))
    return rows + copies


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
    return _record(_timed(list(wanted.values())))


def _record(timed: list[tuple[OutboxMessage, bool]]) -> list[OutboxMessage]:
    """Save the rows not yet in the outbox (by event and recipient) in a few queries and
    queue delivery of those due now; the others wait for the per-minute drain."""
    keys = {(row.event_key, row.recipient) for row, _ in timed}
    existing = set(
        OutboxMessage.objects.filter(event_key__in={k for k, _ in keys}).values_list(
            "event_key", "recipient"
        )
    )
    new, due, seen = [], set(), set(existing)
    for row, due_now in timed:
        key = (row.event_key, row.recipient)
        if key in seen:
            continue
        seen.add(key)
        new.append(row)
        if due_now:
            due.add(id(row))
    try:
        with transaction.atomic():  # the rows and their "queued" history, or neither
            insert_returning_ids(OutboxMessage, new)
            history_of_created(
                OutboxMessage, [m.pk for m in new], actor=acting_user(), reason="queued"
            )
    except IntegrityError:  # another writer recorded some of them just now: one by one
        for row in new:
            row.pk = None
        new = [m for m in new if _saved_alone(m)]
    ids = [m.pk for m in new if id(m) in due]
    batch = _batch.get()
    if batch is not None:
        batch.extend(ids)
    elif ids:
        transaction.on_commit(lambda: queue_delivery(ids))
    return new


def _saved_alone(message: OutboxMessage) -> bool:
    """Save one message unless its (event, recipient) is taken; whether it was new."""
    try:
        with transaction.atomic():
            save_audited(message, actor=acting_user(), reason="queued")
    except IntegrityError:
        return False
    return True


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one pending message whose time has come (see `outbox.delivery` for how a
    claim, the send and the outcome are kept apart); on failure a retry is due later."""
    deliver([message_id])
    return OutboxMessage.objects.filter(pk=message_id).first()


def outbox_due_ids(*, limit: int = DRAIN_LIMIT) -> list[int]:
    """Pending messages whose (re)try time has come, oldest first."""
    return list(
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_drain() -> int:
    """Queue every due message for delivery in parallel batches (the per-minute sweep).

    After an outage or a crash the backlog is spread over all workers at once instead
    of a few hundred a minute; claims with SKIP LOCKED keep two workers off one message.
    """
    ids = outbox_due_ids()
    queue_delivery(ids)
    return len(ids)


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

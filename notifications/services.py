"""Every write of in-app notifications: record them for an event, mark them read.

Notifications carry no history (see the model), so marking read is one conditional
UPDATE: idempotent, and safe when two tabs click at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from core.actors import Actor
from core.errors import PermissionRefused
from core.rows import insert_ignoring_conflicts

from .models import Notification

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 300


@dataclass(frozen=True)
class Notice:
    """One person to tell about one event (see notify_many)."""

    recipient: Actor | None
    kind: str
    text: str
    link: str
    key: str


def notify(*, recipients: Iterable[Actor | None], kind: str, text: str, link: str, key: str) -> int:
    """Record one notification of the event `key` for each distinct active person.

    Preconditions: `key` names the event ('escalation:12:accepted', a timer's key);
    `link` is a path inside the product. None and inactive accounts (the system actor)
    are skipped. A person already told about this event is not told again, so an event
    delivered twice notifies once. Side effects: none besides the rows (the bell polls
    them). Returns how many notifications are new.
    """
    return notify_many(Notice(person, kind, text, link, key) for person in recipients)


def notify_many(notices: Iterable[Notice]) -> int:
    """`notify` for many events at once, in two statements (the SLA sweep's batches).

    The same rules per (event, person): inactive people and repeats are skipped, and a
    person already told about an event is not told again.
    """
    wanted: dict[tuple[str, int], Notice] = {}
    for notice in notices:
        person = notice.recipient
        if person is not None and person.is_active:
            wanted.setdefault((notice.key, person.pk), notice)
    if not wanted:
        return 0
    with transaction.atomic():
        known = set(
            Notification.objects.filter(
                key__in={key for key, _ in wanted}, recipient_id__in={pk for _, pk in wanted}
            ).values_list("key", "recipient_id")
        )
        new = [
            Notification(
                recipient_id=pk,
                kind=notice.kind,
                text=_one_line(notice.text),
                link=notice.link,
                key=key,
            )
            for (key, pk), notice in wanted.items()
            if (key, pk) not in known
        ]
        # A concurrent delivery of the same event loses quietly on the unique constraint.
        insert_ignoring_conflicts(Notification, new)
    return len(new)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LENGTH else Truncator(text).chars(TEXT_LENGTH)


def mark_read(*, notification: Notification, actor: Actor) -> Notification:
    """The recipient opened it. Raises PermissionRefused for anyone else's notification;
    reading one already read changes nothing."""
    if notification.recipient_id != actor.pk:
        raise PermissionRefused("This notification is addressed to someone else.")
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
    return notification


def mark_all_read(*, actor: Actor) -> int:
    """Everything addressed to `actor` is read; returns how many were unread."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )

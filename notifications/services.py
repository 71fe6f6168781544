"""Every write of in-app notifications: record them for an event, mark them read.

Notifications carry no history (see the model), so marking read is one conditional
UPDATE: idempotent, and safe when two tabs click at once.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from core.actors import Actor
from core.errors import PermissionRefused

from .models import Notification

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 300


def notify(*, recipients: Iterable[Actor | None], kind: str, text: str, link: str, key: str) -> int:
    """Record one notification of the event `key` for each distinct active person.

    Preconditions: `key` names the event ('escalation:12:accepted', a timer's key);
    `link` is a path inside the product. None and inactive accounts (the system actor)
    are skipped. A person already told about this event is not told again, so an event
    delivered twice notifies once. Side effects: none besides the rows (the bell polls
    them). Returns how many notifications are new.
    """
    people = list(dict.fromkeys(u.pk for u in recipients if u is not None and u.is_active))
    if not people:
        return 0
    text = Truncator(" ".join(text.split())).chars(TEXT_LENGTH)
    with transaction.atomic():
        known = set(
            Notification.objects.filter(key=key, recipient_id__in=people).values_list(
                "recipient_id", flat=True
            )
        )
        new = [
            Notification(recipient_id=pk, kind=kind, text=text, link=link, key=key)
            for pk in people
            if pk not in known
        ]
        # A concurrent delivery of the same event loses quietly on the unique constraint.
        Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


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

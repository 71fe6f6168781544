"""Reads of in-app notifications: always the signed-in person's own, never anyone else's."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification

BELL_SIZE = 8
INBOX_SIZE = 50


def notifications_for(user) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created", "-id")


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_for(user, pk: int) -> Notification:
    """Fetch and authorize in one step: the person's own notification, or 404."""
    return get_object_or_404(notifications_for(user), pk=pk)


def bell(user, size: int = BELL_SIZE) -> dict:
    """What the bell shows: the unread count and the newest few (two queries)."""
    return {"unread": unread_count(user), "notifications": list(notifications_for(user)[:size])}

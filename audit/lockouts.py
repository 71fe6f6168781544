"""Login throttling (django-axes) in the audit trail: every lockout, and every unlock by
a lead (deleting the account's access attempts in the admin), becomes an access event."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.db.models.signals import post_delete
from django.http import HttpRequest

from core.actors import request_user

from .models import AccessEvent, AccessKind


def on_locked_out(
    sender: object,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: object,
) -> None:
    AccessEvent.objects.create(
        kind=AccessKind.LOCKOUT,
        username=(username or "")[:150],
        detail="sign-in locked after too many wrong passwords",
        ip_address=ip_address or None,
    )


def on_attempts_deleted(sender: object, instance: AccessAttempt, **kwargs: object) -> None:
    """A lead deleting an account's recorded failures unlocks it; say who did."""
    AccessEvent.objects.create(
        kind=AccessKind.UNLOCK,
        username=(instance.username or "")[:150],
        actor=request_user(),
        detail=f"sign-in unlocked ({instance.failures_since_start} failed attempts cleared)",
        ip_address=instance.ip_address or None,
    )


def connect() -> None:
    user_locked_out.connect(on_locked_out, dispatch_uid="audit-lockout")
    post_delete.connect(on_attempts_deleted, sender=AccessAttempt, dispatch_uid="audit-unlock")

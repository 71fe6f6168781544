"""Access events: logins and permission changes, which simple_history does not record."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessKind(models.TextChoices):
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logout"
    PERMISSION_CHANGE = "permission_change", "Permission change"
    ACCOUNT_CHANGE = "account_change", "Account change"
    LOCKOUT = "lockout", "Sign-in locked"
    UNLOCK = "unlock", "Sign-in unlocked"


class AccessEvent(models.Model):
    """One row per sign-in, sign-out or change of who may do what. Append-only.

    `user` is the account the event is about, `actor` who caused it (the user themself for
    logins; the person who changed a permission, when there was a request). Usernames are
    copied so the row still reads correctly after an account is renamed or deleted.
    Passwords and their hashes are never stored, not even the attempted one.
    """

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The account's username, or the attempted one."
    )
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="changed by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        verbose_name = "access event"
        ordering = ["-at", "-id"]
        permissions = [("view_audit_trail", "Can view the audit trail")]
        indexes = [
            models.Index(fields=["-at", "-id"], name="accessevent_newest_idx"),
            models.Index(fields=["kind", "-at"], name="accessevent_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '—'} {self.detail}"

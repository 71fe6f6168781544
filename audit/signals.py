"""Receivers that write AccessEvents: sign-ins, and every change of who may do what.

simple_history does not track users, groups or permissions, so these fill that gap.
Passwords never reach a row: failed logins keep only the attempted username, password
changes only the fact that one happened.
"""

import ipaddress
import logging

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.actors import current_request, request_user

from .models import AccessEvent, AccessKind

logger = logging.getLogger(__name__)

WATCHED = ("password", "is_active", "is_staff", "is_superuser")
STATUS_FLAGS = {
    "is_superuser": ("superuser status granted", "superuser status revoked"),
    "is_staff": ("staff status granted", "staff status revoked"),
    "is_active": ("account activated", "account deactivated"),
}


def connect() -> None:
    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid="audit-user-pre")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="audit-user-post")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid="audit-user-delete")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(on_m2m_changed, sender=through, dispatch_uid=f"audit-m2m-{through}")


# --- context ----------------------------------------------------------------------------


def _ip(request=None) -> str | None:
    """REMOTE_ADDR only: forwarded headers are client-supplied unless a proxy is configured."""
    value = (request or current_request() or _NoRequest).META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class _NoRequest:
    META: dict = {}


def _record_safely(**fields) -> None:
    """Sign-in events must never break signing in: a failure is logged, not raised."""
    try:
        with transaction.atomic():
            AccessEvent.objects.create(**fields)
    except Exception:  # noqa: BLE001 - the login flow must go on
        logger.exception("could not record %s access event", fields.get("kind"))


# --- signing in and out -----------------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    _record_safely(
        kind=AccessKind.LOGIN,
        user=user,
        username=user.get_username(),
        actor=user,
        detail="signed in",
        ip_address=_ip(request),
    )


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return  # was not signed in
    _record_safely(
        kind=AccessKind.LOGOUT,
        user=user,
        username=user.get_username(),
        actor=user,
        detail="signed out",
        ip_address=_ip(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Keep the attempted username only; `credentials` also holds the password."""
    try:
        User = get_user_model()
        username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
        username = username[:150]
        account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    except Exception:  # noqa: BLE001 - the login flow must go on
        logger.exception("could not read a failed login")
        return
    _record_safely(
        kind=AccessKind.LOGIN_FAILED,
        user=account,
        username=username,
        detail="sign-in refused" + ("" if account else " (no such account)"),
        ip_address=_ip(request),
    )


# --- accounts ---------------------------------------------------------------------------


def on_user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Remember the watched columns as stored, to compare after the save (one query,
    skipped for new accounts and for saves that touch none of them, e.g. last_login)."""
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(WATCHED):
        return
    instance._audit_before = sender._default_manager.filter(pk=instance.pk).values(*WATCHED).first()


def on_user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_audit_before", None)
    if raw:
        return
    actor, ip = request_user(), _ip()
    common = {"user": instance, "username": instance.get_username(), "actor": actor}
    if created:
        flags = [
            name
            for name, on in [
                ("staff", instance.is_staff),
                ("superuser", instance.is_superuser),
                ("inactive", not instance.is_active),
            ]
            if on
        ]
        detail = "account created" + (f" ({', '.join(flags)})" if flags else "")
        AccessEvent.objects.create(
            kind=AccessKind.ACCOUNT_CHANGE, detail=detail, ip_address=ip, **common
        )
        return
    if before is None:
        return
    events = []
    for flag, (granted, revoked) in STATUS_FLAGS.items():
        if before[flag] != getattr(instance, flag):
            detail = granted if getattr(instance, flag) else revoked
            events.append(
                AccessEvent(
                    kind=AccessKind.PERMISSION_CHANGE, detail=detail, ip_address=ip, **common
                )
            )
    password = _password_change(before["password"], instance)
    if password:
        events.append(
            AccessEvent(kind=AccessKind.ACCOUNT_CHANGE, detail=password, ip_address=ip, **common)
        )
    AccessEvent.objects.bulk_create(events)


def _password_change(old_hash: str, user) -> str | None:
    """What happened to the password, in words; the hashes are compared, never kept."""
    if old_hash == user.password:
        return None
    if getattr(user, "_password", None) is not None:  # set_password() ran before this save
        return "password changed"
    if not is_password_usable(user.password):
        return None if not is_password_usable(old_hash) else "password disabled"
    return "password hash replaced without a new password (hasher upgrade or direct write)"


def on_user_deleted(sender, instance, **kwargs) -> None:
    AccessEvent.objects.create(
        kind=AccessKind.ACCOUNT_CHANGE,
        username=instance.get_username(),
        actor=request_user(),
        detail="account deleted",
        ip_address=_ip(),
    )


# --- memberships and permissions --------------------------------------------------------


def _permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _describe(through, source, target, added: bool):
    """(account, group, words) for one pair of the relation."""
    User = get_user_model()
    if through is User.groups.through:
        verb = "added to" if added else "removed from"
        return source, target, f"{verb} group {target.name}"
    if through is User.user_permissions.through:
        verb = "granted to the account" if added else "removed from the account"
        return source, None, f"permission {_permission_name(target)} {verb}"
    verb = "added to" if added else "removed from"
    return None, source, f"permission {_permission_name(target)} {verb} group {source.name}"


def _columns(sender, reverse: bool) -> tuple[str, str]:
    """(column naming the instance, column naming the other side) in the through table."""
    fks = [f for f in sender._meta.fields if f.is_relation]
    source, target = fks[0].attname, fks[1].attname
    return (target, source) if reverse else (source, target)


def on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Group memberships and permissions, from either side, added, removed or cleared."""
    mine, other = _columns(sender, reverse)
    pending = instance.__dict__.setdefault("_audit_m2m", {})
    if action in ("pre_remove", "pre_clear"):
        # remove() reports the ids asked for, clear() none: keep only what is really there.
        present = sender._default_manager.filter(**{mine: instance.pk})
        if action == "pre_remove":
            present = present.filter(**{f"{other}__in": pk_set})
        pending[sender] = set(present.values_list(other, flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = pk_set if action == "post_add" else pending.pop(sender, set())
    if not ids:
        return
    others = model._default_manager.filter(pk__in=ids).order_by("pk")
    if model is Permission:
        others = others.select_related("content_type")
    actor, ip = request_user(), _ip()
    events = []
    for obj in others:
        source, target = (obj, instance) if reverse else (instance, obj)
        user, group, detail = _describe(sender, source, target, added=action == "post_add")
        events.append(
            AccessEvent(
                kind=AccessKind.PERMISSION_CHANGE,
                user=user,
                username=user.get_username() if user else "",
                group=group,
                actor=actor,
                detail=detail,
                ip_address=ip,
            )
        )
    AccessEvent.objects.bulk_create(events)

"""Issuing and revoking integration tokens (leads, in the admin or `manage.py api_token`)."""

import base64
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.errors import InvalidInput, PermissionRefused
from core.history import save_audited
from core.roles import ROLE_PERMISSIONS

from .addresses import address_refusal
from .models import IntegrationToken, WebhookEvent, WebhookSubscriber

TOKEN_PREFIX = "esc_"  # noqa: S105 - the public prefix of every token, not a secret
MANAGE = "api.add_integrationtoken"
# Integrations act as support staff or read as auditors; never as directory admins.
ROLES = [r for r in ROLE_PERMISSIONS if r != "Directory admin"]


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """`esc_<prefix>_<secret>` -> (prefix, raw); None for anything else."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if len(prefix) != 8 or len(secret) < 20:
        return None
    return prefix, raw


@transaction.atomic
def token_issue(*, name: str, role: str, actor) -> tuple[IntegrationToken, str]:
    """A new service account in `role` and its token; returns the token in clear, once."""
    if not actor.has_perm(MANAGE):
        raise PermissionRefused("Only team leads issue integration tokens.")
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100 or "\x00" in name:
        errors["name"] = ["Name the system that will use the token (up to 100 characters)."]
    elif IntegrationToken.objects.filter(name__iexact=name).exists():
        errors["name"] = [f"A token named {name!r} exists; revoke it or choose another name."]
    if role not in ROLES:
        errors["role"] = [f"Choose one of: {', '.join(ROLES)}."]
    if errors:
        raise InvalidInput(" ".join(m for ms in errors.values() for m in ms), field_errors=errors)
    username = f"api-{slugify(name)[:100] or secrets.token_hex(4)}"
    account = get_user_model().objects.create_user(username=username, password=None)
    account.first_name = name[:150]
    save_audited(account, actor=actor, reason=f"integration account for {name}")
    account.groups.add(Group.objects.get(name=role))
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = IntegrationToken(
        name=name, account=account, prefix=prefix, key_hash=digest(raw), created_by=actor
    )
    save_audited(token, actor=actor, reason=f"issued for role {role}")
    return token, raw


@transaction.atomic
def token_revoke(*, token: IntegrationToken, actor) -> IntegrationToken:
    """The token stops working at once; its account is deactivated, its history kept."""
    if not actor.has_perm("api.change_integrationtoken"):
        raise PermissionRefused("Only team leads revoke integration tokens.")
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_audited(token, actor=actor, reason="revoked", update_fields=["revoked_at"])
        token.account.is_active = False
        save_audited(
            token.account, actor=actor, reason="token revoked", update_fields=["is_active"]
        )
    return token


@transaction.atomic
def webhook_subscriber_save(*, subscriber: WebhookSubscriber, actor) -> WebhookSubscriber:
    """Add or change a subscriber (leads); a new one gets its signing secret here."""
    if not actor.has_perm("api.change_webhooksubscriber"):
        raise PermissionRefused("Only team leads manage webhook subscribers.")
    unknown = set(subscriber.events) - set(WebhookEvent.values)
    if unknown or not subscriber.events:
        raise InvalidInput(
            "Choose at least one known event.", field_errors={"events": ["Choose known events."]}
        )
    refused = address_refusal(subscriber.url)
    if refused:
        raise InvalidInput(refused, field_errors={"url": [refused]})
    if not subscriber.secret:
        subscriber.secret = new_secret()
    save_audited(subscriber, actor=actor, reason="saved" if subscriber.pk else "added")
    return subscriber


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()

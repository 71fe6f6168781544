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
from core.roles import HELPDESK, ROLE_PERMISSIONS
from escalation.selectors import support_staff

from .addresses import address_refusal
from .models import (
    HelpdeskKind,
    HelpdeskSource,
    IntegrationToken,
    WebhookEvent,
    WebhookSubscriber,
)

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


def service_account_create(*, name: str, role: str, actor, kind: str = "api"):
    """A user without a password in one role group, named after the system that acts
    through it (`<kind>-<name>`, made unique): an integration's identity. Caller holds
    a transaction and has checked that `actor` may create it."""
    User = get_user_model()
    username = f"{kind}-{slugify(name)[:100] or secrets.token_hex(4)}"
    if User.objects.filter(username=username).exists():
        username = f"{username[:140]}-{secrets.token_hex(4)}"
    account = User.objects.create_user(username=username, password=None)
    account.first_name = name[:150]
    save_audited(account, actor=actor, reason=f"integration account for {name}")
    account.groups.add(Group.objects.get(name=role))
    return account


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
    account = service_account_create(name=name, role=role, actor=actor)
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


def _source_errors(source: HelpdeskSource, secret: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    taken = HelpdeskSource.objects.exclude(pk=source.pk)
    if not source.name or len(source.name) > 100 or "\x00" in source.name:
        errors["name"] = ["Name the helpdesk (up to 100 characters)."]
    elif taken.filter(name__iexact=source.name).exists():
        errors["name"] = [f"A source named {source.name!r} exists; choose another name."]
    if source.kind not in HelpdeskKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(HelpdeskKind.values)}."]
    if not source.slug or slugify(source.slug) != source.slug or len(source.slug) > 50:
        errors["slug"] = ["Use lowercase letters, digits and hyphens (up to 50)."]
    elif taken.filter(slug=source.slug).exists():
        errors["slug"] = [f"Another source uses {source.slug!r}."]
    if secret and (len(secret) > 200 or not secret.isprintable() or " " in secret):
        errors["secret"] = ["A secret is one word of up to 200 printable characters."]
    elif secret and source.kind == HelpdeskKind.GENERIC and not _is_whsec(secret):
        errors["secret"] = ["A Standard Webhooks secret is whsec_ and base64 (or leave empty)."]
    elif not secret and not source.secret and source.kind == HelpdeskKind.ZENDESK:
        errors["secret"] = ["Paste the webhook's signing secret from Zendesk."]
    category = source.default_category if source.default_category_id else None
    if category is None or not category.is_active:
        errors["default_category"] = ["Choose an active category for new tickets."]
    if not support_staff().filter(pk=source.default_owner_id).exists():
        errors["default_owner"] = ["Choose an active support agent to own new tickets."]
    return errors


def _is_whsec(secret: str) -> bool:
    try:
        return (
            secret.startswith("whsec_") and len(base64.b64decode(secret[6:], validate=True)) >= 16
        )
    except ValueError:
        return False


@transaction.atomic
def helpdesk_source_save(*, source: HelpdeskSource, actor, secret: str = "") -> HelpdeskSource:
    """Add or change a helpdesk source (leads). A new one gets its service account in
    the Helpdesk integration role; `secret` replaces the stored one, and when none is
    given a Freshdesk or generic source gets a random one (Zendesk's is pasted from
    Zendesk). The kind is fixed once added: its secret and payloads differ.
    Raises PermissionRefused for non-leads, InvalidInput naming each bad field."""
    adding = source.pk is None
    if not actor.has_perm("api.add_helpdesksource" if adding else "api.change_helpdesksource"):
        raise PermissionRefused("Only team leads manage helpdesk sources.")
    source.name = (source.name or "").strip()
    source.slug = (source.slug or slugify(source.name)[:50]).strip()
    secret = (secret or "").strip()
    errors = _source_errors(source, secret)
    if not adding and HelpdeskSource.objects.get(pk=source.pk).kind != source.kind:
        errors["kind"] = ["The kind cannot change; add another source instead."]
    if errors:
        raise InvalidInput(" ".join(m for ms in errors.values() for m in ms), field_errors=errors)
    if secret:
        source.secret = secret
    elif not source.secret:
        source.secret = new_secret() if source.kind == HelpdeskKind.GENERIC else _shared_secret()
    if adding:
        source.account = service_account_create(
            name=source.name, role=HELPDESK, actor=actor, kind="inbound"
        )
    save_audited(source, actor=actor, reason="added" if adding else "saved")
    return source


def _shared_secret() -> str:
    """A secret the sender sends as it is (Freshdesk: basic-auth password or a header)."""
    return secrets.token_urlsafe(32)

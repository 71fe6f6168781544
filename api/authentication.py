"""`Authorization: Bearer esc_…`: an integration signs in as its service account.

Looked up by the token's public prefix, compared by hash in constant time; a revoked
token or a deactivated account is refused like a wrong one. `last_used_at` is written at
most once a minute so a busy integration does not write on every request.
"""

import hmac
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import IntegrationToken
from .services import digest, split_token

TOUCH_EVERY = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not raw:
            return None  # not ours: the session may still sign the request in
        parts = split_token(raw.strip())
        token = (
            IntegrationToken.objects.select_related("account").filter(prefix=parts[0]).first()
            if parts
            else None
        )
        if (
            token is None
            or not hmac.compare_digest(token.key_hash, digest(raw.strip()))
            or token.revoked_at is not None
            or not token.account.is_active
        ):
            raise exceptions.AuthenticationFailed("The token is unknown or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.account, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "IntegrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration token (esc_…) issued by a team lead.",
        }

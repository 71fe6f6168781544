"""The email providers' inbound webhooks (django-anymail), each guarded the same way.

Anymail answers a payload it cannot parse (not JSON, a field missing, the wrong webhook
type) with a 500, and an unconfigured provider's view fails as it is built. Here those
become clean refusals. Before the payload is read: 403 for wrong or missing credentials
(anymail says 400), for a provider not set up, and for every provider relying on basic
auth while ANYMAIL_WEBHOOK_SECRET is unset (anymail would otherwise accept anyone's posts,
with a warning). After: 400 for an unreadable payload. Only the inbound views are
mounted: this product reads no delivery tracking.
"""

import email.errors
import logging
from typing import cast

from anymail import urls as anymail_urls
from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import inbound
from django.http import HttpResponse
from django.urls import URLPattern
from django.views import View

logger = logging.getLogger(__name__)

# What parsing a malformed payload raises inside anymail (json, keys, types, MIME).
UNREADABLE_PAYLOAD = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    AssertionError,
    email.errors.MessageError,
    AnymailError,
    AnymailConfigurationError,  # e.g. a bounce webhook pointed at the inbound URL
)


class _Unreadable(Exception):
    """The provider's payload could not be parsed; nothing was filed."""


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RefuseJunk:
    """Put before an anymail inbound view class (see `guarded_inbound_patterns`)."""

    not_configured = ""

    def __init__(self, **kwargs):
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError as exc:  # e.g. no MAILGUN_WEBHOOK_SIGNING_KEY
            self.not_configured = str(exc)

    def post(self, request, *args, **kwargs):
        if self.not_configured:
            return _text(403, "This email provider is not set up here.")
        if getattr(self, "warn_if_no_basic_auth", False) and not getattr(self, "basic_auth", []):
            return _text(403, "Inbound email is off: ANYMAIL_WEBHOOK_SECRET is not set.")
        try:
            return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure:
            return _text(403, "Wrong or missing credentials for the inbound email webhook.")
        except _Unreadable as exc:
            logger.warning("unreadable inbound email payload: %s", exc)
            return _text(400, "Unreadable inbound email payload; nothing was filed.")

    def parse_events(self, request):
        try:
            return super().parse_events(request)
        except UNREADABLE_PAYLOAD as exc:
            raise _Unreadable(f"{exc.__class__.__name__}: {exc}"[:500]) from exc


def guarded_inbound_patterns() -> list[URLPattern]:
    """anymail.urls' inbound webhooks (same paths and names), each view guarded."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or getattr(view_class, "signal", None) is not inbound:
            continue
        guarded = cast(
            "type[View]", type(f"Guarded{view_class.__name__}", (RefuseJunk, view_class), {})
        )
        patterns.append(
            URLPattern(pattern.pattern, guarded.as_view(), pattern.default_args, pattern.name)
        )
    return patterns

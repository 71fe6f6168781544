"""Is this call from the source it names? Each helpdesk's own scheme, compared in constant
time; the signature is the only authentication of the inbound endpoint.

Zendesk: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + body)),
the timestamp (`X-Zendesk-Webhook-Signature-Timestamp`, ISO 8601) at most 5 minutes off.
Freshdesk signs nothing: its webhook action sends the shared secret as HTTP Basic auth
(password, or user name for its "API key" option) or in an `X-Helpdesk-Secret` header.
Generic: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
"""

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError, WebhookVerificationError

from ..models import HelpdeskKind, HelpdeskSource

TOLERANCE = timedelta(minutes=5)
SECRET_HEADER = "X-Helpdesk-Secret"  # noqa: S105 - a header name, not a secret


def refusal(source: HelpdeskSource, headers, body: bytes) -> str | None:
    """Why the call is not accepted as from `source`, or None when it is."""
    if source.kind == HelpdeskKind.ZENDESK:
        return _zendesk(source.secret, headers, body)
    if source.kind == HelpdeskKind.FRESHDESK:
        return _freshdesk(source.secret, headers)
    return _standard(source.secret, headers, body)


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _when(timestamp: str) -> datetime | None:
    """Zendesk's ISO 8601 timestamp (or Unix seconds), None when unreadable."""
    try:
        if timestamp.isdigit():
            return datetime.fromtimestamp(int(timestamp[:12]), tz=UTC)
        when = datetime.fromisoformat(timestamp)
    except (ValueError, OverflowError, OSError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _zendesk(secret: str, headers, body: bytes) -> str | None:
    signature = headers.get("X-Zendesk-Webhook-Signature", "")
    timestamp = headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
    if not signature or not timestamp or len(timestamp) > 40:
        return "The Zendesk signature headers are missing."
    when = _when(timestamp)
    if when is None or abs(timezone.now() - when) > TOLERANCE:
        return "The signature timestamp is unreadable or more than 5 minutes off."
    expected = zendesk_signature(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "The signature does not match (check the signing secret)."
    return None


def _freshdesk(secret: str, headers) -> str | None:
    offered = []
    header = headers.get(SECRET_HEADER, "")
    if header:
        offered.append(header)
    scheme, _, credentials = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and credentials:
        try:
            pair = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            pair = ""
        user, _, password = pair.partition(":")
        offered += [password, user]
    # Every candidate is compared (no early exit) so timing tells nothing.
    matches = [hmac.compare_digest(o.encode(), secret.encode()) for o in offered if o]
    if not any(matches):
        return "Send the shared secret as the basic-auth password or in X-Helpdesk-Secret."
    return None


def _standard(secret: str, headers, body: bytes) -> str | None:
    try:
        Webhook(secret).verify(
            body,
            {
                "webhook-id": headers.get("webhook-id", ""),
                "webhook-timestamp": headers.get("webhook-timestamp", ""),
                "webhook-signature": headers.get("webhook-signature", ""),
            },
            json_parse=False,
        )
    except WebhookVerificationError as exc:
        return f"The Standard Webhooks signature was refused: {exc}."
    except (ValueError, TypeError, EmptyWebhookSecretError):  # malformed headers or body
        return "The Standard Webhooks signature headers are malformed."
    return None

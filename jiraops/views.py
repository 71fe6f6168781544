"""Jira's webhook: an issue we created moved, or someone commented on it.

Jira Cloud signs an admin webhook that has a secret: `X-Hub-Signature:
sha256=<hex HMAC-SHA256 of the body with the secret>`. Anything unsigned or mis-signed,
or any call while JIRA_WEBHOOK_SECRET is unset, is refused with 403 and does nothing.
A signed event for an issue we do not know, or one already applied, answers 200: Jira
would retry anything else, and retrying it would change nothing."""

import hashlib
import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import jira_event_apply, parse_event

PREFIX = "sha256="


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"title": "Refused", "status": status, "detail": detail}, status=status)


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    if not header.startswith(PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(PREFIX) :].strip().lower())


@csrf_exempt  # Jira cannot send our CSRF token: its signature authenticates the request
@require_POST
def jira_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.JIRA_WEBHOOK_SECRET
    if not secret:
        return _problem(403, "The Jira webhook is not set up here (JIRA_WEBHOOK_SECRET).")
    body = request.body
    if not signature_valid(secret, body, request.headers.get("X-Hub-Signature", "")):
        return _problem(403, "The Jira signature (X-Hub-Signature) is missing or wrong.")
    try:
        event = parse_event(json.loads(body))
    except (ValueError, TypeError, AttributeError, RecursionError):
        return _problem(400, "Expected a Jira webhook event (JSON with an issue key).")
    return JsonResponse({"result": jira_event_apply(event)})

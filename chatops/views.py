"""Slack's interactivity endpoint: a button pressed in a message we posted.

Slack signs each request (`X-Slack-Signature`, HMAC-SHA256 of `v0:timestamp:body` with
the app's signing secret); anything unsigned, mis-signed or older than five minutes is
refused with 403 and does nothing. Slack expects an answer within 3 seconds and ignores
its body, so the outcome goes back to the person through the `response_url` Slack gave,
as a message only they see."""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from .services import chat_action

log = logging.getLogger(__name__)
MAX_ACTIONS = 5


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"title": "Refused", "status": status, "detail": detail}, status=status)


@csrf_exempt  # Slack cannot send our CSRF token: its signature authenticates the request
@require_POST
def slack_interactions(request: HttpRequest) -> HttpResponse:
    secret = settings.SLACK_SIGNING_SECRET
    if not secret:
        return _problem(403, "Slack buttons are not set up here (SLACK_SIGNING_SECRET).")
    body = request.body
    verifier = SignatureVerifier(secret)
    if not verifier.is_valid(
        body,
        request.headers.get("X-Slack-Request-Timestamp"),
        request.headers.get("X-Slack-Signature"),
    ):
        return _problem(403, "The Slack signature is missing, wrong or too old.")
    try:
        payload = json.loads(request.POST.get("payload", ""))
        user_id = str(payload["user"]["id"])
        actions = payload.get("actions") or []
        if payload.get("type") != "block_actions" or not isinstance(actions, list):
            return HttpResponse(status=200)  # other interaction kinds: nothing to do here
        pressed = [(str(a["action_id"]), str(a.get("value", ""))) for a in actions[:MAX_ACTIONS]]
    except (ValueError, TypeError, KeyError, AttributeError):
        return _problem(400, "Expected Slack's form field `payload` with a block_actions JSON.")
    replies = [
        chat_action(slack_user_id=user_id, action_id=action_id, value=value)
        for action_id, value in pressed
    ]
    text = "\n".join(r for r in replies if r)
    if text:
        _reply(payload.get("response_url"), text)
    return HttpResponse(status=200)


def _reply(url, text: str) -> None:
    """Tell the presser what happened, only to them; never to a host that is not Slack's."""
    if not isinstance(url, str) or urlsplit(url).hostname not in settings.SLACK_RESPONSE_HOSTS:
        log.warning("Slack response_url refused: %r", str(url)[:100])
        return
    try:
        WebhookClient(url, timeout=3).send(
            text=text, response_type="ephemeral", replace_original=False
        )
    except Exception:  # noqa: BLE001 - the action is done; only the courtesy reply failed
        log.warning("Slack reply failed", exc_info=True)

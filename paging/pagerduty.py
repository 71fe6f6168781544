"""The outbox's PagerDuty sender: POST the message's Events API v2 event, with the
department's routing key from the environment, to PAGERDUTY_EVENTS_URL.

Posted with urllib rather than the `pagerduty` client (7.2.0): its base URL must be
https (a local fake server cannot stand in for it in tests) and it retries 429 without
limit, sleeping inside the sender; the outbox already retries with back-off."""

import json
import urllib.error
import urllib.request

from django.conf import settings

from outbox.delivery import DeliveryError, Undeliverable, one_line
from outbox.models import OutboxMessage

from .services import routing_key


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the routing key to wherever it points: not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def event_of(message: OutboxMessage) -> dict:
    """The event with its routing key; raises Undeliverable for a message that is not one,
    DeliveryError when the environment has no key for the department (set it, it goes)."""
    code = message.recipient.removeprefix("pagerduty:")
    try:
        event = json.loads(message.body)
    except ValueError as exc:
        raise Undeliverable("pagerduty: the message is not an event") from exc
    if not isinstance(event, dict) or "dedup_key" not in event:
        raise Undeliverable("pagerduty: the message is not an event")
    key = routing_key(code)
    if not key:
        raise DeliveryError(f"pagerduty: PAGERDUTY_ROUTING_KEYS has no key for {code}")
    return {**event, "routing_key": key}


def send_event(message: OutboxMessage) -> None:
    """202 is sent; 400 (PagerDuty refuses the event) never will be; 429, 5xx and
    network errors are tried again later."""
    url = settings.PAGERDUTY_EVENTS_URL
    if not url.startswith(("https://", "http://")):
        raise Undeliverable("pagerduty: PAGERDUTY_EVENTS_URL is not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(event_of(message)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=settings.PAGERDUTY_TIMEOUT) as response:
            if response.status >= 300:
                raise DeliveryError(f"pagerduty: answered {response.status}")
    except urllib.error.HTTPError as exc:
        text = one_line(exc.read().decode(errors="replace"))[:300]
        if exc.code == 400:
            raise Undeliverable(f"pagerduty: refused the event: {text}") from exc
        raise DeliveryError(f"pagerduty: HTTP {exc.code}: {text}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"pagerduty: {exc}") from exc

"""Jira, the other way (issue 16): Jira's signed webhook moves the linked request. In
progress acknowledges it, resolved answers it, a comment becomes an internal note on the
ticket; events already applied, and issues we do not know, change nothing. Unsigned or
mis-signed calls are refused (403) and junk is a 400, never a 500."""

import hashlib
import hmac
import json

import pytest

from core.actors import SYSTEM_USERNAME
from escalation import services
from escalation.models import (
    Communication,
    DepartmentRequest,
    DepartmentRequestState,
    Direction,
    Ticket,
    TicketState,
)

URL = "/jira/webhook/"
SECRET = "jira-webhook-secret-0123456789"


@pytest.fixture
def linked(settings, make_ticket, agent, billing, ask):
    """A request to Billing (which has no Jira target here) linked to OPS-7 by hand."""
    settings.JIRA_WEBHOOK_SECRET = SECRET
    request = ask(make_ticket(state="open"), agent)
    return services.department_request_link(request=request, reference="OPS-7", actor=agent)


def post(client, payload, *, secret=SECRET, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE=f"sha256={digest}"
    )


def updated(category, resolution=None, comments=(), key="OPS-7"):
    return {
        "webhookEvent": "jira:issue_updated",
        "issue": {
            "key": key,
            "fields": {
                "status": {"name": "Whatever", "statusCategory": {"key": category}},
                "resolution": {"name": resolution} if resolution else None,
                "comment": {"comments": [{"body": text} for text in comments]},
            },
        },
    }


def commented(comment_id="10001", body="Refund issued, ref R-55"):
    return {
        "webhookEvent": "comment_created",
        "comment": {"id": comment_id, "body": body, "author": {"displayName": "Bea Billing"}},
        "issue": {"key": "OPS-7", "fields": {}},
    }


def state_of(request) -> str:
    return DepartmentRequest.objects.get(pk=request.pk).state


def test_picked_up_in_jira_acknowledges_the_request_once(client, linked):
    assert post(client, updated("indeterminate")).json() == {"result": "acknowledged"}
    request = DepartmentRequest.objects.get(pk=linked.pk)
    assert request.state == DepartmentRequestState.ACKNOWLEDGED
    assert request.history.latest().history_user.username == SYSTEM_USERNAME
    again = post(client, updated("indeterminate"))
    assert again.status_code == 200 and again.json()["result"].startswith("no change")


def test_resolved_in_jira_answers_with_the_resolution_and_last_comment(client, linked):
    answer = post(client, updated("done", "Fixed", comments=["first", "Refunded $80"]))
    assert answer.json() == {"result": "answered"}
    request = DepartmentRequest.objects.get(pk=linked.pk)
    assert request.state == DepartmentRequestState.ANSWERED
    assert request.answer == "Resolved in Jira OPS-7 (Fixed).\nRefunded $80"
    assert Ticket.objects.get(pk=request.ticket_id).state == TicketState.OPEN
    assert post(client, updated("done", "Fixed")).json()["result"].startswith("no change")


def test_a_jira_comment_becomes_one_internal_note(client, linked):
    assert post(client, commented()).json() == {"result": "noted"}
    assert post(client, commented()).json()["result"].startswith("no change")  # Jira retried
    [note] = Communication.objects.filter(ticket_id=linked.ticket_id, body__contains="R-55")
    assert note.direction == Direction.INTERNAL and note.author.username == SYSTEM_USERNAME
    assert note.body == "Jira OPS-7 comment 10001 by Bea Billing:\nRefund issued, ref R-55"


def test_an_unknown_issue_is_ignored(client, linked):
    answer = post(client, updated("done", "Fixed", key="OPS-999"))
    assert answer.status_code == 200 and answer.json()["result"].startswith("ignored")
    assert state_of(linked) == DepartmentRequestState.OPEN


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(client, linked, secret):
    if secret:
        answer = post(client, updated("done", "Fixed"), secret=secret)
    else:
        answer = client.post(URL, data=json.dumps(updated("done")), content_type="application/json")
    assert answer.status_code == 403
    assert state_of(linked) == DepartmentRequestState.OPEN


def test_the_webhook_is_refused_while_its_secret_is_unset(client, linked, settings):
    settings.JIRA_WEBHOOK_SECRET = ""
    assert post(client, updated("indeterminate"), secret="").status_code == 403
    assert state_of(linked) == DepartmentRequestState.OPEN


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"issue": {}}',
        b'{"issue": {"key": "OPS-7", "fields": []}}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_junk_is_a_400(client, linked, raw):
    assert post(client, None, raw=raw).status_code == 400
    assert state_of(linked) == DepartmentRequestState.OPEN


def test_a_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405

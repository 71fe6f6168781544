"""Jira, one way (issue 16): a request to a department with a Jira target becomes one
issue there, with the request and the hand-off; its key becomes the request's reference;
while Jira is down the message waits in the outbox with the error, and a retry creates
the issue once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.models import JiraTarget
from escalation import services
from escalation.models import DepartmentRequest
from outbox.models import OutboxMessage
from outbox.services import outbox_drain, outbox_resend


def jira_message(request) -> OutboxMessage:
    return OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:jira")


def test_opening_a_request_creates_one_issue_with_the_hand_off(
    jira, ask, make_ticket, senior, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(state="escalated", priority="high")
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    request = ask(ticket, senior)
    [call] = jira.calls
    assert (call.method, call.path) == ("POST", "/rest/api/2/issue")
    assert call.auth == ("bot@example.com", "jira-token-123")
    fields = call.body["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == f"[High] {ticket.reference}: Sync stopped"
    assert fields["priority"] == {"name": "Highest"} and fields["labels"] == ["support"]
    description = fields["description"]
    assert "Refund the duplicate charge" in description and "Two captures" in description
    assert f"/desk/ticket/{ticket.pk}/" in description
    assert "Sync stops after 10 minutes" in description  # the hand-off's summary
    assert "Reconnected integration" in description  # and its troubleshooting
    request.refresh_from_db()
    assert request.external_reference == "OPS-1"
    assert request.history.latest().history_change_reason == "linked: OPS-1"
    message = jira_message(request)
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert message.recipient == f"{jira.url}/browse/OPS"


def test_jira_down_keeps_the_message_pending_then_a_retry_creates_it_once(
    jira, ask, make_ticket, agent, lead
):
    jira.answers = [503]
    request = ask(make_ticket(state="open"), agent)
    message = jira_message(request)
    assert message.state == OutboxMessage.State.PENDING
    assert "HTTP 503" in message.last_error and "jira-token-123" not in message.last_error
    assert DepartmentRequest.objects.get(pk=request.pk).external_reference == ""
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_drain()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert DepartmentRequest.objects.get(pk=request.pk).external_reference == "OPS-1"
    outbox_resend(message=message, actor=lead)  # a lead re-sends it: no second issue
    assert jira.created == ["OPS-1"] and len(jira.calls) == 2


def test_a_department_without_an_active_target_gets_no_issue(jira, ask, make_ticket, agent):
    target = JiraTarget.objects.get()
    target.is_active = False
    target.save()
    request = ask(make_ticket(state="open"), agent)
    assert not OutboxMessage.objects.filter(channel="jira").exists()
    assert jira.calls == [] and request.external_reference == ""


def test_without_credentials_the_message_waits_with_the_reason(
    jira, ask, make_ticket, agent, settings
):
    settings.JIRA_API_TOKEN = ""
    message = jira_message(ask(make_ticket(state="open"), agent))
    assert message.state == OutboxMessage.State.PENDING
    assert "JIRA_API_TOKEN" in message.last_error and jira.calls == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"site_url": "http://jira.example.com"}, "site_url"),
        ({"project_key": "ops lower"}, "project_key"),
        ({"field_mapping": {"priorty": {}}}, "field_mapping"),
        ({"field_mapping": {"priority": {"urgent": "Highest"}}}, "field_mapping"),
        ({"field_mapping": {"fields": {"summary": "x"}}}, "field_mapping"),
    ],
)
def test_a_target_s_site_key_and_mapping_are_checked(billing, changes, field):
    target = JiraTarget(
        department=billing, site_url="https://acme.atlassian.net", project_key="OPS"
    )
    target.full_clean()  # the valid one passes
    for name, value in changes.items():
        setattr(target, name, value)
    with pytest.raises(ValidationError) as raised:
        target.full_clean()
    assert field in raised.value.message_dict

"""PagerDuty (issue 16): a department with a routing key in the environment is paged
through the Events API v2 instead of email and chat: each due level triggers with the
dedup key "department-request-<pk>"; the department's acknowledgement acknowledges it and
the answer resolves it, with the same key. The key itself is never stored, not even in
the outbox."""

from datetime import timedelta

import pytest

from escalation import services
from outbox.models import OutboxMessage
from outbox.services import outbox_drain
from tests.paging.conftest import OPENED


@pytest.fixture
def acknowledge(at, agent, django_capture_on_commit_callbacks):
    def run(request, minutes=5):
        with at(OPENED + timedelta(minutes=minutes)):
            with django_capture_on_commit_callbacks(execute=True):
                services.department_request_acknowledge(request=request, actor=agent)

    return run


def test_trigger_acknowledge_then_resolve_with_the_same_dedup_key_and_the_routing_key(
    policy, pagerduty, ask, acknowledge, at, agent, django_capture_on_commit_callbacks
):
    request = ask()
    acknowledge(request)
    with at(OPENED + timedelta(minutes=30)):
        with django_capture_on_commit_callbacks(execute=True):
            services.department_request_answer(request=request, actor=agent, answer="Refunded")
    trigger, ack, resolve = pagerduty.events
    key = f"department-request-{request.pk}"
    assert (trigger["event_action"], trigger["dedup_key"]) == ("trigger", key)
    assert (ack["event_action"], ack["dedup_key"]) == ("acknowledge", key)
    assert (resolve["event_action"], resolve["dedup_key"]) == ("resolve", key)
    assert {e["routing_key"] for e in pagerduty.events} == {"R0UTINGKEY0123456789"}
    payload = trigger["payload"]
    assert payload["severity"] and "Billing is needed (level 1)" in payload["summary"]
    assert payload["custom_details"]["paged"] == "alice"
    # Paged through PagerDuty only, and the key is nowhere in the database.
    messages = OutboxMessage.objects.filter(
        event_key__startswith=f"department-request:{request.pk}"
    )
    assert {m.channel for m in messages if ":page:" in m.event_key} == {"pagerduty"}
    assert all("R0UTINGKEY" not in m.body for m in messages)
    assert all(m.state == OutboxMessage.State.SENT for m in messages if m.channel == "pagerduty")


def test_each_due_level_triggers_the_same_alert(policy, pagerduty, ask, later):
    request = ask()
    later(15)
    assert [e["event_action"] for e in pagerduty.events] == ["trigger"] * 3
    assert {e["dedup_key"] for e in pagerduty.events} == {f"department-request-{request.pk}"}


def test_pagerduty_down_keeps_the_trigger_pending_then_a_retry_sends_it(policy, pagerduty, ask, at):
    pagerduty.answers = [503]
    request = ask()
    message = OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:page:0")
    assert message.state == OutboxMessage.State.PENDING and "HTTP 503" in message.last_error
    with at(OPENED + timedelta(hours=1)):
        outbox_drain()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert [e["event_action"] for e in pagerduty.events] == ["trigger"]


def test_without_a_routing_key_the_department_is_paged_by_email(policy, pagerduty, ask, settings):
    settings.PAGERDUTY_ROUTING_KEYS = {"security": "another-key"}
    request = ask()
    message = OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:page:0")
    assert message.channel == "email" and pagerduty.events == []

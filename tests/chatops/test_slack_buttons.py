"""Slack buttons (issue 16 "Slack with buttons"): a hand-off is posted with Accept and
Open buttons; pressing Accept in Slack runs the same service as the desk, as the staff
account mapped to the Slack user; unsigned presses, unmapped users and people the
services refuse change nothing and are told why, only to them."""

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest

from chatops.blocks import chat_payload
from chatops.models import ChatIdentity
from chatops.services import chat_identity_save
from escalation import services
from escalation.models import DepartmentRequest, TicketState
from outbox.models import OutboxMessage
from tests.servers.webhook import Receiver, serve

URL = "/chat/slack/interactions/"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documented example shape


@pytest.fixture
def slack(settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SLACK_RESPONSE_HOSTS = ["127.0.0.1"]
    receiver = Receiver()
    stop = serve(receiver)
    yield receiver
    stop()


def press(client, user_id, action_id, value, response_url, *, secret=SECRET, age=0):
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "someone", "team_id": "T0001"},
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        "response_url": response_url,
    }
    body = urlencode({"payload": json.dumps(payload)})
    ts = str(int(time.time()) - age)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        URL,
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
        HTTP_X_SLACK_SIGNATURE=f"v0={digest}",
    )


def told(receiver) -> str:
    [reply] = receiver.received
    body = json.loads(reply.body)
    assert body["response_type"] == "ephemeral"  # only the person who pressed sees it
    return body["text"]


@pytest.fixture
def escalated(make_ticket, django_capture_on_commit_callbacks):
    """A ticket handed off to L2; the hand-off's events ran (they wait for the commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_ticket(state="escalated")


def test_the_hand_off_is_posted_with_accept_and_open_buttons(escalated):
    ticket = escalated
    message = OutboxMessage.objects.get(event_key__startswith="handoff:", channel="chat")
    payload = chat_payload(message)
    buttons = payload["blocks"][1]["elements"]
    assert [b["action_id"] for b in buttons] == ["accept_handoff", "open_ticket"]
    assert buttons[0]["value"] == ticket.reference
    assert buttons[1]["url"].endswith(f"/desk/ticket/{ticket.pk}/")
    assert ticket.reference in payload["blocks"][0]["text"]["text"]


def test_the_chat_webhook_receives_the_blocks(
    make_ticket, settings, django_capture_on_commit_callbacks
):
    receiver = Receiver()
    stop = serve(receiver)
    try:
        settings.CHAT_WEBHOOK_URL = receiver.url
        with django_capture_on_commit_callbacks(execute=True):
            make_ticket(state="escalated")  # the outbox sends after the commit
    finally:
        stop()
    message = OutboxMessage.objects.get(event_key__startswith="handoff:")
    assert message.state == OutboxMessage.State.SENT, message.last_error
    [posted] = [r for r in receiver.received if b"Accept hand-off" in r.body]
    assert json.loads(posted.body)["blocks"][1]["elements"][0]["text"]["text"] == (
        "Accept hand-off"
    )


def test_teams_gets_a_card_with_a_link_and_no_buttons(escalated, settings):
    settings.CHAT_KIND = "teams"
    ticket = escalated
    card = chat_payload(OutboxMessage.objects.get(event_key__startswith="handoff:"))
    assert card["@type"] == "MessageCard" and "blocks" not in card
    assert card["potentialAction"][0]["targets"][0]["uri"].endswith(f"/ticket/{ticket.pk}/")


def test_a_mapped_senior_accepts_in_slack(client, slack, make_ticket, senior, lead):
    ticket = make_ticket(state="escalated")
    chat_identity_save(identity=ChatIdentity(user=senior, slack_user_id="U02SENIOR"), actor=lead)
    answer = press(client, "U02SENIOR", "accept_handoff", ticket.reference, slack.url)
    assert answer.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, senior)
    assert ticket.history.latest().history_user == senior
    assert told(slack) == f"{ticket.reference} accepted: it is yours now."


def test_an_unmapped_slack_user_is_told_and_nothing_changes(client, slack, make_ticket):
    ticket = make_ticket(state="escalated")
    press(client, "U0STRANGER", "accept_handoff", ticket.reference, slack.url)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert "not linked to a staff account" in told(slack)


def test_an_agent_below_the_tier_is_refused_by_the_service(client, slack, make_ticket, lead):
    ticket = make_ticket(state="escalated")  # to L2; its L1 owner may not accept it
    chat_identity_save(
        identity=ChatIdentity(user=ticket.owner, slack_user_id="U01AGENT"), actor=lead
    )
    press(client, "U01AGENT", "accept_handoff", ticket.reference, slack.url)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert told(slack).startswith("Not done: ")


def test_a_department_member_acknowledges_a_request(client, slack, make_ticket, senior, lead):
    ticket = make_ticket(owner=senior, code="incorrect-charge", state="open")
    request = services.department_request_open(
        ticket=ticket,
        actor=senior,
        needed="Refund",
        customer_impact="Charged twice",
        findings="Two captures",
    )
    member = type(senior).objects.create_user("billing1", "billing1@example.com")
    member.groups.add(*senior.groups.all())
    request.department.members.add(member)
    chat_identity_save(identity=ChatIdentity(user=member, slack_user_id="U03BILL"), actor=lead)
    press(client, "U03BILL", "acknowledge_request", str(request.pk), slack.url)
    request.refresh_from_db()
    assert request.state == "acknowledged"
    assert DepartmentRequest.history.filter(history_user=member).exists()
    assert told(slack).startswith("Acknowledged for ")


@pytest.mark.parametrize(
    "secret,age", [("wrong-secret", 0), (SECRET, 600)], ids=["bad signature", "too old"]
)
def test_unsigned_or_stale_presses_are_403_and_do_nothing(
    client, slack, make_ticket, senior, lead, secret, age
):
    ticket = make_ticket(state="escalated")
    chat_identity_save(identity=ChatIdentity(user=senior, slack_user_id="U02SENIOR"), actor=lead)
    answer = press(
        client, "U02SENIOR", "accept_handoff", ticket.reference, slack.url, secret=secret, age=age
    )
    assert answer.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED and slack.received == []


def test_junk_payloads_are_400_and_replies_never_go_to_other_hosts(db, client, slack):
    ts = str(int(time.time()))
    for body in ("payload=%7Bnot-json", "payload=", "nothing=1", "payload=%5B%5D"):
        digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256)
        answer = client.post(
            URL,
            data=body,
            content_type="application/x-www-form-urlencoded",
            HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
            HTTP_X_SLACK_SIGNATURE=f"v0={digest.hexdigest()}",
        )
        assert answer.status_code == 400, body
    press(client, "U0STRANGER", "accept_handoff", "ESC-000001", "http://10.0.0.1/steal")
    assert slack.received == []


def test_a_slack_member_id_is_checked_and_mapped_once(senior, agent, lead):
    from core.errors import InvalidInput, PermissionRefused

    with pytest.raises(InvalidInput):
        chat_identity_save(
            identity=ChatIdentity(user=senior, slack_user_id="not\x00an id"), actor=lead
        )
    chat_identity_save(identity=ChatIdentity(user=senior, slack_user_id="u02senior"), actor=lead)
    with pytest.raises(InvalidInput):
        chat_identity_save(identity=ChatIdentity(user=agent, slack_user_id="U02SENIOR"), actor=lead)
    with pytest.raises(PermissionRefused):
        chat_identity_save(identity=ChatIdentity(user=agent, slack_user_id="U01X"), actor=agent)
    assert ChatIdentity.objects.get().slack_user_id == "U02SENIOR"


def test_customer_text_is_shown_literally_in_slack(make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(state="escalated", subject="<!channel> <https://evil.example|Reset here>")
    payload = chat_payload(OutboxMessage.objects.get(event_key__startswith="handoff:"))
    text = payload["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<https://evil" not in payload["text"]


def test_a_department_member_may_acknowledge_but_not_withdraw(make_ticket, senior):
    from core.errors import PermissionRefused

    ticket = make_ticket(owner=senior, code="incorrect-charge", state="open")
    request = services.department_request_open(
        ticket=ticket, actor=senior, needed="Refund", customer_impact="Twice", findings="Two"
    )
    member = type(senior).objects.create_user("billing2", "billing2@example.com")
    member.groups.add(*senior.groups.all())
    request.department.members.add(member)
    with pytest.raises(PermissionRefused):
        services.department_request_cancel(request=request, actor=member, reason="not ours")
    services.department_request_acknowledge(request=request, actor=member)
    request.refresh_from_db()
    assert request.state == "acknowledged"


def test_a_directory_admin_may_not_map_slack_users(senior, db):
    from core.errors import PermissionRefused
    from tests.factories import UserFactory

    admin = UserFactory(username="dir1", role="Directory admin")
    with pytest.raises(PermissionRefused):
        chat_identity_save(identity=ChatIdentity(user=senior, slack_user_id="U0EVIL1"), actor=admin)
    assert not ChatIdentity.objects.exists()

"""Each workflow event tells the right people in the bell, once, and only after commit."""

import pytest
import time_machine

from core import roles
from escalation import events, services
from notifications.models import Kind, Notification
from sla import services as sla
from sla.models import Clock
from tests.escalation.sla.conftest import ny
from tests.factories import UserFactory, full_handoff
from tests.verification.conftest import action
from verification import services as verification


def told(kind=None):
    """(recipient username, kind) of every notification, in a stable order."""
    rows = Notification.objects.order_by("recipient__username", "kind")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.recipient.username, n.kind) for n in rows]


@pytest.fixture
def escalate(make_ticket, agent, django_capture_on_commit_callbacks):
    def run(**kwargs):
        ticket = make_ticket(state="open", **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            return services.ticket_escalate(
                ticket=ticket,
                actor=agent,
                to_tier=2,
                reason="Needs DB",
                handoff=full_handoff(ticket),
            )

    return run


def test_a_hand_off_tells_the_receiving_tier_and_nobody_else(
    escalate, agent, senior, engineer, lead
):
    UserFactory(username="senior2", role=roles.SENIOR)
    UserFactory(username="senior-gone", role=roles.SENIOR, is_active=False)
    ticket = escalate()
    assert told() == [("senior1", Kind.HANDOFF_WAITING), ("senior2", Kind.HANDOFF_WAITING)]
    note = Notification.objects.filter(recipient=senior).get()
    assert note.link == f"/desk/ticket/{ticket.pk}/"
    assert ticket.reference in note.text and "Needs DB" in note.text
    assert note.read_at is None


def test_nothing_is_told_before_the_change_commits(
    make_ticket, agent, senior, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="Needs DB", handoff=full_handoff(ticket)
        )
    assert callbacks and not Notification.objects.exists()  # waiting for the commit


def test_an_accepted_hand_off_tells_who_handed_it_off(
    escalate, agent, senior, django_capture_on_commit_callbacks
):
    ticket = escalate()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    assert told(Kind.HANDOFF_ACCEPTED) == [("agent1", Kind.HANDOFF_ACCEPTED)]
    assert "accepted by senior1" in Notification.objects.get(kind=Kind.HANDOFF_ACCEPTED).text


def test_a_returned_hand_off_tells_who_handed_it_off_with_the_reason(
    escalate, agent, senior, django_capture_on_commit_callbacks
):
    ticket = escalate()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason="No logs attached")
    assert told(Kind.HANDOFF_RETURNED) == [("agent1", Kind.HANDOFF_RETURNED)]
    assert "No logs attached" in Notification.objects.get(kind=Kind.HANDOFF_RETURNED).text


def test_a_lead_escalating_an_agents_ticket_tells_both_once_it_is_accepted(
    make_ticket, agent, senior, lead, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_escalate(
            ticket=ticket, actor=lead, to_tier=2, reason="Needs DB", handoff=full_handoff(ticket)
        )
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    assert told(Kind.HANDOFF_ACCEPTED) == [
        ("agent1", Kind.HANDOFF_ACCEPTED),
        ("lead1", Kind.HANDOFF_ACCEPTED),
    ]


def test_a_department_answer_tells_the_owner(
    make_ticket, agent, lead, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="Refund status", customer_impact="Blocked", findings="-"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.department_request_answer(request=request, actor=lead, answer="Refunded today")
    assert told() == [("agent1", Kind.DEPARTMENT_ANSWERED)]
    assert "answered on" in Notification.objects.get().text
    assert "Refunded today" in Notification.objects.get().text


def test_the_owner_recording_the_answer_is_not_told_what_they_did(
    make_ticket, agent, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="Refund status", customer_impact="Blocked", findings="-"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.department_request_answer(request=request, actor=agent, answer="Refunded")
    assert told() == []


def test_a_breach_tells_the_owner_once_even_if_the_timer_fires_twice(
    make_ticket, agent, lead, django_capture_on_commit_callbacks
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        ticket = make_ticket(code="fraud")  # critical: first response within 30 min
    with (
        time_machine.travel(ny(2026, 11, 2, 9, 31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sla.sweep()
        sla.sweep()
    assert told() == [("agent1", Kind.SLA_BREACHED)]  # the owner, not the leads
    note = Notification.objects.get()
    assert note.link == f"/desk/ticket/{ticket.pk}/" and "first response" in note.text
    # The same event delivered again (a re-run task) is still one notification.
    clock = ticket_clock(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        events.sla_breached.send(type(ticket), moments=[events.SlaMoment(ticket, clock, note.key)])
    assert Notification.objects.count() == 1


def ticket_clock(ticket):
    return Clock.objects.filter(subject_id=ticket.pk).order_by("pk").first()


def _awaiting_approval(customer, agent, ticket_id=None):
    request = verification.verification_start(
        subject=customer, action=action("data-deletion"), actor=agent, ticket_id=ticket_id
    )
    for kind, method in [
        ("email_control", "code_sent"),
        ("payment_last4", "asked_and_compared"),
        ("photo_id", "id_on_video"),
    ]:
        request = verification.verification_record_factor(
            request=request, actor=agent, kind=kind, matched=True, method=method
        )
    return request


def test_an_approved_verification_tells_the_agent_who_asked(
    make_ticket, customer, agent, lead, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    with django_capture_on_commit_callbacks(execute=True):
        request = _awaiting_approval(customer, agent, ticket_id=ticket.pk)
    assert told() == []  # collecting and asking for approval tell nobody in the bell
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_approve(request=request, actor=lead, reason="ID checked")
    assert told() == [("agent1", Kind.VERIFICATION_APPROVED)]
    note = Notification.objects.get()
    assert note.link == f"/desk/ticket/{ticket.pk}/verify/{request.pk}/"
    assert "approved by lead1: ID checked" in note.text


def test_a_rejected_verification_tells_the_agent_who_asked_and_why(
    customer, agent, lead, django_capture_on_commit_callbacks
):
    request = _awaiting_approval(customer, agent)
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_reject(request=request, actor=lead, reason="Name differs")
    assert told() == [("agent1", Kind.VERIFICATION_REJECTED)]
    note = Notification.objects.get()
    assert "rejected by lead1: Name differs" in note.text
    assert note.link == f"/admin/verification/verificationrequest/{request.pk}/change/"


def test_a_failing_listener_never_undoes_the_change(
    escalate, senior, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("listener bug")

    events.handoff_requested.connect(broken, dispatch_uid="test-broken")
    try:
        ticket = escalate()
    finally:
        events.handoff_requested.disconnect(dispatch_uid="test-broken")
    assert ticket.state == "escalated"
    assert told() == [("senior1", Kind.HANDOFF_WAITING)]  # the other listener still heard it

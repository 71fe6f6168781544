"""003 "Training & Resources", week 3 supervised escalations: the mentor (or a lead)
approves, edits with a note, or sends back a trainee's held hand-off or email; the review
outcomes are what the trainee learns from ("If you escalated unnecessarily, note what you
could have tried")."""

import pytest

from core.errors import ApplicationError, InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Communication, Escalation, TicketState
from outbox.models import OutboxMessage
from tests.factories import full_handoff
from training.models import HeldAction, HeldState, ReviewEntry
from training.selectors import learning
from training.services import (
    held_action_approve,
    held_action_edit,
    held_action_send_back,
    review_entry_mark_reviewed,
)


@pytest.fixture
def held_handoff(make_trainee, make_ticket, agent):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket,
        actor=agent,
        to_tier=2,
        reason="Needs database access",
        handoff=full_handoff(ticket),
    )
    return HeldAction.objects.get()


@pytest.fixture
def held_email(make_trainee, make_ticket, agent):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    services.communication_log(
        ticket=ticket,
        actor=agent,
        direction="outbound",
        channel="email",
        body="Fixed soon, promise",
    )
    return HeldAction.objects.get()


def test_003_mentor_approves_the_handoff_and_it_takes_effect_as_the_trainees(
    held_handoff, mentor, agent
):
    held_action_approve(held=held_handoff, actor=mentor, note="Good hand-off")
    ticket = held_handoff.ticket
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.ESCALATED, 2)
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.requested_by == agent  # the trainee's hand-off, not the mentor's
    change = ticket.history.latest()
    assert change.history_user == agent
    assert "approved by mentor mentor1" in change.history_change_reason
    held_handoff.refresh_from_db()
    assert (held_handoff.state, held_handoff.reviewed_by) == (HeldState.APPROVED, mentor)


def test_003_mentor_edits_the_email_with_a_note_and_the_edited_text_is_sent(held_email, mentor):
    customer = held_email.ticket.customer
    held_action_edit(
        held=held_email,
        actor=mentor,
        note="Never promise a fix date",
        changes={"body": "We are working on it and will update you by 5pm."},
    )
    sent = Communication.objects.get(ticket=held_email.ticket)
    assert sent.body == "We are working on it and will update you by 5pm."
    assert OutboxMessage.objects.get(recipient=customer.email).body == sent.body
    held_email.refresh_from_db()
    assert held_email.state == HeldState.EDITED
    assert held_email.original["body"] == "Fixed soon, promise"


def test_editing_needs_a_note(held_email, mentor):
    with pytest.raises(InvalidInput, match="what you changed"):
        held_action_edit(held=held_email, actor=mentor, note=" ", changes={"body": "Hi"})
    assert not Communication.objects.exists()


def test_003_send_back_changes_nothing_on_the_ticket_and_tells_the_trainee_why(
    held_handoff, mentor, agent
):
    reason = "Try clearing the sync cache first: it fixes E-42."
    held_action_send_back(held=held_handoff, actor=mentor, reason=reason)
    ticket = held_handoff.ticket
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.OPEN, 1)
    assert not Escalation.objects.exists()
    told = OutboxMessage.objects.get(recipient=agent.email)
    assert reason in told.body
    lessons = learning(held_handoff.trainee)
    assert [h.note for h in lessons["lessons"]] == [reason]
    assert lessons["counts"]["sent_back"] == 1


def test_sending_back_needs_a_reason(held_handoff, mentor):
    with pytest.raises(InvalidInput, match="reason"):
        held_action_send_back(held=held_handoff, actor=mentor, reason="  ")
    held_handoff.refresh_from_db()
    assert held_handoff.state == HeldState.PENDING


def test_the_trainee_cannot_approve_their_own(held_handoff, agent):
    with pytest.raises(PermissionRefused, match="your own"):
        held_action_approve(held=held_handoff, actor=agent)
    assert not Escalation.objects.exists()


def test_only_the_mentor_or_a_lead_reviews(held_handoff, agent2, senior, lead):
    for outsider in (agent2, senior):
        with pytest.raises(PermissionRefused, match="mentor or a lead"):
            held_action_send_back(held=held_handoff, actor=outsider, reason="No")
    held_action_approve(held=held_handoff, actor=lead)
    assert Escalation.objects.get().requested_by == held_handoff.trainee.user
    assert "approved by lead lead1" in held_handoff.ticket.history.latest().history_change_reason


def test_reviewing_twice_is_refused(held_handoff, mentor, lead):
    held_action_approve(held=held_handoff, actor=mentor)
    with pytest.raises(TransitionRefused, match="Already reviewed"):
        held_action_approve(held=held_handoff, actor=lead)
    with pytest.raises(TransitionRefused, match="Already reviewed"):
        held_action_send_back(held=held_handoff, actor=mentor, reason="Changed my mind")
    assert Escalation.objects.count() == 1


def test_approval_refused_when_the_ticket_moved_on_changes_nothing(held_handoff, mentor, lead):
    services.ticket_cancel(ticket=held_handoff.ticket, actor=lead, reason="Duplicate")
    with pytest.raises(ApplicationError):
        held_action_approve(held=held_handoff, actor=mentor)
    held_handoff.refresh_from_db()
    assert held_handoff.state == HeldState.PENDING


def test_a_nul_byte_in_the_note_is_refused(held_handoff, mentor):
    with pytest.raises(InvalidInput):
        held_action_send_back(held=held_handoff, actor=mentor, reason="bad\x00note")


def test_003_review_week_entry_marked_reviewed_once_by_the_mentor(
    make_trainee, make_ticket, agent, mentor
):
    make_trainee(days=22)
    ticket = make_ticket(state="open")
    services.communication_log(
        ticket=ticket, actor=agent, direction="outbound", channel="email", body="Update: on it"
    )
    entry = ReviewEntry.objects.get()
    with pytest.raises(PermissionRefused):
        review_entry_mark_reviewed(entry=entry, actor=agent)
    review_entry_mark_reviewed(entry=entry, actor=mentor, note="Clear and short")
    with pytest.raises(TransitionRefused):
        review_entry_mark_reviewed(entry=entry, actor=mentor)
    assert [e.note for e in learning(entry.trainee)["notes"]] == ["Clear and short"]

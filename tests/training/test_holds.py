"""003 "Training & Resources": week 3, supervised escalations: a trainee's hand-offs and
emails to customers wait for the mentor's review before they take effect; week 4,
independent with review: they take effect and land in the mentor's review list."""

from datetime import date

import pytest

from core.errors import InvalidInput
from escalation import holds, services
from escalation.models import Communication, Escalation, TicketState
from outbox.models import OutboxMessage
from tests.factories import full_handoff
from training.models import HeldAction, HeldState, ReviewEntry, Stage, stage_on


def escalate(ticket, actor):
    return services.ticket_escalate(
        ticket=ticket,
        actor=actor,
        to_tier=2,
        reason="Needs database access",
        handoff=full_handoff(ticket),
    )


def email_customer(ticket, actor, body="We are on it."):
    return services.communication_log(
        ticket=ticket, actor=actor, direction="outbound", channel="email", body=body
    )


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (-1, Stage.NOT_STARTED),
        (0, Stage.OVERVIEW),
        (6, Stage.OVERVIEW),
        (7, Stage.SHADOW),
        (14, Stage.SUPERVISED),
        (20, Stage.SUPERVISED),
        (21, Stage.REVIEW),
        (27, Stage.REVIEW),
        (28, Stage.INDEPENDENT),
    ],
)
def test_003_new_hire_weeks_come_from_the_start_date(days, stage):
    start = date(2026, 3, 2)
    assert stage_on(start, date.fromordinal(start.toordinal() + days)) == stage


def test_003_supervised_trainees_handoff_does_not_take_effect_before_review(
    make_trainee, make_ticket, agent, django_capture_on_commit_callbacks
):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = escalate(ticket, agent)
    assert isinstance(outcome, holds.Held)
    assert "Waiting for your mentor's review" in outcome.message
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.tier == 1
    assert not Escalation.objects.filter(ticket=ticket).exists()
    held = HeldAction.objects.get()
    assert (held.kind, held.state, held.stage) == ("handoff", HeldState.PENDING, Stage.SUPERVISED)
    assert held.payload["reason"] == "Needs database access"
    # The mentor is told; the receiving tier hears nothing yet.
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [
        "mentor1@example.com"
    ]


def test_003_supervised_trainees_email_to_the_customer_is_not_sent_before_review(
    make_trainee, make_ticket, agent
):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    versions = ticket.history.count()
    outcome = email_customer(ticket, agent)
    assert isinstance(outcome, holds.Held)
    assert not Communication.objects.filter(ticket=ticket).exists()
    assert not OutboxMessage.objects.filter(recipient=ticket.customer.email).exists()
    assert ticket.history.count() == versions  # the ticket itself is untouched


def test_003_weeks_1_and_2_hold_like_week_3(make_trainee, make_ticket, agent):
    make_trainee(days=3)
    ticket = make_ticket(state="open")
    assert isinstance(escalate(ticket, agent), holds.Held)
    assert HeldAction.objects.get().stage == Stage.OVERVIEW


def test_trainees_internal_notes_and_customer_replies_are_not_held(
    make_trainee, make_ticket, agent
):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    note = services.communication_log(
        ticket=ticket, actor=agent, direction="internal", channel="internal", body="Checked logs"
    )
    reply = services.communication_log(
        ticket=ticket, actor=agent, direction="inbound", channel="email", body="Still broken"
    )
    assert isinstance(note, Communication) and isinstance(reply, Communication)
    assert not HeldAction.objects.exists()


def test_an_incomplete_handoff_is_refused_not_held(make_trainee, make_ticket, agent):
    make_trainee(days=14)
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput):
        services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="Stuck", handoff={"summary": "x"}
        )
    assert not HeldAction.objects.exists()


def test_003_review_week_takes_effect_and_lands_in_the_mentors_review_list(
    make_trainee, make_ticket, agent
):
    make_trainee(days=21)
    ticket = make_ticket(state="open")
    escalated = escalate(ticket, agent)
    assert escalated.state == TicketState.ESCALATED and escalated.tier == 2
    entry = ReviewEntry.objects.get()
    assert (entry.kind, entry.text, entry.reviewed_at) == ("handoff", "Needs database access", None)
    assert not HeldAction.objects.exists()


def test_independent_after_four_weeks_nothing_held_or_listed(make_trainee, make_ticket, agent):
    make_trainee(days=28)
    ticket = make_ticket(state="open")
    assert escalate(ticket, agent).state == TicketState.ESCALATED
    assert not HeldAction.objects.exists() and not ReviewEntry.objects.exists()


def test_agents_not_in_training_are_never_held(make_ticket, agent):
    ticket = make_ticket(state="open")
    assert escalate(ticket, agent).state == TicketState.ESCALATED
    assert isinstance(email_customer(ticket, agent), Communication)
    assert not HeldAction.objects.exists()

"""Preventive actions from the monthly review (003 "Monthly escalation review meeting",
004 "Analyze data on escalations to identify common issues and implement preventive
measures"): raised by leads with an owner and a due date, tracked to done with a note."""

from datetime import date

import pytest

from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation.models import Category
from reviews.models import ActionState, PreventiveAction
from reviews.services import (
    preventive_action_complete,
    preventive_action_create,
    preventive_action_reopen,
)

MARCH = date(2026, 3, 1)


@pytest.fixture
def billing():
    return Category.objects.order_by("pk").first()


def raise_action(actor, owner, for_category, **overrides):
    values = {
        "actor": actor,
        "title": "Alert on stuck sync workers",
        "owner": owner,
        "due_date": date(2026, 4, 15),
        "review_month": date(2026, 3, 17),
        "category": for_category,
    }
    values.update(overrides)
    return preventive_action_create(**values)


def test_004_a_lead_raises_a_preventive_measure_for_the_rcas_category(lead, senior, record_rca):
    rca = record_rca("2026-03-10")
    action = raise_action(lead, senior, None, rca=rca)
    assert (action.category, action.rca, action.owner) == (rca.ticket.category, rca, senior)
    assert action.review_month == MARCH and action.state == ActionState.OPEN
    row = action.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        lead,
        "raised in the March 2026 review",
    )


@pytest.mark.parametrize("user", ["agent", "senior", "auditor"])
def test_003_only_leads_raise_review_actions(request, user, senior, billing):
    with pytest.raises(PermissionRefused, match="Only leads"):
        raise_action(request.getfixturevalue(user), senior, billing)
    assert not PreventiveAction.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "bad\x00title"}, "title"),
        ({"due_date": date(2200, 1, 1)}, "due_date"),
        ({"due_date": date(2026, 2, 28)}, "due_date"),
        ({"category": None}, "category"),
        ({"review_month": date(1999, 12, 1)}, "review_month"),
    ],
)
def test_a_bad_action_is_refused_and_nothing_is_created(lead, senior, billing, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        raise_action(lead, senior, billing, **overrides)
    assert field in refused.value.field_errors
    assert not PreventiveAction.objects.exists()


def test_an_inactive_owner_is_refused(lead, senior, billing):
    senior.is_active = False
    senior.save()
    with pytest.raises(InvalidInput, match="active user"):
        raise_action(lead, senior, billing)


def test_003_completing_needs_a_note_and_happens_once(lead, senior, billing):
    action = raise_action(lead, senior, billing)
    with pytest.raises(InvalidInput, match="What was done"):
        preventive_action_complete(action=action, actor=lead, note="  ")
    action.refresh_from_db()
    assert action.state == ActionState.OPEN
    done = preventive_action_complete(action=action, actor=lead, note="Alert added to Grafana")
    assert (done.state, done.done_note, done.done_by) == (
        ActionState.DONE,
        "Alert added to Grafana",
        lead,
    )
    assert done.done_at is not None and done.history.latest().history_change_reason == "done"
    with pytest.raises(TransitionRefused, match="already done"):
        preventive_action_complete(action=action, actor=lead, note="again")
    action.refresh_from_db()
    assert action.done_note == "Alert added to Grafana"


@pytest.mark.parametrize("user", ["agent", "auditor"])
def test_only_leads_complete_or_reopen(request, user, lead, senior, billing):
    action = raise_action(lead, senior, billing)
    other = request.getfixturevalue(user)
    with pytest.raises(PermissionRefused):
        preventive_action_complete(action=action, actor=other, note="done")
    preventive_action_complete(action=action, actor=lead, note="done")
    with pytest.raises(PermissionRefused):
        preventive_action_reopen(action=action, actor=other, reason="came back")
    action.refresh_from_db()
    assert action.state == ActionState.DONE


def test_reopening_a_done_action_needs_a_reason_and_keeps_the_old_note_in_history(
    lead, senior, billing
):
    action = raise_action(lead, senior, billing)
    with pytest.raises(TransitionRefused, match="still open"):
        preventive_action_reopen(action=action, actor=lead, reason="x")
    preventive_action_complete(action=action, actor=lead, note="Alert added")
    with pytest.raises(InvalidInput):
        preventive_action_reopen(action=action, actor=lead, reason="")
    reopened = preventive_action_reopen(action=action, actor=lead, reason="Same root cause again")
    assert reopened.state == ActionState.OPEN and reopened.done_at is None
    notes = list(action.history.values_list("done_note", flat=True))
    assert "Alert added" in notes
    assert action.history.latest().history_change_reason == "reopened: Same root cause again"

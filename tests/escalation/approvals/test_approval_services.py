"""Four-eyes approvals (issue 17), modelled on seed 003's high-risk verification approval:
SLA-critical actions wait for a second person with the approve permission, never the
requester; a pending or rejected action has not taken effect."""

import pytest

from core.errors import ApplicationError, InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.holds import Held
from escalation.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalState,
    Ticket,
    TicketState,
)
from escalation.services.approvals import approval_decide, approval_rule_set, approval_withdraw
from escalation.services.tickets import ticket_pause_clocks, ticket_resume_clocks
from notifications.models import Notification
from sla.models import Clock, ClockPause


def _pending(ticket) -> ApprovalRequest:
    return ApprovalRequest.objects.get(ticket=ticket, state=ApprovalState.PENDING)


def test_the_migration_seeds_all_four_gated_actions_switched_on(db):
    assert dict(ApprovalRule.objects.values_list("kind", "enabled")) == {
        kind: True for kind in ApprovalKind.values
    }


def test_four_eyes_lowering_a_priority_waits_then_a_second_lead_approves_it(
    make_ticket, lead, lead2, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open", priority="high")
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.ticket_update(
            ticket=ticket, actor=lead, changes={"priority": "low", "subject": "Sync slow"}
        )
    assert isinstance(returned, Held) and "waits for a second person's approval" in returned.message
    assert returned.record.kind == ApprovalKind.PRIORITY_DOWNGRADE
    ticket.refresh_from_db()
    assert ticket.priority == "high"  # pending: not in effect
    assert ticket.subject == "Sync slow"  # the rest of the edit went ahead
    request = _pending(ticket)
    assert request.change == {"priority": "low"} and request.requested_by == lead
    assert Notification.objects.filter(recipient=lead2, kind="approval_waiting").exists()
    assert not Notification.objects.filter(recipient=lead).exists()  # never the requester

    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(request=request, actor=lead2, approve=True, note="Customer downgraded")
    ticket.refresh_from_db()
    assert ticket.priority == "low"
    row = ticket.history.latest()
    assert row.history_user == lead2
    assert "approved by lead2, requested by lead1" in row.history_change_reason
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (ApprovalState.APPROVED, lead2)
    assert request.history.latest().history_change_reason.startswith(
        "approved by lead2, requested by lead1"
    )
    assert Notification.objects.filter(recipient=lead, kind="approval_decided").exists()


def test_four_eyes_the_requester_approving_their_own_request_is_refused(make_ticket, lead):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    with pytest.raises(PermissionRefused, match="second person"):
        approval_decide(request=_pending(ticket), actor=lead, approve=True)
    ticket.refresh_from_db()
    assert ticket.priority == "high" and _pending(ticket).decided_by is None


def test_four_eyes_someone_without_the_approve_permission_is_refused(
    make_ticket, lead, senior, auditor
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    for someone in (senior, auditor):
        with pytest.raises(PermissionRefused, match="may not approve"):
            approval_decide(request=_pending(ticket), actor=someone, approve=True)
    ticket.refresh_from_db()
    assert ticket.priority == "high"


def test_four_eyes_a_rejected_request_never_takes_effect_and_deciding_twice_is_refused(
    make_ticket, lead, lead2
):
    ticket = make_ticket(state="open", priority="high")
    services.ticket_reapply_sla(ticket=ticket, actor=lead, reason="Contract renewed")
    request = _pending(ticket)
    with pytest.raises(InvalidInput, match="why"):
        approval_decide(request=request, actor=lead2, approve=False)
    approval_decide(request=request, actor=lead2, approve=False, note="Not renewed yet")
    ticket.refresh_from_db()
    assert "reapply_sla" not in [h.history_change_reason for h in ticket.history.all()]
    assert "rejected by lead2, requested by lead1" in ticket.history.latest().history_change_reason
    with pytest.raises(TransitionRefused, match="already rejected"):
        approval_decide(request=request, actor=lead2, approve=True)
    request.refresh_from_db()
    assert request.state == ApprovalState.REJECTED and request.decision_note == "Not renewed yet"


def test_four_eyes_a_second_request_of_the_same_kind_waits_for_the_first(make_ticket, lead):
    ticket = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=ticket, actor=lead)
    with pytest.raises(InvalidInput, match="already has a request waiting"):
        services.ticket_reapply_sla(ticket=ticket, actor=lead)
    assert ApprovalRequest.objects.filter(ticket=ticket).count() == 1


def test_four_eyes_closing_an_escalated_unconfirmed_ticket_waits_for_approval(
    escalated_unconfirmed, senior, lead
):
    ticket = escalated_unconfirmed
    held = services.ticket_close(
        ticket=ticket, actor=senior, resolved_by_specialist=True, first_level_possible=False
    )
    assert isinstance(held, Held) and held.record.kind == ApprovalKind.CLOSE_UNCONFIRMED
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RESOLVED  # pending: not closed
    approval_decide(request=_pending(ticket), actor=lead, approve=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert (ticket.resolved_by_specialist, ticket.first_level_possible) == (True, False)
    assert (
        "approved by lead1, requested by senior1" in ticket.history.latest().history_change_reason
    )


def test_four_eyes_a_confirmed_escalated_ticket_closes_at_once(make_ticket, agent):
    ticket = make_ticket(state="closed")  # L1, confirmed: nothing to approve
    assert ticket.state == TicketState.CLOSED
    assert not ApprovalRequest.objects.exists()


def test_four_eyes_pausing_clocks_outside_the_policys_reasons_needs_approval(
    make_ticket, agent, lead
):
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput, match="reason"):
        ticket_pause_clocks(ticket=ticket, actor=agent, reason=" ")
    ticket_pause_clocks(ticket=ticket, actor=agent, reason="Customer on holiday")
    assert not ClockPause.objects.exists()
    approval_decide(request=_pending(ticket), actor=lead, approve=True)
    ticket.refresh_from_db()
    assert ticket.sla_paused
    assert set(ClockPause.objects.values_list("reason", flat=True)) == {ClockPause.Reason.OTHER}
    ticket_resume_clocks(ticket=ticket, actor=agent, reason="Back")
    ticket.refresh_from_db()
    assert not ticket.sla_paused
    assert not Clock.objects.filter(paused_since__isnull=False).exists()


def test_an_agent_may_not_ask_to_pause_someone_elses_ticket(make_ticket, agent2):
    ticket = make_ticket(state="open")
    with pytest.raises(PermissionRefused):
        ticket_pause_clocks(ticket=ticket, actor=agent2, reason="x")
    assert not ApprovalRequest.objects.exists()


def test_leads_switch_a_rule_off_and_the_action_takes_effect_at_once(make_ticket, lead, agent):
    rule = ApprovalRule.objects.get(kind=ApprovalKind.PRIORITY_DOWNGRADE)
    with pytest.raises(PermissionRefused):
        approval_rule_set(rule=rule, actor=agent, enabled=False)
    approval_rule_set(rule=rule, actor=lead, enabled=False)
    assert rule.history.latest().history_user == lead
    ticket = make_ticket(state="open", priority="high")
    services.ticket_update(ticket=ticket, actor=lead, changes={"priority": "low"})
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"
    assert not ApprovalRequest.objects.exists()


def test_the_requester_may_withdraw_a_pending_request_and_nobody_else(make_ticket, lead, lead2):
    ticket = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=ticket, actor=lead)
    with pytest.raises(PermissionRefused):
        approval_withdraw(request=_pending(ticket), actor=lead2)
    withdrawn = approval_withdraw(request=_pending(ticket), actor=lead)
    assert withdrawn.state == ApprovalState.WITHDRAWN
    with pytest.raises(TransitionRefused):
        approval_decide(request=withdrawn, actor=lead2, approve=True)


def test_an_approval_the_ticket_outgrew_is_refused_and_stays_pending(make_ticket, lead, lead2):
    ticket = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=ticket, actor=lead)
    services.ticket_cancel(ticket=ticket, actor=lead, reason="Duplicate")
    with pytest.raises(ApplicationError, match="cancelled"):
        approval_decide(request=_pending(ticket), actor=lead2, approve=True)
    assert _pending(ticket).decided_by is None


def test_a_note_with_a_nul_byte_is_refused(make_ticket, lead, lead2):
    ticket = make_ticket(state="open")
    services.ticket_reapply_sla(ticket=ticket, actor=lead)
    with pytest.raises(InvalidInput, match="plain text"):
        approval_decide(request=_pending(ticket), actor=lead2, approve=False, note="x\x00")
    assert _pending(ticket).decided_by is None


def test_four_eyes_an_sla_policy_edited_after_the_request_is_not_what_gets_approved(
    make_ticket, lead, lead2
):
    """The second person approves re-applying the version the request names; a looser
    version saved meanwhile is refused and the ticket keeps its targets."""
    from core.choices import Priority
    from sla import services as sla
    from sla.models import ClockKind, SlaPolicy

    ticket = make_ticket(state="open", priority=Priority.HIGH)
    policy = SlaPolicy.objects.get(priority=Priority.HIGH)
    before = Clock.objects.get(subject_id=ticket.pk, kind=ClockKind.RESOLUTION).target
    services.ticket_reapply_sla(ticket=ticket, actor=lead, reason="new contract")
    request = _pending(ticket)
    assert request.change == {"policy_version": policy.version}
    policy.resolution = before * 10
    sla.sla_policy_save(policy=policy, actor=lead, changed=["resolution"])
    with pytest.raises(TransitionRefused, match="The SLA policy changed"):
        approval_decide(request=request, actor=lead2, approve=True)
    assert _pending(ticket).pk == request.pk  # still there to be rejected
    assert Clock.objects.get(subject_id=ticket.pk, kind=ClockKind.RESOLUTION).target == before

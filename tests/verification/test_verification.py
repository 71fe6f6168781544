"""003 Identity Verification Requirements, enforced through services."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services as tickets
from escalation.models import Customer, TicketState
from outbox.models import OutboxMessage
from sla import services as sla
from tests.factories import full_handoff
from tests.verification.conftest import action
from verification import services
from verification.models import VerificationState


def test_003_low_risk_needs_one_factor(start, factor):
    request = factor(start("password-reset"), "email_control", method="code_sent")
    assert request.state == VerificationState.VERIFIED


def test_003_medium_risk_needs_two_of_the_listed_factors(start, factor):
    request = start("2fa-removal")
    request = factor(request, "payment_last4")
    assert request.state == VerificationState.COLLECTING
    request = factor(request, "workspace_names")
    assert request.state == VerificationState.VERIFIED


def test_003_a_factor_that_does_not_count_for_the_level_is_refused(start, factor):
    with pytest.raises(
        InvalidInput,
        match="Photo ID matching the account name does not count "
        "for medium-risk requests: verify 2 of:",
    ):
        factor(start("email-change"), "photo_id", method="id_on_video")


def test_the_same_factor_cannot_count_twice(start, factor):
    request = factor(start("plan-change"), "creation_date")
    with pytest.raises(InvalidInput, match="already matched"):
        factor(request, "creation_date")


def test_003_high_risk_needs_all_three_factors_then_a_leads_approval(start, factor, lead):
    request = start("data-deletion")
    factor(request, "email_control", method="code_sent")
    factor(request, "payment_last4")
    request = factor(request, "photo_id", method="id_on_video")
    assert request.state == VerificationState.AWAITING_APPROVAL
    alert = OutboxMessage.objects.get(event_key=f"verification:{request.pk}:approval")
    assert alert.recipient == "verification@example.com"
    request = services.verification_approve(request=request, actor=lead, reason="Checked")
    assert request.state == VerificationState.APPROVED and request.decided_by == lead


def test_four_eyes_the_requester_never_approves_even_as_a_lead(start, factor, lead):
    request = start("account-transfer", actor=lead)
    for kind in ("email_control", "payment_last4", "photo_id"):
        request = factor(request, kind, actor=lead)
    with pytest.raises(PermissionRefused, match="Four eyes"):
        services.verification_approve(request=request, actor=lead)
    assert request.state == VerificationState.AWAITING_APPROVAL


def test_agents_cannot_approve(start, factor, agent2):
    request = start("legal-hold")
    for kind in ("email_control", "payment_last4", "photo_id"):
        request = factor(request, kind)
    with pytest.raises(PermissionRefused, match="Only leads"):
        services.verification_approve(request=request, actor=agent2)


def test_rejection_needs_a_reason_and_cannot_be_used(start, factor, lead, customer):
    request = start("data-deletion")
    for kind in ("email_control", "payment_last4", "photo_id"):
        request = factor(request, kind)
    with pytest.raises(InvalidInput, match="Say why"):
        services.verification_reject(request=request, actor=lead, reason=" ")
    request = services.verification_reject(request=request, actor=lead, reason="ID mismatch")
    assert request.state == VerificationState.REJECTED
    with pytest.raises(InvalidInput, match="cannot be recorded as done"):
        services.sensitive_action_record(
            subject=customer, action=action("data-deletion"), actor=lead
        )


def test_too_many_failed_factors_lock_the_request_and_alert_security(start, factor):
    request = start("2fa-removal")
    factor(request, "payment_last4", matched=False)
    factor(request, "creation_date", matched=False)
    request = factor(request, "workspace_names", matched=False)
    assert request.state == VerificationState.LOCKED
    alert = OutboxMessage.objects.get(event_key=f"verification:{request.pk}:locked")
    assert alert.recipient == "security@example.com"
    assert "Possible account takeover" in alert.subject
    with pytest.raises(TransitionRefused, match="locked"):
        factor(request, "email_control")


def test_a_request_expires_after_24_hours_and_cannot_be_used(start, factor, customer, agent):
    with time_machine.travel("2026-11-23 10:00 -05:00", tick=False):
        request = factor(factor(start("2fa-removal"), "payment_last4"), "creation_date")
        assert services.valid_verification(customer, "medium") == request
    with time_machine.travel("2026-11-24 09:59 -05:00", tick=False):
        assert services.valid_verification(customer, "medium") == request
    with time_machine.travel("2026-11-24 10:00 -05:00", tick=False):
        assert services.valid_verification(customer, "medium") is None  # even before the sweep
        with pytest.raises(InvalidInput):
            services.sensitive_action_record(
                subject=customer, action=action("2fa-removal"), actor=agent
            )
        assert sla.sweep() == 1
    request.refresh_from_db()
    assert request.state == VerificationState.EXPIRED


def test_recording_a_factor_on_an_expired_request_expires_it(start, factor):
    with time_machine.travel("2026-11-23 10:00 -05:00", tick=False):
        request = start("2fa-removal")
    with time_machine.travel("2026-11-25 10:00 -05:00", tick=False):
        request = factor(request, "payment_last4")
    assert request.state == VerificationState.EXPIRED


def test_sensitive_action_needs_a_verification_of_its_level(start, factor, customer, agent):
    request = factor(start("password-reset"), "email_control", method="code_sent")
    with pytest.raises(InvalidInput, match="needs a medium-risk verification"):
        services.sensitive_action_record(
            subject=customer, action=action("email-change"), actor=agent
        )
    record = services.sensitive_action_record(
        subject=customer, action=action("password-reset"), actor=agent
    )
    assert record.request == request


def test_verification_is_documented_on_the_customer_record(start, factor, customer, agent):
    factor(factor(start("2fa-removal"), "payment_last4"), "creation_date")
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.identity_verified_level == "medium"
    latest = customer.history.latest()
    assert latest.history_user == agent
    assert latest.history_change_reason.startswith("identity verified: medium risk")


def test_account_access_tickets_cannot_be_escalated_before_verification(
    make_ticket, agent, start, factor
):
    ticket = make_ticket(code="locked-out-2fa", state="open")
    with pytest.raises(
        InvalidInput,
        match="Verify the customer's identity first: this needs a medium-risk verification",
    ):
        tickets.ticket_escalate(
            handoff=full_handoff(ticket),
            ticket=ticket,
            actor=agent,
            to_tier=2,
            reason="Needs access",
        )
    assert ticket.__class__.objects.get(pk=ticket.pk).state == TicketState.OPEN
    factor(factor(start("2fa-removal"), "payment_last4"), "creation_date")
    ticket = tickets.ticket_escalate(
        handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=2, reason="Needs access"
    )
    assert ticket.state == TicketState.ESCALATED


def test_a_lower_level_verification_does_not_unlock_a_higher_need(
    make_ticket, agent, start, factor
):
    factor(start("password-reset"), "email_control", method="code_sent")  # low
    ticket = make_ticket(code="gdpr-erasure", state="open")  # needs high
    with pytest.raises(InvalidInput, match="high-risk verification"):
        tickets.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=2, reason="x"
        )


def test_only_agents_with_the_permission_start_requests(customer, db):
    from tests.factories import UserFactory

    with pytest.raises(PermissionRefused):
        services.verification_start(
            subject=customer, action=action("2fa-removal"), actor=UserFactory(username="nobody")
        )


def test_expiry_is_24_hours_by_default(start):
    request = start()
    assert request.expires_at - request.created_at == pytest.approx(
        timedelta(hours=24), abs=timedelta(seconds=1)
    )
    assert request.expires_at > timezone.now()


def test_only_support_roles_record_a_sensitive_action(start, factor, customer, db):
    from tests.factories import UserFactory

    factor(start("password-reset"), "email_control", method="code_sent")
    with pytest.raises(PermissionRefused):
        services.sensitive_action_record(
            subject=customer,
            action=action("password-reset"),
            actor=UserFactory(username="outsider2"),
        )

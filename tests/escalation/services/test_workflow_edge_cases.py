"""Edge cases of the workflow found in review, each pinned by a test."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput, PermissionRefused
from escalation import services
from escalation.models import Escalation, MajorIncident, TicketState
from outbox.models import OutboxMessage
from sla.models import Clock
from tests.factories import CustomerFactory, UserFactory, full_handoff


def escalate(ticket, actor, to_tier=2):
    return services.ticket_escalate(
        ticket=ticket, actor=actor, to_tier=to_tier, reason="x", handoff=full_handoff(ticket)
    )


def test_the_requester_cannot_accept_or_return_their_own_escalation(make_ticket, senior):
    ticket = make_ticket(owner=senior, state="open")  # a senior working an L1 ticket
    escalate(ticket, senior, to_tier=2)
    lead = UserFactory(username="lead9", role="Lead")
    with pytest.raises(PermissionRefused, match="You asked for this escalation"):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with pytest.raises(PermissionRefused, match="You asked for this escalation"):
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason="mine")
    services.ticket_accept_escalation(ticket=ticket, actor=lead)


def test_a_returned_escalation_restarts_time_at_tier_and_stops_acknowledgement(
    make_ticket, agent, senior
):
    ticket = make_ticket(state="open")
    escalate(ticket, agent)
    services.ticket_return_escalation(ticket=ticket, actor=senior, reason="Use KB 12")
    assert Clock.objects.get(subject_id=ticket.pk, kind="acknowledgement").stopped_at
    assert Clock.objects.filter(
        subject_id=ticket.pk, kind="tier", stopped_at__isnull=True, cycle=2
    ).exists()


def test_a_reply_after_resolution_tells_the_owner_and_triggers_no_rule(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    services.communication_log(
        ticket=ticket,
        actor=agent,
        direction="inbound",
        channel="email",
        body="Get me a manager",
        asked_for_manager=True,
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RESOLVED and ticket.priority == "high"
    assert not Escalation.objects.exists()
    assert OutboxMessage.objects.get(event_key__contains="reply-after-resolution").recipient == (
        "agent1@example.com"
    )


def test_a_rule_raising_priority_retargets_the_sla_and_writes_history(make_ticket, agent):
    ticket = make_ticket(code="feature-request", state="open")  # medium
    services.communication_log(
        ticket=ticket,
        actor=agent,
        direction="inbound",
        channel="email",
        body="Manager now",
        asked_for_manager=True,
    )
    row = ticket.history.filter(history_change_reason__startswith="auto: priority high").get()
    assert row.history_user.username == "system" and row.priority == "high"
    resolution = Clock.objects.get(subject_id=ticket.pk, kind="resolution")
    assert resolution.target.total_seconds() == 24 * 3600  # high, no longer medium's 72 h


def test_one_ticket_climbing_tiers_is_not_a_repeat_escalation(make_ticket, agent, senior, engineer):
    ticket = make_ticket(state="open")
    escalate(ticket, agent)
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    escalate(ticket, senior, to_tier=3)
    services.ticket_accept_escalation(ticket=ticket, actor=engineer)
    escalate(ticket, engineer, to_tier=4)
    assert not OutboxMessage.objects.filter(event_key__contains=":repeat:").exists()


def test_a_cluster_of_reports_alerts_once_while_it_lasts(make_ticket, lead):
    for _ in range(6):
        make_ticket(code="critical-feature-down", customer=CustomerFactory())
    alerts = OutboxMessage.objects.filter(
        event_key__startswith="incident-watch", recipient="lead1@example.com"
    )
    assert alerts.count() == 1


def test_a_department_answer_names_the_person_who_recorded_it(make_ticket, agent, lead):
    ticket = make_ticket(state="open")
    request = services.department_request_open(
        ticket=ticket, actor=agent, needed="a", customer_impact="b", findings="c"
    )
    services.department_request_answer(request=request, actor=lead, answer="done")
    ticket.refresh_from_db()
    row = ticket.history.latest()
    assert (ticket.state, row.history_user) == (TicketState.OPEN, lead)


def test_verification_details_come_from_the_verification_never_from_typing(make_ticket, agent):
    from verification import services as verify
    from verification.models import SensitiveAction

    ticket = make_ticket(code="locked-out-2fa", state="open")
    request = verify.verification_start(
        subject=ticket.customer, actor=agent, action=SensitiveAction.objects.get(code="2fa-removal")
    )
    for kind in ("payment_last4", "creation_date"):
        verify.verification_record_factor(
            request=request, actor=agent, kind=kind, matched=True, method="asked_and_compared"
        )
    handoff = full_handoff(ticket)
    handoff["required_info"]["verification_details"] = "card ends 4242"
    escalate_with = dict(ticket=ticket, actor=agent, to_tier=2, reason="x", handoff=handoff)
    services.ticket_escalate(**escalate_with)
    details = Escalation.objects.get().required_info["verification_details"]
    assert "4242" not in details and details.startswith(f"verification #{request.pk}")


def test_closed_tickets_are_not_linked_and_their_customer_still_hears(lead, make_ticket):
    incident = services.incident_declare(
        actor=lead, title="Down", affected_service="Sync", holding_message="Hi {customer_name}"
    )
    customer = CustomerFactory()
    closed = make_ticket(customer=customer, state="resolved")
    services.ticket_close(ticket=closed, actor=closed.owner)
    active = make_ticket(customer=customer)
    assert (
        services.incident_link_tickets(incident=incident, actor=lead, tickets=[closed, active]) == 1
    )
    assert (
        OutboxMessage.objects.filter(
            event_key__contains=":holding:", recipient=customer.email
        ).count()
        == 1
    )
    with pytest.raises(InvalidInput, match="not \\{owner_name\\}"):
        services.incident_advance(
            incident=incident, actor=lead, step="resolve", message="Fixed, {owner_name}"
        )


def test_declaring_with_a_bad_placeholder_shows_the_form_error(client_as, lead):
    response = client_as(lead).post(
        reverse("admin:escalation_majorincident_add"),
        {"title": "Down", "affected_service": "Sync", "holding_message": "ETA {timeframe}"},
    )
    assert response.status_code == 200
    assert "Only {customer_name} and {ticket_reference}" in response.content.decode()
    assert not MajorIncident.objects.exists()


def test_a_hand_made_incident_choice_is_not_a_500(client_as, lead, make_ticket):
    ticket = make_ticket()
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_changelist"),
        {"action": "link_to_incident", "_selected_action": [ticket.pk], "incident": "abc"},
    )
    assert response.status_code == 200  # back to the picker


def test_the_approval_queue_does_a_fixed_number_of_queries(
    client_as, lead, agent, django_assert_max_num_queries
):
    from verification import services as verify
    from verification.models import SensitiveAction

    def awaiting():
        request = verify.verification_start(
            subject=CustomerFactory(),
            actor=agent,
            action=SensitiveAction.objects.get(code="data-deletion"),
        )
        for kind, method in [
            ("email_control", "code_sent"),
            ("payment_last4", "logged_in"),
            ("photo_id", "id_on_video"),
        ]:
            verify.verification_record_factor(
                request=request, actor=agent, kind=kind, matched=True, method=method
            )

    url = reverse("admin:verification_approvalqueue_changelist")
    client = client_as(lead)
    awaiting()
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(8):
        awaiting()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200

"""Edge cases of ticket clocks: re-targeting, reopening, pausing the tier, bad calendars."""

from datetime import time, timedelta

from django.urls import reverse

from core.choices import Priority, Tier
from escalation import services
from escalation.models import ApprovalKind, ApprovalRule, TicketState
from outbox.models import OutboxMessage
from sla import services as sla
from sla.models import BusinessCalendar, Clock, ClockKind, OpeningSpan, SlaPolicy, Timer
from tests.escalation.sla.conftest import ny
from tests.factories import full_handoff

H = timedelta(hours=1)


def running(ticket, kind):
    return list(Clock.objects.filter(subject_id=ticket.pk, kind=kind, stopped_at__isnull=True))


def test_creation_has_one_created_history_row_with_its_deadlines(make_ticket, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="fraud")
    (row,) = ticket.history.all()
    assert (row.history_type, row.history_change_reason) == ("+", "create")
    assert row.sla_due_at == ny(2026, 11, 2, 9, 30)


def test_raising_the_priority_tightens_the_time_allowed_at_the_tier(make_ticket, agent, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.LOW, state="open")
        assert running(ticket, ClockKind.TIER)[0].target == timedelta(days=1)
        services.ticket_update(ticket=ticket, actor=agent, changes={"priority": "critical"})
    (tier,) = running(ticket, ClockKind.TIER)
    assert (tier.target, tier.due_at) == (timedelta(minutes=15), ny(2026, 11, 2, 9, 15))


def test_waiting_on_the_customer_pauses_the_time_at_tier(make_ticket, agent, at, sweep_at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="logs")
    sweep_at(ny(2026, 11, 2, 15))  # past the 2 h L1 limit, but paused
    ticket.refresh_from_db()
    assert ticket.tier == Tier.L1
    with at(ny(2026, 11, 2, 16)):
        services.ticket_resume(ticket=ticket, actor=agent)
    (tier,) = running(ticket, ClockKind.TIER)
    assert tier.due_at == ny(2026, 11, 2, 18)  # 2 h counted from the resume


def test_reopening_stops_the_rca_clock_so_a_second_resolve_has_one(make_ticket, agent, senior, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=2, reason="DB"
        )
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
        services.ticket_resolve(ticket=ticket, actor=senior, summary="a", customer_confirmed=True)
        services.ticket_reopen(ticket=ticket, actor=senior, reason="not fixed")
        assert running(ticket, ClockKind.RCA) == []
        services.ticket_resolve(ticket=ticket, actor=senior, summary="b", customer_confirmed=True)
    assert len(running(ticket, ClockKind.RCA)) == 1
    assert (
        Timer.objects.filter(subject_id=ticket.pk, kind="rca.breach", fired_at__isnull=True).count()
        == 1
    )


def test_a_dropped_warning_stage_is_disarmed_when_a_policy_is_reapplied(make_ticket, lead, at):
    policy = SlaPolicy.objects.get(priority=Priority.CRITICAL)
    policy.warning_thresholds = [50, 90]
    sla.sla_policy_save(policy=policy, actor=lead, changed=["warning_thresholds"])
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="fraud")
    policy.warning_thresholds = [75]
    sla.sla_policy_save(policy=policy, actor=lead, changed=["warning_thresholds"])
    ApprovalRule.objects.filter(kind=ApprovalKind.SLA_REAPPLY).update(enabled=False)  # no 4 eyes
    with at(ny(2026, 11, 2, 9, 1)):
        services.ticket_reapply_sla(ticket=ticket, actor=lead)
    stages = Timer.objects.filter(
        subject_id=ticket.pk, kind="first_response.warning", fired_at__isnull=True
    ).values_list("payload", flat=True)
    assert list(stages) == [{"percent": 75}]


def test_a_manual_escalation_tells_the_receiving_tier_at_once(make_ticket, agent, senior):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        handoff=full_handoff(ticket),
        ticket=ticket,
        actor=agent,
        to_tier=2,
        reason="Needs DB access",
    )
    message = OutboxMessage.objects.get(event_key__contains=":requested")
    assert message.recipient == "senior1@example.com"
    assert "Needs DB access" in message.body


def test_delivery_history_names_the_system_actor(db):
    from outbox.services import outbox_deliver, outbox_enqueue

    message = outbox_enqueue(event_key="e", recipient="a@example.com", subject="s", body="b")
    outbox_deliver(message_id=message.pk)
    assert message.history.latest().history_user.username == "system"


def test_a_misconfigured_calendar_gives_a_message_not_a_500(client_as, make_ticket, agent, at):
    ticket = make_ticket()
    us = BusinessCalendar.objects.get(name="US business hours")
    OpeningSpan.objects.create(calendar=us, weekday=0, opens=time(17), closes=time(20))
    url = reverse("desk:ticket_action", args=[ticket.pk, "open"])
    client = client_as(agent)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "US business hours&#x27; is misconfigured" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW  # nothing half-done
    with at(ny(2026, 11, 24, 10)):  # a Tuesday morning: open, were the hours not broken
        page = client.get(reverse("contacts:directory"), {"q": "billing"}).content.decode()
    assert "billing@example.com" in page  # the directory still answers
    assert "Closed" in page and "Open now" not in page  # until the hours are fixed


def test_overlapping_or_missing_hours_are_refused_in_the_admin(client_as, lead):
    us = BusinessCalendar.objects.get(name="US business hours")
    url = reverse("admin:sla_businesscalendar_change", args=[us.pk])
    spans = list(us.spans.all())
    holidays = list(us.holidays.all())
    data = {
        "name": us.name,
        "time_zone": us.time_zone,
        "holiday_country": "US",
        "spans-TOTAL_FORMS": len(spans) + 1,
        "spans-INITIAL_FORMS": len(spans),
        "holidays-TOTAL_FORMS": len(holidays),
        "holidays-INITIAL_FORMS": len(holidays),
    }
    for i, span in enumerate(spans):
        data.update(
            {
                f"spans-{i}-id": span.pk,
                f"spans-{i}-calendar": us.pk,
                f"spans-{i}-weekday": span.weekday,
                f"spans-{i}-opens": "09:00",
                f"spans-{i}-closes": "18:00",
            }
        )
    for i, h in enumerate(holidays):
        data.update(
            {
                f"holidays-{i}-id": h.pk,
                f"holidays-{i}-calendar": us.pk,
                f"holidays-{i}-date": h.date.isoformat(),
                f"holidays-{i}-name": h.name,
            }
        )
    n = len(spans)
    data.update(
        {f"spans-{n}-weekday": 1, f"spans-{n}-opens": "17:00", f"spans-{n}-closes": "20:00"}
    )
    client = client_as(lead)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Opening hours on Tuesday overlap" in response.content.decode()
    for i in range(len(spans)):
        data[f"spans-{i}-DELETE"] = "on"
    data[f"spans-{n}-weekday"] = ""
    data.update({f"spans-{n}-opens": "", f"spans-{n}-closes": ""})
    response = client.post(url, data)
    assert "a calendar that never opens" in response.content.decode()
    assert us.spans.count() == len(spans)


def test_sla_policies_and_matrix_cells_cannot_be_deleted(client_as, lead):
    from sla.models import EscalationMatrixRow

    client = client_as(lead)
    policy = SlaPolicy.objects.first()
    cell = EscalationMatrixRow.objects.first()
    assert (
        client.post(
            reverse("admin:sla_slapolicy_delete", args=[policy.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:sla_escalationmatrixrow_delete", args=[cell.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()
    assert EscalationMatrixRow.objects.filter(pk=cell.pk).exists()

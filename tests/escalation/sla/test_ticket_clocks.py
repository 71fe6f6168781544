"""SLA clocks on tickets (003 Response SLA Commitments, 001 matrix and automatic escalation)."""

from datetime import timedelta

import pytest
from django.core import mail

from core.choices import Priority, Tier
from escalation import services
from escalation.models import ApprovalKind, ApprovalRule, Plan, SlaStatus, Ticket, TicketState
from escalation.selectors import ticket_list_queryset
from outbox.models import OutboxMessage
from sla import services as sla
from sla.models import BreachEvent, Clock, ClockKind, SlaPolicy, Timer
from sla.registry import register
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff

H = timedelta(hours=1)


def clock(ticket, kind, cycle=1):
    return Clock.objects.get(subject_id=ticket.pk, kind=kind, cycle=cycle)


def outbox(ticket, fragment=""):
    """(event suffix, recipient) of every message about this ticket, in order."""
    prefix = f"ticket:{ticket.pk}:"
    rows = OutboxMessage.objects.filter(event_key__startswith=prefix).order_by("pk")
    return [(m.event_key.rsplit(":", 2)[-2:], m.recipient) for m in rows if fragment in m.event_key]


def subjects(ticket):
    return [
        m.subject
        for m in OutboxMessage.objects.filter(
            event_key__startswith=f"ticket:{ticket.pk}:"
        ).order_by("pk")
    ]


@pytest.fixture
def high_ticket(make_ticket, at):
    """A high-priority product question (24 h category target, so the 4 h policy applies)."""

    def make(customer, start):
        with at(start):
            return make_ticket(code="feature-request", priority=Priority.HIGH, customer=customer)

    return make


def test_003_high_priority_standard_customer_runs_on_business_hours_across_a_weekend_and_dst(
    high_ticket, lead, sweep_at
):
    # Friday 16:00 EDT; clocks go back on Sunday 1 November; Monday is EST.
    ticket = high_ticket(CustomerFactory(plan=Plan.PRO), ny(2026, 10, 30, 16))
    assert clock(ticket, ClockKind.FIRST_RESPONSE).due_at == ny(2026, 11, 2, 11)  # 2 h + 2 h
    assert clock(ticket, ClockKind.RESOLUTION).due_at == ny(2026, 11, 4, 13)  # 2+9+9+4 h
    assert clock(ticket, ClockKind.TIER).due_at == ny(2026, 10, 30, 18)  # L1 high: 2 h

    assert sweep_at(ny(2026, 10, 30, 17, 59)) == 0
    assert sweep_at(ny(2026, 10, 30, 18)) == 1  # time at L1 exceeded; still new: leads told
    assert sweep_at(ny(2026, 11, 2, 9, 59)) == 0  # nothing over the weekend
    assert sweep_at(ny(2026, 11, 2, 10)) == 1  # 75 % of the first-response target
    assert sweep_at(ny(2026, 11, 2, 11)) == 1  # first response breached
    assert sweep_at(ny(2026, 11, 2, 11)) == 0  # the same sweep again fires nothing new

    assert subjects(ticket) == [
        f"[High] {ticket.reference}: time at L1 frontline exceeded (2 h 00 min allowed)",
        f"[High] {ticket.reference}: time at L1 frontline exceeded (2 h 00 min allowed)",
        f"[High] {ticket.reference}: First response target 75% used, due in 1 h 00 min",
        f"[High] {ticket.reference}: First response SLA breached",
        f"[High] {ticket.reference}: First response SLA breached",
    ]
    assert [r for _, r in outbox(ticket)] == [
        "agent1@example.com",
        "lead1@example.com",  # tier limit: owner and leads
        "agent1@example.com",  # warning: owner only (not critical)
        "agent1@example.com",
        "lead1@example.com",  # breach: owner and leads, no CSM (pro)
    ]
    assert BreachEvent.objects.filter(subject_id=ticket.pk, kind="first_response").count() == 1
    assert Ticket.objects.filter(pk=ticket.pk).values_list("sla_due_at", flat=True).get() == (
        ny(2026, 11, 2, 11)
    )


def test_003_enterprise_targets_are_halved_and_run_around_the_clock_across_dst(
    high_ticket, lead, sweep_at, django_capture_on_commit_callbacks
):
    csm = lead
    customer = CustomerFactory(plan=Plan.ENTERPRISE, success_manager=csm)
    ticket = high_ticket(customer, ny(2026, 10, 31, 20))  # Saturday 20:00 EDT
    assert clock(ticket, ClockKind.FIRST_RESPONSE).due_at == ny(2026, 10, 31, 22)  # 2 h
    # 12 h of real time across the repeated hour: 20:00 EDT + 12 h = 07:00 EST.
    assert clock(ticket, ClockKind.RESOLUTION).due_at == ny(2026, 11, 1, 7)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_open(ticket=ticket, actor=ticket.owner)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(ny(2026, 11, 1, 4))  # 75 % of 12 h = 9 h: 05:00 UTC... 01:00 EDT
        sweep_at(ny(2026, 11, 1, 7))
        sweep_at(ny(2026, 11, 1, 7))
    breach = [m for m in mail.outbox if "Resolution SLA breached" in m.subject]
    assert sorted(m.to[0] for m in breach) == ["agent1@example.com", "lead1@example.com"]
    warning = [m for m in mail.outbox if "Resolution target 75% used" in m.subject]
    assert [m.to[0] for m in warning] == ["agent1@example.com"]


def test_003_enterprise_breach_copies_the_customer_success_manager(make_ticket, sweep_at, at):
    from tests.factories import UserFactory

    csm = UserFactory(username="csm1")
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(
            code="fraud", customer=CustomerFactory(plan=Plan.ENTERPRISE, success_manager=csm)
        )
    sweep_at(ny(2026, 11, 2, 9, 15))  # critical enterprise: 30 min halved = 15 min
    assert "csm1@example.com" in [r for _, r in outbox(ticket, "first_response:1:breach")]


def test_category_target_applies_where_stricter_than_the_priority(make_ticket, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="locked-out-2fa")  # high (4 h) but account access is 2 h
    assert clock(ticket, ClockKind.FIRST_RESPONSE).target == 2 * H
    assert clock(ticket, ClockKind.FIRST_RESPONSE).due_at == ny(2026, 11, 2, 11)
    assert clock(ticket, ClockKind.RESOLUTION).target == 24 * H


def test_waiting_on_customer_pauses_and_extends_the_deadline_by_the_paused_business_time(
    make_ticket, agent, at
):
    with at(ny(2026, 11, 2, 10)):  # Monday
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
    before = clock(ticket, ClockKind.RESOLUTION).due_at
    assert before == ny(2026, 11, 4, 16)  # 24 business hours: Mon 8 + Tue 9 + Wed 7
    with at(ny(2026, 11, 2, 12)):
        ticket = services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Logs?")
    assert ticket.sla_paused and list(
        ticket_list_queryset().filter(pk=ticket.pk).values_list("sla_status", flat=True)
    ) == [SlaStatus.PAUSED]
    assert not Timer.objects.filter(
        clock=clock(ticket, ClockKind.RESOLUTION), fired_at__isnull=True
    ).exists()
    with at(ny(2026, 11, 3, 12)):  # Mon 12-18 + Tue 9-12 = 9 business hours paused
        ticket = services.ticket_resume(ticket=ticket, actor=agent, reason="Customer replied")
    resolution = clock(ticket, ClockKind.RESOLUTION)
    assert resolution.paused_business == 9 * H and resolution.paused_calendar == 24 * H
    assert resolution.due_at == ny(2026, 11, 5, 16)  # Wed 16:00 + 9 business hours
    pause = resolution.pauses.get()
    assert pause.reason == "waiting_on_customer" and pause.ended_at == ny(2026, 11, 3, 12)
    with at(ny(2026, 11, 4, 9)):
        ticket = services.ticket_resolve(
            ticket=ticket, actor=agent, summary="Fixed", customer_confirmed=True
        )
    resolution.refresh_from_db()
    assert resolution.met is True
    # Business time counted: Mon 10-12 (2 h) + Tue 12-18 (6 h) + Wed 9-9 (0) = 8 h.
    assert resolution.business_taken == 8 * H
    assert resolution.calendar_taken == timedelta(hours=47) - 24 * H  # 47 h minus 24 h paused


def test_editing_a_policy_never_rewrites_a_running_ticket_until_a_lead_reapplies(
    make_ticket, lead, at
):
    # Re-applying without a second person's approval: leads switched the four-eyes rule off.
    ApprovalRule.objects.filter(kind=ApprovalKind.SLA_REAPPLY).update(enabled=False)
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH)
    policy = SlaPolicy.objects.get(priority=Priority.HIGH)
    policy.first_response = 1 * H
    sla.sla_policy_save(policy=policy, actor=lead, changed=["first_response"])
    assert policy.version == 2
    assert clock(ticket, ClockKind.FIRST_RESPONSE).target == 4 * H  # unchanged
    with at(ny(2026, 11, 2, 9, 30)):
        ticket = services.ticket_reapply_sla(ticket=ticket, actor=lead, reason="new contract")
    first = clock(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.target, first.policy_version, first.due_at) == (1 * H, 2, ny(2026, 11, 2, 10))
    latest = ticket.history.latest()
    assert latest.history_user == lead
    assert latest.history_change_reason == "reapply_sla: policy v2: new contract"
    assert latest.sla_due_at == ny(2026, 11, 2, 10)


def test_agents_cannot_reapply_policies(make_ticket, agent):
    from core.errors import PermissionRefused

    ticket = make_ticket()
    with pytest.raises(PermissionRefused, match="Only leads"):
        services.ticket_reapply_sla(ticket=ticket, actor=agent)
    assert ticket.history.count() == 1  # the creation only: nothing re-targeted


def test_warning_stages_fire_exactly_at_each_threshold(make_ticket, lead, at, sweep_at):
    policy = SlaPolicy.objects.get(priority=Priority.CRITICAL)
    policy.warning_thresholds = [50, 75, 90]
    sla.sla_policy_save(policy=policy, actor=lead, changed=["warning_thresholds"])
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="fraud")  # critical: 30 min, 24/7
    first = clock(ticket, ClockKind.FIRST_RESPONSE)
    warnings = Timer.objects.filter(clock=first, kind="first_response.warning").order_by("due_at")
    assert [t.due_at for t in warnings] == [
        ny(2026, 11, 2, 9, 15),
        ny(2026, 11, 2, 9, 22, 30),
        ny(2026, 11, 2, 9, 27),
    ]
    assert sweep_at(ny(2026, 11, 2, 9, 14, 59)) == 0
    assert sweep_at(ny(2026, 11, 2, 9, 15)) == 2  # 50 % and L1 critical tier limit (15 min)
    critical = [r for _, r in outbox(ticket, "warn50")]
    assert critical == ["agent1@example.com", "lead1@example.com"]  # critical: leads too


def test_001_time_at_tier_exceeded_escalates_an_open_ticket_automatically(
    make_ticket, senior, at, sweep_at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
    sweep_at(ny(2026, 11, 2, 11))  # high at L1: 2 h
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.ESCALATED, Tier.L2)
    row = ticket.history.latest()
    assert row.history_user.username == "system"
    assert row.history_change_reason == (
        "escalate: to L2 senior: automatic: time at L1 frontline exceeded (2 h 00 min allowed)"
    )
    assert [r for _, r in outbox(ticket, "tier:1:breach")] == ["agent1@example.com"]  # owner
    assert [r for _, r in outbox(ticket, ":requested")] == ["senior1@example.com"]  # L2 told
    assert clock(ticket, ClockKind.ACKNOWLEDGEMENT).due_at == ny(2026, 11, 2, 11, 15)


def test_001_unacknowledged_escalation_reminds_the_tier_then_tells_the_leads(
    make_ticket, agent, senior, lead, at, sweep_at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L2, reason="DB"
        )
    sweep_at(ny(2026, 11, 2, 9, 15))
    assert [r for _, r in outbox(ticket, "acknowledgement:1:breach")] == ["senior1@example.com"]
    sweep_at(ny(2026, 11, 2, 9, 30))
    assert [r for _, r in outbox(ticket, "acknowledgement.lead")] == ["lead1@example.com"]
    sweep_at(ny(2026, 11, 2, 9, 45))
    assert len(outbox(ticket, "acknowledgement")) == 2  # nothing more


def test_accepting_in_time_stops_the_acknowledgement_clock(make_ticket, agent, senior, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L2, reason="DB"
        )
    with at(ny(2026, 11, 2, 9, 10)):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    ack = clock(ticket, ClockKind.ACKNOWLEDGEMENT)
    assert ack.met is True and ack.calendar_taken == timedelta(minutes=10)
    assert clock(ticket, ClockKind.TIER, cycle=2).due_at == ny(2026, 11, 2, 13, 10)  # L2: 4 h


def test_001_open_ticket_without_update_for_24_hours_is_escalated(make_ticket, sweep_at, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.LOW, state="open")
    sweep_at(ny(2026, 11, 3, 8, 59))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    sweep_at(ny(2026, 11, 3, 9))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert "open without update for 24 h 00 min" in ticket.history.latest().history_change_reason


def test_001_customer_update_cadence_breach_and_restart(make_ticket, agent, at, sweep_at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
    assert clock(ticket, ClockKind.NEXT_UPDATE).due_at == ny(2026, 11, 2, 13)  # every 4 h
    with at(ny(2026, 11, 2, 12)):
        services.communication_log(
            ticket=ticket, actor=agent, direction="outbound", channel="email", body="Still on it"
        )
    assert clock(ticket, ClockKind.NEXT_UPDATE).met is True
    assert clock(ticket, ClockKind.NEXT_UPDATE, cycle=2).due_at == ny(2026, 11, 2, 16)
    sweep_at(ny(2026, 11, 2, 16))
    assert [r for _, r in outbox(ticket, "next_update:2:breach")] == ["agent1@example.com"]


def test_001_resolving_an_escalated_ticket_starts_the_48_hour_rca_clock(
    make_ticket, agent, senior, lead, at, sweep_at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L2, reason="DB"
        )
        services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with at(ny(2026, 11, 6, 17)):  # Friday
        services.ticket_resolve(
            ticket=ticket, actor=senior, summary="Patched", customer_confirmed=True
        )
    assert clock(ticket, ClockKind.RCA).due_at == ny(2026, 11, 8, 17)  # 48 h, weekend counts
    sweep_at(ny(2026, 11, 8, 17))
    assert sorted(r for _, r in outbox(ticket, "rca:1:breach")) == [
        "lead1@example.com",
        "senior1@example.com",
    ]


def test_closing_stops_every_clock_and_timer(make_ticket, agent, at):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(state="resolved")
        services.ticket_close(ticket=ticket, actor=agent)
    assert not Timer.objects.filter(subject_id=ticket.pk, fired_at__isnull=True).exists()
    assert not Clock.objects.filter(subject_id=ticket.pk, stopped_at__isnull=True).exists()


def test_sla_status_in_the_list_and_its_filter(make_ticket, agent, at, client_as, lead):
    from django.urls import reverse

    with at(ny(2026, 11, 2, 9)):
        breached = make_ticket(code="fraud")  # critical: first response 30 min
        at_risk = make_ticket(code="feature-request", priority=Priority.HIGH)  # 4 h
        on_track = make_ticket(code="feature-request", priority=Priority.MEDIUM)
        paused = make_ticket(code="feature-request", priority=Priority.HIGH, state="open")
        services.ticket_wait_on_customer(ticket=paused, actor=agent, reason="logs")
        services.ticket_close(ticket=make_ticket(state="resolved"), actor=agent)
    with at(ny(2026, 11, 2, 12, 30)):
        statuses = dict(ticket_list_queryset().values_list("pk", "sla_status"))
        assert statuses[breached.pk] == SlaStatus.BREACHED
        assert statuses[at_risk.pk] == SlaStatus.AT_RISK  # 3.5 of 4 h used
        assert statuses[on_track.pk] == SlaStatus.ON_TRACK
        assert statuses[paused.pk] == SlaStatus.PAUSED
        client = client_as(lead)
        url = reverse("admin:escalation_ticket_changelist")
        for status, wanted in [
            ("breached", breached),
            ("at_risk", at_risk),
            ("on_track", on_track),
            ("paused", paused),
        ]:
            rows = list(client.get(url, {"sla": status}).context["cl"].result_list)
            assert rows == [wanted], status
        column = client.get(url).context["cl"].list_display.index("sla")
        response = client.get(url, {"o": str(column)})  # sort by SLA: most urgent first
        assert list(response.context["cl"].result_list)[:2] == [breached, at_risk]
        page = response.content.decode()
        assert "Breached</strong> 3 h ago" in page  # SLA status in words (issue 14)
        assert "At risk:</strong> 30 min left" in page


def test_sweep_cost_follows_due_timers_not_open_tickets(make_ticket, at, django_assert_num_queries):
    """Nothing due: one indexed SELECT (inside its savepoint), however many tickets are open."""
    with at(ny(2026, 11, 2, 9)):
        make_ticket(code="feature-request")
    with at(ny(2026, 11, 2, 9, 1)), django_assert_num_queries(3) as few:
        assert sla.sweep() == 0
    assert sum("timer" in q["sql"] for q in few.captured_queries) == 1
    with at(ny(2026, 11, 2, 9)):
        for _ in range(25):
            make_ticket(code="feature-request")
    with at(ny(2026, 11, 2, 9, 1)), django_assert_num_queries(3):
        assert sla.sweep() == 0


def test_a_registered_handler_fires_once_per_timer(customer, at, sweep_at):
    calls = []
    register("test.ping")(lambda timers, now: calls.extend((t.subject_id, now) for t in timers))
    with at(ny(2026, 11, 2, 9)):
        sla.timer_set(subject=customer, kind="test.ping", due_at=ny(2026, 11, 2, 10))
    assert sweep_at(ny(2026, 11, 2, 9, 59)) == 0
    assert sweep_at(ny(2026, 11, 2, 10, 5)) == 1
    assert sweep_at(ny(2026, 11, 2, 10, 6)) == 0
    assert calls == [(customer.pk, ny(2026, 11, 2, 10, 5))]


def test_a_failing_timer_is_recorded_and_does_not_stop_the_others(customer, at, sweep_at):
    """A handler failing on one timer: its batch is retried one by one, the rest still run."""
    bad_customer = CustomerFactory()
    done = []

    def flaky(timers, now):
        for timer in timers:
            OutboxMessage.objects.create(
                event_key=f"side-effect-{timer.pk}", recipient="x", subject="x", body="x"
            )
            if timer.subject_id == bad_customer.pk:
                raise RuntimeError("handler bug")
            done.append(timer.subject_id)

    register("test.flaky")(flaky)
    with at(ny(2026, 11, 2, 9)):
        good = sla.timer_set(subject=customer, kind="test.flaky", due_at=ny(2026, 11, 2, 9))
        bad = sla.timer_set(subject=bad_customer, kind="test.flaky", due_at=ny(2026, 11, 2, 9))
    assert sweep_at(ny(2026, 11, 2, 9, 1)) == 2
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.fired_at is not None and bad.error == "RuntimeError: handler bug"
    assert good.error == "" and done[-1] == customer.pk
    # The failed attempts' writes were rolled back; the good timer's own write stayed.
    assert list(
        OutboxMessage.objects.filter(event_key__startswith="side-effect").values_list(
            "event_key", flat=True
        )
    ) == [f"side-effect-{good.pk}"]
    assert sweep_at(ny(2026, 11, 2, 9, 2)) == 0

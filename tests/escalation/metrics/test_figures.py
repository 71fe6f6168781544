"""The escalation figures on the hand-built week (see conftest): every value known by hand."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from contacts.models import Department
from escalation import services
from escalation.metrics import cohorts, customers
from escalation.metrics.report import Report
from escalation.metrics.scope import scope_from
from escalation.models import Escalation, Metric, MetricTarget
from sla.models import Clock
from tests.escalation.sla.conftest import ny
from tests.factories import full_handoff


def by_metric(figures):
    return {x.metric: x for x in figures}


def test_001_dashboard_figures_match_the_hand_built_week(week):
    figures = by_metric(Report(week.scope).headline())

    rate = figures[Metric.ESCALATION_RATE]
    assert rate.value == 75.0 and rate.basis == "3 of 4 tickets"  # T5 cancelled, T0 outside
    assert rate.target_text == "< 15%" and rate.met is False
    assert rate.status_text == "✗ Off target"

    to_escalate = figures[Metric.TIME_TO_ESCALATE]
    assert to_escalate.value == pytest.approx(4.0)  # (2 h + 6 h + 4 h) / 3
    assert to_escalate.met is False  # the target is strictly under 4 h

    resolution = figures[Metric.ESCALATED_RESOLUTION_TIME]
    assert resolution.value == pytest.approx((26.5 + 54 + 1 / 3) / 2)
    assert resolution.target is None and resolution.status_text == "—"

    l2 = figures[Metric.L2_RESOLUTION_RATE]
    assert l2.value == 50.0 and l2.basis.startswith("1 of 2")  # T1 at L2; T2 went on to L3

    csat = figures[Metric.CSAT_ESCALATED]
    assert csat.value == 4.0 and csat.basis == "2 ratings"  # T3's 4 is not escalated
    assert csat.met is False and csat.target_text == "> 4.0/5"

    repeat = figures[Metric.REPEAT_ESCALATIONS]
    # T2 is customer A's second escalated ticket in 30 days: 003 counts from the third
    # (tests/escalation/test_seed_rules_repeat.py has a week with one).
    assert repeat.value == 0.0

    assert figures[Metric.FIRST_LEVEL_POSSIBLE].value == 0.0
    assert figures[Metric.FIRST_LEVEL_POSSIBLE].basis == "0 of 2 closed escalated tickets"
    assert figures[Metric.HANDOFFS_RETURNED].value == 25.0  # T4's of four hand-offs


def test_000_time_at_each_tier(week):
    rows = {r.tier: r for r in Report(week.scope).tiers()}
    # L1: T1 2 h, T2 6 h, T3 1 h (resolved), T4 4 h (until its hand-off).
    assert rows[1].stays == 4 and rows[1].value == pytest.approx(3.25)
    assert rows[1].buckets == [0, 2, 2, 0, 0, 0]
    # L2: T1 accepted Mon 11:30 until resolved Tue 11:30; T2 until its hand-off to L3.
    assert rows[2].stays == 2 and rows[2].average == timedelta(hours=24)
    assert rows[2].buckets == [0, 0, 0, 0, 2, 0]
    assert rows[3].stays == 1 and rows[3].average == timedelta(hours=24)
    assert rows[4].stays == 0 and rows[4].average is None


def test_000_inter_departmental_response_time(week):
    (row,) = Report(week.scope).departments()
    assert row.name == Department.objects.get(code="technical-support").name
    assert (row.requests, row.answered, row.average) == (1, 1, timedelta(hours=2))
    assert row.commitment == timedelta(hours=4) and row.met is True
    assert row.within_text == "100.0%" and row.status_text == "✓ On target"


def test_sla_attainment_per_target_with_business_calendar_and_paused_time(week):
    rows = {r.kind: r for r in Report(week.scope).sla()}
    first = rows["first_response"]
    assert (first.decided, first.met_count) == (4, 4)
    ack = rows["acknowledgement"]  # T1 and T4 waited 30 min; T2's two hand-offs 10 min each
    assert (ack.decided, ack.met_count, ack.value) == (4, 2, 50.0)
    assert ack.met is False and ack.target_text == "≥ 95%"
    resolution = rows["resolution"]  # T2 took 24 h 20 min of business time: missed
    assert (resolution.decided, resolution.met_count) == (3, 2)
    assert (
        resolution.business
        == (
            timedelta(hours=11, minutes=30)
            + timedelta(hours=24, minutes=20)
            + timedelta(minutes=30)
        )
        / 3
    )
    assert (
        resolution.calendar
        == (
            timedelta(hours=26, minutes=30)
            + timedelta(hours=54, minutes=20)
            + timedelta(minutes=30)
        )
        / 3
    )
    assert resolution.paused == timedelta(minutes=30) / 3  # only T3 waited on the customer


def test_trends_per_day_and_week(week):
    per_day = Report(week.scope).escalations_per_day()
    assert per_day["labels"][0] == "2026-11-02" and len(per_day["labels"]) == 7
    to_l2, to_l3, to_l4 = (s["data"] for s in per_day["series"])
    assert to_l2 == [1, 1, 0, 1, 0, 0, 0]  # T1 Mon, T2 Tue, T4 Thu
    assert to_l3 == [0, 0, 1, 0, 0, 0, 0] and to_l4 == [0] * 7
    weeks = Report(week.scope).sla_per_week()
    assert weeks["labels"] == ["Week of 2026-11-02"]
    series = {s["label"]: s["data"] for s in weeks["series"]}
    assert series["Acknowledgement"] == [50.0] and series["First response"] == [100.0]


def test_filters_narrow_every_figure(week):
    scope, _ = scope_from({**week.params, "plan": "enterprise"})
    figures = by_metric(Report(scope, {}).headline())
    assert figures[Metric.ESCALATION_RATE].basis == "1 of 2 tickets"  # customer B: T3, T4
    scope, _ = scope_from({**week.params, "priority": "low"})
    assert by_metric(Report(scope, {}).headline())[Metric.ESCALATION_RATE].value is None
    assert Report(scope).departments() == []


def test_each_figure_lists_exactly_the_tickets_behind_it(week):
    def refs(code):
        return set(cohorts.tickets_behind(code, week.scope).values_list("pk", flat=True))

    assert refs("all") == {week.t1.pk, week.t2.pk, week.t3.pk, week.t4.pk}
    assert refs("escalated") == {week.t1.pk, week.t2.pk, week.t4.pk}
    assert refs("l2_reached") == {week.t1.pk, week.t2.pk}
    assert refs("l2_resolved") == {week.t1.pk}
    assert refs("repeat") == set()  # T2 is A's second escalated ticket, not a third
    assert refs("returned") == {week.t4.pk}
    assert refs("tier_3") == {week.t2.pk}
    assert refs("sla_acknowledgement_missed") == {week.t1.pk, week.t4.pk}
    assert refs("sla_resolution_missed") == {week.t2.pk}
    assert cohorts.tickets_behind("nonsense", week.scope) is None


def test_monthly_customer_summary(week):
    rows = {r["customer__name"]: r for r in customers.customer_summary(week.scope)}
    assert set(rows) == {"Acme Ops", "Bolt Enterprise"}
    acme, bolt = rows["Acme Ops"], rows["Bolt Enterprise"]
    assert (acme["tickets"], acme["escalated"], acme["still_open"]) == (2, 2, 0)
    assert (bolt["tickets"], bolt["escalated"], bolt["still_open"]) == (2, 1, 1)
    assert acme["csat"] == 4.0 and bolt["csat"] == 4.0
    # Missed SLA targets: T1's acknowledgement, T2's resolution; Bolt's T4 acknowledgement.
    assert (acme["breached"], bolt["breached"]) == (2, 1)


def test_targets_are_data_a_lead_edits(week):
    MetricTarget.objects.filter(metric=Metric.ESCALATION_RATE).update(value=80)
    rate = by_metric(Report(week.scope).headline())[Metric.ESCALATION_RATE]
    assert rate.met is True and rate.target_text == "< 80%"


@pytest.mark.parametrize(
    ("metric", "value", "error"),
    [
        (Metric.ESCALATION_RATE, 150, "percentage from 0 to 100"),
        (Metric.CSAT_ESCALATED, 7, "score from 1 to 5"),
        (Metric.TIME_TO_ESCALATE, 0, "positive number of hours"),
    ],
)
def test_impossible_targets_are_refused(db, metric, value, error):
    target = MetricTarget(metric=metric, comparison="lt", value=value)
    with pytest.raises(ValidationError, match=error):
        target.clean()


def test_a_stay_at_a_tier_resumes_when_reopened_or_when_the_handoff_above_is_returned(
    make_ticket, agent, senior, engineer
):
    ticket = make_ticket(state="open")
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="Needs access", handoff=full_handoff(ticket)
    )
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    stay = Escalation.objects.get(ticket=ticket, to_tier=2)
    ticket = services.ticket_escalate(
        ticket=ticket, actor=senior, to_tier=3, reason="Bug", handoff=full_handoff(ticket)
    )
    stay.refresh_from_db()
    assert stay.left_at is not None  # the L3 hand-off ended the L2 stay
    ticket = services.ticket_return_escalation(ticket=ticket, actor=engineer, reason="Incomplete")
    stay.refresh_from_db()
    assert stay.left_at is None  # back at L2
    ticket = services.ticket_resolve(
        ticket=ticket, actor=senior, summary="Fixed", customer_confirmed=True
    )
    stay.refresh_from_db()
    assert stay.left_at == ticket.resolved_at
    # Both stretches at L2, without the time the hand-off to L3 was pending.
    assert timedelta(0) < stay.time_at_tier <= stay.left_at - stay.accepted_at
    assert ticket.resolved_after == ticket.resolved_at - ticket.created_at
    first_stay = stay.time_at_tier
    reopened = services.ticket_reopen(ticket=ticket, actor=senior, reason="Came back")
    stay.refresh_from_db()
    assert stay.left_at is None and stay.time_at_tier == first_stay  # still counted
    assert reopened.resolved_after is None
    assert (
        ticket.first_escalated_at
        == Escalation.objects.filter(ticket=ticket).earliest("requested_at").requested_at
    )
    assert stay.history.filter(history_change_reason__startswith="back at the tier").count() == 2


def test_a_cancelled_tickets_targets_count_neither_way(week):
    clocks = Clock.objects.filter(subject_id=week.t5.pk)
    assert clocks.exists() and all(c.stopped_at and c.met is None for c in clocks)


def test_reopening_adds_the_new_stretch_instead_of_counting_the_time_resolved(
    make_ticket, agent, senior
):

    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        ticket = make_ticket(state="open")
        ticket = services.ticket_escalate(
            ticket=ticket, actor=agent, to_tier=2, reason="Access", handoff=full_handoff(ticket)
        )
        ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    with time_machine.travel(ny(2026, 11, 2, 10), tick=False):
        ticket = services.ticket_resolve(
            ticket=ticket, actor=senior, summary="Done", customer_confirmed=True
        )
    with time_machine.travel(ny(2026, 11, 20, 9), tick=False):  # 18 days later
        ticket = services.ticket_reopen(ticket=ticket, actor=senior, reason="Back")
    with time_machine.travel(ny(2026, 11, 20, 9, 30), tick=False):
        services.ticket_resolve(
            ticket=ticket, actor=senior, summary="Done", customer_confirmed=True
        )
    stay = Escalation.objects.get(ticket=ticket)
    assert stay.time_at_tier == timedelta(hours=1, minutes=30)  # not 18 days
    assert stay.left_by == "resolved"


def test_a_ticket_cancelled_after_its_first_response_leaves_sla_figures(make_ticket, lead):
    ticket = make_ticket(state="open")  # first response met when opened
    assert Clock.objects.get(subject_id=ticket.pk, kind="first_response").met is True
    services.ticket_cancel(ticket=ticket, actor=lead, reason="Duplicate")
    assert not Clock.objects.filter(subject_id=ticket.pk, met__isnull=False).exists()

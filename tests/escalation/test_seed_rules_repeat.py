"""003 Repeat Escalations: "If same customer escalates 3+ times in 30 days". The ticket's
repeat flag, the alert to Customer Success and the dashboard figure count the same thing:
the customer's escalated tickets in 30 days, counting this one, VIP auto-escalations
excepted."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from escalation import rules, services
from escalation.metrics.report import Report
from escalation.metrics.scope import scope_from
from escalation.models import Metric, Plan
from outbox.models import OutboxMessage
from tests.escalation.metrics.pages import cells
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff

D = timedelta(days=1)


def escalated(make_ticket, agent, customer, when, to_tier=2, ticket=None):
    with time_machine.travel(when, tick=False):
        ticket = ticket or make_ticket(customer=customer, state="open")
        return services.ticket_escalate(
            ticket=ticket,
            actor=agent,
            to_tier=to_tier,
            reason="Needs the next tier",
            handoff=full_handoff(ticket),
        )


def test_003_the_third_escalated_ticket_in_30_days_is_a_repeat_and_alerts_success(
    make_ticket, agent, customer
):
    days = [ny(2026, 11, 2, 10), ny(2026, 11, 12, 10), ny(2026, 12, 1, 10)]  # 29 days apart
    tickets = [escalated(make_ticket, agent, customer, when) for when in days]
    assert [t.repeat_escalation for t in tickets] == [False, False, True]
    alert = OutboxMessage.objects.filter(event_key__startswith=f"customer:{customer.pk}:repeat:")
    assert [m.recipient for m in alert] == ["success@example.com"]
    assert "escalated 3 tickets in 30 days" in alert[0].body
    with time_machine.travel(ny(2026, 12, 1, 10, 1), tick=False):
        assert rules.repeat_escalations(tickets[2], ny(2026, 12, 1, 10, 1)) is not None


def test_003_outside_30_days_the_count_starts_again(make_ticket, agent, customer):
    days = [ny(2026, 11, 2, 9), ny(2026, 11, 12, 10), ny(2026, 12, 2, 10)]  # 30 d + 1 h
    tickets = [escalated(make_ticket, agent, customer, when) for when in days]
    assert [t.repeat_escalation for t in tickets] == [False, False, False]
    assert not OutboxMessage.objects.filter(event_key__contains=":repeat:").exists()


def test_003_one_ticket_climbing_several_tiers_counts_once(make_ticket, agent, senior, customer):
    first = escalated(make_ticket, agent, customer, ny(2026, 11, 2, 10))
    first = services.ticket_accept_escalation(ticket=first, actor=senior)
    escalated(make_ticket, senior, customer, ny(2026, 11, 3, 10), to_tier=3, ticket=first)
    second = escalated(make_ticket, agent, customer, ny(2026, 11, 4, 10))
    assert second.repeat_escalation is False  # two escalated tickets, three hand-offs


def test_003_vip_auto_escalations_do_not_count(make_ticket, agent, lead):
    vip = CustomerFactory(plan=Plan.ENTERPRISE, is_vip=True, success_manager=lead)
    tickets = []
    for n in range(3):
        with time_machine.travel(ny(2026, 11, 2 + n, 10), tick=False):
            tickets.append(make_ticket(customer=vip))  # escalated at once: VIP account
    for t in tickets:
        t.refresh_from_db()
    assert [t.tier for t in tickets] == [2, 2, 2]
    assert [t.repeat_escalation for t in tickets] == [False, False, False]
    assert not OutboxMessage.objects.filter(event_key__contains=":repeat:").exists()


def test_003_the_dashboard_counts_and_defines_repeats_as_the_rule_does(
    make_ticket, agent, customer, client_as, lead
):
    for day in (2, 3, 4):
        escalated(make_ticket, agent, customer, ny(2026, 11, day, 10))
    params = {"period": "custom", "from": "2026-11-02", "to": "2026-11-08"}
    scope, _ = scope_from(params)
    assert scope is not None
    figure = next(f for f in Report(scope).headline() if f.metric == Metric.REPEAT_ESCALATIONS)
    assert figure.value == pytest.approx(100 / 3)  # the third of three escalated tickets
    with time_machine.travel(ny(2026, 11, 20, 12), tick=False):
        html = client_as(lead).get(reverse("metrics:dashboard"), params).content.decode()
    assert (
        dict((row[0], row[1]) for row in cells(html, "figures")[1:])["Repeat escalations"]
        == "33.3%"
    )
    assert "the customer's third or later escalated ticket in 30 days" in unescape(html)
    assert "had another escalation" not in html

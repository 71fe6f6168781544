"""001 Escalation Matrix ("how long a ticket may stay at each tier"), per tier: each stay's
clock is attributed to the tier and team that held the ticket (issue 17, tier clocks)."""

from datetime import timedelta

from django.template import Context, Template

from core.choices import Priority, Tier
from escalation import services
from escalation.tier_clocks import (
    BREACHED,
    MET,
    NO_TARGET,
    PAUSED,
    RUNNING,
    ticket_tier_stays,
)
from tests.escalation.tier_clocks.conftest import ny

H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def summary(stays):
    return [(s.tier, s.team, s.used, s.target, s.outcome) for s in stays]


def test_001_matrix_breach_while_l2_held_the_ticket_counts_against_l2_not_l1(
    high_open, escalate, accept, agent, senior, sweep_at
):
    ticket = high_open(ny(2026, 11, 2, 9))  # Monday
    team = ticket.category.route_to
    escalate(ticket, agent, ny(2026, 11, 2, 10), Tier.L2, target_team=team)  # 1 h of L1's 2 h
    accept(ticket, senior, ny(2026, 11, 2, 10, 10))  # L2: 4 h, due 14:10
    sweep_at(ny(2026, 11, 2, 14, 30))  # L2's time ran out: escalated on to L3 automatically

    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == ("escalated", Tier.L3)
    stays = ticket_tier_stays(ticket, now=ny(2026, 11, 2, 15))
    assert summary(stays) == [
        (Tier.L1, "Frontline Support", 1 * H, 2 * H, MET),
        (Tier.L2, team.name, 4 * H + 20 * MIN, 4 * H, BREACHED),
    ]
    assert stays[1].held_from == ny(2026, 11, 2, 10, 10)
    assert stays[1].held_to == ny(2026, 11, 2, 14, 30)


def test_001_a_breach_on_the_very_instant_of_the_deadline_still_counts(
    high_open, escalate, accept, agent, senior, sweep_at
):
    ticket = high_open(ny(2026, 11, 2, 9))
    escalate(ticket, agent, ny(2026, 11, 2, 9, 30), Tier.L2)
    accept(ticket, senior, ny(2026, 11, 2, 10))
    sweep_at(ny(2026, 11, 2, 14))  # due 14:00: the automatic escalation stops it at 14:00
    ticket.refresh_from_db()
    l2 = ticket_tier_stays(ticket, now=ny(2026, 11, 2, 15))[1]
    assert (l2.tier, l2.team, l2.outcome) == (Tier.L2, "Senior Support", BREACHED)


def test_time_waiting_on_the_customer_is_not_counted_against_the_tier(
    high_open, agent, at, sweep_at
):
    ticket = high_open(ny(2026, 11, 2, 9))
    with at(ny(2026, 11, 2, 9, 30)):
        ticket = services.ticket_wait_on_customer(ticket=ticket, actor=agent, reason="Logs?")
    assert sweep_at(ny(2026, 11, 2, 11, 30)) == 0  # past 2 h on the wall: nothing breaches
    paused = ticket_tier_stays(ticket, now=ny(2026, 11, 2, 12))
    assert [s.outcome for s in paused] == [PAUSED]
    with at(ny(2026, 11, 3, 9, 30)):  # waited Mon 9:30-18:00 and Tue 9:00-9:30
        ticket = services.ticket_resume(ticket=ticket, actor=agent, reason="Logs came")
    with at(ny(2026, 11, 3, 10, 30)):
        services.ticket_resolve(
            ticket=ticket, actor=agent, summary="Fixed", customer_confirmed=True
        )
    ticket.refresh_from_db()
    (l1,) = ticket_tier_stays(ticket, now=ny(2026, 11, 3, 11))
    assert (l1.used, l1.target, l1.outcome) == (1 * H + 30 * MIN, 2 * H, MET)  # 30 + 60 min
    assert l1.paused == 24 * H  # shown beside it, never counted


def test_001_a_tier_on_request_has_no_tier_target(
    make_ticket, escalate, accept, agent, senior, engineer, lead, at
):
    with at(ny(2026, 11, 2, 9)):
        ticket = make_ticket(code="feature-request", priority=Priority.LOW, state="open")
    escalate(ticket, agent, ny(2026, 11, 2, 10), Tier.L2)
    accept(ticket, senior, ny(2026, 11, 2, 10, 5))
    escalate(ticket, senior, ny(2026, 11, 2, 11), Tier.L3)
    accept(ticket, engineer, ny(2026, 11, 2, 11, 5))
    escalate(ticket, engineer, ny(2026, 11, 2, 12), Tier.L4)
    accept(ticket, lead, ny(2026, 11, 2, 12, 5))  # Low at Management: on request

    ticket.refresh_from_db()
    stays = ticket_tier_stays(ticket, now=ny(2026, 11, 2, 13))
    assert [(s.tier, s.target, s.outcome) for s in stays] == [
        (Tier.L1, 24 * H, MET),
        (Tier.L2, 48 * H, MET),
        (Tier.L3, 72 * H, MET),
        (Tier.L4, None, NO_TARGET),
    ]
    assert (stays[-1].team, stays[-1].held_from) == ("Management", ny(2026, 11, 2, 12, 5))


def test_a_returned_hand_off_goes_back_to_the_tier_and_team_that_held_it(
    high_open, escalate, at, agent, senior
):
    ticket = high_open(ny(2026, 11, 2, 9))
    escalate(ticket, agent, ny(2026, 11, 2, 9), Tier.L2)  # the same instant as opening
    with at(ny(2026, 11, 2, 9)):
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason="No logs")
    ticket.refresh_from_db()
    stays = ticket_tier_stays(ticket, now=ny(2026, 11, 2, 10))
    assert summary(stays) == [
        (Tier.L1, "Frontline Support", timedelta(0), 2 * H, MET),
        (Tier.L1, "Frontline Support", None, 2 * H, RUNNING),
    ]


def test_the_panel_costs_two_queries_whatever_the_number_of_stays(
    high_open, escalate, accept, agent, senior, engineer, django_assert_num_queries
):
    ticket = high_open(ny(2026, 11, 2, 9))
    escalate(ticket, agent, ny(2026, 11, 2, 10), Tier.L2)
    accept(ticket, senior, ny(2026, 11, 2, 10, 10))
    escalate(ticket, senior, ny(2026, 11, 2, 11), Tier.L3)
    accept(ticket, engineer, ny(2026, 11, 2, 11, 10))
    ticket.refresh_from_db()
    panel = Template("{% load tier_clocks %}{% tier_clocks ticket now %}")
    with django_assert_num_queries(2):
        html = panel.render(Context({"ticket": ticket, "now": ny(2026, 11, 2, 12)}))
    assert html.count("<tr>") == 4  # the header and three stays
    assert "L3 technical" in html and "Running" in html

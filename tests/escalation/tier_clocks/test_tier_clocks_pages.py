"""Tier clocks (OLAs) where leads and agents read them: the metrics page per tier and per
team, and the "Tier clocks" panel on the desk and admin ticket pages (issue 17, 001
Escalation Matrix: "how long a ticket may stay at each tier")."""

import re
from html import unescape

import pytest
from django.urls import reverse

from core.choices import Tier
from escalation import services
from tests.escalation.metrics.pages import cells, csv_rows
from tests.escalation.tier_clocks.conftest import ny

PAGE = reverse("metrics:tiers")
WEEK = {"period": "custom", "from": "2026-11-02", "to": "2026-11-08"}
EMPTY_ROW = ["0", "0", "—", "—", "0", "—"]


def panel_rows(html: str) -> list[list[str]]:
    """The rows of the "Tier clocks" panel, as the user reads them."""
    block = re.search(r'aria-label="Tier clocks".*?</section>', html, re.S).group(0)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", t)).strip()
            for t in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)
    ][1:]


@pytest.fixture
def week(high_open, escalate, accept, agent, senior, lead, sweep_at, at):
    """T1: L1 hands over in 1 h (of 2 h); L2 holds it 4 h 20 min (of 4 h): breached.
    T2: resolved at L1 in 45 min. T3: cancelled (spam): counts neither way.
    All in the week of Monday 2 November 2026."""
    t1 = high_open(ny(2026, 11, 2, 9))
    escalate(t1, agent, ny(2026, 11, 2, 10), Tier.L2, target_team=t1.category.route_to)
    accept(t1, senior, ny(2026, 11, 2, 10, 10))
    sweep_at(ny(2026, 11, 2, 14, 30))
    t2 = high_open(ny(2026, 11, 3, 9))
    with at(ny(2026, 11, 3, 9, 45)):
        services.ticket_resolve(ticket=t2, actor=agent, summary="Fixed", customer_confirmed=True)
    t3 = high_open(ny(2026, 11, 4, 9))
    with at(ny(2026, 11, 4, 15)):  # past its 2 h at L1, but a cancelled ticket owes nothing
        services.ticket_cancel(ticket=t3, actor=lead, reason="Spam")
    return t1, t2


def test_001_metrics_attribute_the_l2_breach_to_l2_and_its_team(client_as, lead, week):
    page = client_as(lead).get(PAGE, WEEK).content.decode()
    tiers = cells(page, "tiers")
    assert [row[:7] for row in tiers[1:]] == [
        ["L1 frontline", "2", "2", "45 min", "1.0 h", "0", "100.0%"],
        ["L2 senior", "1", "1", "4.3 h", "4.3 h", "1", "0.0%"],
        ["L3 technical", *EMPTY_ROW],  # a tier with no tickets reads zeros, not an error
        ["L4 management", *EMPTY_ROW],
    ]
    assert tiers[1][7].startswith("Critical 15 min · High 2.0 h")
    team = week[0].category.route_to.name
    assert sorted(cells(page, "teams")[1:]) == sorted(
        [
            ["Frontline Support", "2", "2", "45 min", "1.0 h", "0", "100.0%"],
            [team, "1", "1", "4.3 h", "4.3 h", "1", "0.0%"],
        ]
    )


def test_a_period_without_stays_shows_every_tier_with_zeros(client_as, auditor, week):
    params = {"period": "custom", "from": "2026-10-01", "to": "2026-10-07"}
    page = client_as(auditor).get(PAGE, params).content.decode()
    assert [row[1:7] for row in cells(page, "tiers")[1:]] == [EMPTY_ROW] * 4
    assert cells(page, "teams")[1:] == [["Nothing in this period."]]


def test_both_tables_export_as_csv(client_as, lead, week):
    client = client_as(lead)
    tiers = csv_rows(client.get(PAGE, {**WEEK, "export": "tiers"}))
    assert tiers[0][:2] == ["Tier", "Stays"] and tiers[2][:7] == [
        "L2 senior",
        "1",
        "1",
        "4.3 h",
        "4.3 h",
        "1",
        "0.0%",
    ]
    teams = client.get(PAGE, {**WEEK, "export": "teams"})
    assert teams["Content-Type"].startswith("text/csv")
    assert ["Frontline Support", "2", "2", "45 min", "1.0 h", "0", "100.0%"] in csv_rows(teams)


def test_unknown_exports_and_bad_periods_are_refused_with_a_message(client_as, lead, week):
    client = client_as(lead)
    unknown = client.get(PAGE, {**WEEK, "export": "salaries"})
    assert not unknown["Content-Type"].startswith("text/csv")
    assert "There is no such table to export." in unknown.content.decode()
    backwards = client.get(PAGE, {"period": "custom", "from": "2026-11-08", "to": "2026-11-02"})
    body = backwards.content.decode()
    assert "The start date is after the end date." in body and "table-tiers" not in body


def test_agents_may_not_see_tier_metrics(client_as, agent, week):
    response = client_as(agent).get(PAGE, WEEK)
    assert response.status_code == 403
    assert "The metrics are for leads and auditors." in response.content.decode()
    assert client_as(agent).post(PAGE, WEEK).status_code in (403, 405)


def test_the_dashboard_links_to_the_tier_clocks_page(client_as, lead, week):
    page = client_as(lead).get(reverse("metrics:dashboard"), WEEK).content.decode()
    assert f'href="{PAGE}?period=custom&amp;from=2026-11-02&amp;to=2026-11-08"' in page


def test_the_metrics_page_does_a_fixed_number_of_queries(
    client_as, lead, week, high_open, escalate, accept, agent, senior, django_assert_max_num_queries
):
    client = client_as(lead)
    client.get(PAGE, WEEK)
    with django_assert_max_num_queries(30) as few:
        client.get(PAGE, WEEK)
    for day in (4, 5, 6):
        ticket = high_open(ny(2026, 11, day, 9))
        escalate(ticket, agent, ny(2026, 11, day, 10), Tier.L2)
        accept(ticket, senior, ny(2026, 11, day, 10, 5))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(PAGE, WEEK).content.decode()
    assert cells(page, "tiers")[2][:2] == ["L2 senior", "4"]


def test_the_desk_ticket_page_shows_the_tier_clocks_in_a_fixed_number_of_queries(
    client_as,
    lead,
    high_open,
    escalate,
    accept,
    agent,
    senior,
    engineer,
    at,
    django_assert_max_num_queries,
):
    ticket = high_open(ny(2026, 11, 2, 9))
    escalate(ticket, agent, ny(2026, 11, 2, 10), Tier.L2)
    accept(ticket, senior, ny(2026, 11, 2, 10, 10))
    client = client_as(lead)
    url = reverse("desk:ticket", args=[ticket.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    escalate(ticket, senior, ny(2026, 11, 2, 11), Tier.L3)
    accept(ticket, engineer, ny(2026, 11, 2, 11, 10))
    with django_assert_max_num_queries(len(few.captured_queries)), at(ny(2026, 11, 2, 12)):
        page = client.get(url).content.decode()
    assert [row[:2] + row[4:] for row in panel_rows(page)] == [
        ["L1 frontline", "Frontline Support", "1 h", "2 h", "Met"],
        ["L2 senior", "Senior Support", "50 min", "4 h", "Met"],
        ["L3 technical", "Technical Support", "due 3 Nov 10:10", "8 h", "Running"],
    ]


def test_the_admin_ticket_page_shows_the_tier_clocks_and_the_add_page_does_not(
    client_as, lead, week
):
    client = client_as(lead)
    t1 = week[0]
    page = client.get(reverse("admin:escalation_ticket_change", args=[t1.pk])).content.decode()
    team = t1.category.route_to.name
    assert panel_rows(page) == [
        [
            "L1 frontline",
            "Frontline Support",
            "2 Nov 2026 09:00",
            "2 Nov 2026 10:00",
            "1 h",
            "2 h",
            "Met",
        ],
        [
            "L2 senior",
            team,
            "2 Nov 2026 10:10",
            "2 Nov 2026 14:30",
            "4 h 20 min",
            "4 h",
            "Breached",
        ],
    ]
    add = client.get(reverse("admin:escalation_ticket_add")).content.decode()
    assert 'name="subject"' in add and "Tier clocks (OLA)" not in add

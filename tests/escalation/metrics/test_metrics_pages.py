"""The metrics pages through HTTP: who may see them, CSV = screen, click-through, bad input."""

import re

import pytest
import time_machine
from django.urls import reverse

from escalation.metrics.tables import tickets_url
from tests.escalation.metrics.pages import cells, csv_rows
from tests.escalation.sla.conftest import ny

DASHBOARD = reverse("metrics:dashboard")
CUSTOMERS = reverse("metrics:customers")
TICKETS = reverse("admin:escalation_ticket_changelist")


def references(html: str) -> set[str]:
    """The tickets a ticket list shows."""
    return set(re.findall(r">(ESC-\d{6})<", html))


@pytest.fixture
def later():
    with time_machine.travel(ny(2026, 11, 20, 12), tick=False):
        yield


def test_a_lead_sees_every_figure_with_its_target(client_as, lead, week, later):
    page = client_as(lead).get(DASHBOARD, week.params)
    assert page.status_code == 200
    html = page.content.decode()
    figures = {row[0]: row[1:] for row in cells(html, "figures")[1:]}
    assert figures["Escalation rate"] == ["75.0%", "< 15%", "✗ Off target", "3 of 4 tickets"]
    assert figures["Average time to escalate"][:3] == ["4.0 h", "< 4 h", "✗ Off target"]
    assert figures["L2 resolution rate"][:3] == ["50.0%", "> 80%", "✗ Off target"]
    assert figures["Customer satisfaction (escalated)"][:2] == ["4.00/5", "> 4.0/5"]
    assert figures["Repeat escalations"][0] == "0.0%"  # 003 counts from a third in 30 days
    for table in ("tiers", "sla", "departments", "per_day", "sla_weeks", "distribution"):
        assert f'id="table-{table}"' in html
    # Charts come from our own static files, never a CDN.
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html and "cdn" not in html.lower()


@pytest.mark.parametrize("table", ["figures", "tiers", "sla", "departments", "per_day"])
def test_csv_export_matches_the_screen(
    client_as, lead, week, later, table, django_assert_max_num_queries
):
    client = client_as(lead)
    screen = cells(client.get(DASHBOARD, week.params).content.decode(), table)
    with django_assert_max_num_queries(15):
        export = client.get(DASHBOARD, {**week.params, "export": table})
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    assert csv_rows(export) == screen


def test_clicking_a_figure_lists_the_tickets_behind_it(
    client_as, lead, week, later, django_assert_max_num_queries
):
    client = client_as(lead)
    with django_assert_max_num_queries(15):
        page = client.get(tickets_url("escalated", week.scope)).content.decode()
    assert references(page) == {week.t1.reference, week.t2.reference, week.t4.reference}
    assert "Escalated tickets" in page  # the filter says what the list is
    # The link on the dashboard is that same list.
    dashboard = client.get(DASHBOARD, week.params).content.decode()
    assert tickets_url("escalated", week.scope).replace("&", "&amp;") in dashboard


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "nope", "m_period": "30"},
        {"metric": "tier_²", "m_period": "30"},
        {"metric": "dept_99999999999999999999999", "m_period": "30"},
        {"metric": "escalated", "m_period": "custom", "m_from": "2026-01-01", "m_to": "9999-12-31"},
    ],
)
def test_a_bad_figure_in_the_ticket_list_falls_back_to_the_whole_list(
    client_as, lead, week, params
):
    client = client_as(lead)
    response = client.get(TICKETS, params)
    # The admin's answer to a filter it cannot apply: the list again, flagged, not a 500.
    assert response.status_code == 302 and response["Location"] == f"{TICKETS}?e=1"
    page = client.get(response["Location"]).content.decode()
    everyone = {getattr(week, f"t{i}").reference for i in range(6)}
    assert references(page) == everyone
    assert "metrics figure" not in page  # no figure filter is shown as applied


def test_agents_cannot_rebuild_figures_through_the_ticket_list(client_as, agent, week):
    page = client_as(agent).get(tickets_url("escalated", week.scope)).content.decode()
    assert week.t3.reference in references(page)  # the figure's filter is ignored: the plain list
    assert "Escalated tickets" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "from": "2026-11-08", "to": "2026-11-01"}, "start date is after"),
        ({"period": "custom", "from": "2026-11-08"}, "needs both a start and an end"),
        ({"period": "custom", "from": "2024-01-01", "to": "2026-01-01"}, "at most 400 days"),
        ({"period": "365"}, "Select a valid choice"),
        ({"team": "99999"}, "Select a valid choice"),
        ({"period": "custom", "from": "yesterday", "to": "2026-11-01"}, "Enter a valid date"),
        ({"period": "custom", "from": "9999-12-30", "to": "9999-12-31"}, "Choose dates between"),
    ],
)
def test_bad_filters_get_a_clear_message(client_as, lead, params, message):
    page = client_as(lead).get(DASHBOARD, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html and 'id="table-figures"' not in html


def test_exporting_an_unknown_table_says_so(client_as, lead, week):
    page = client_as(lead).get(DASHBOARD, {**week.params, "export": "secrets"})
    assert page.status_code == 200 and "no such table" in page.content.decode()


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("agent", {}),
        ("agent", {"period": "30", "export": "figures"}),
        ("directory_admin", {}),
        ("directory_admin", {"export": "customers"}),
    ],
)
def test_agents_and_directory_admins_may_not_see_metrics(client_as, week, request, who, params):
    client = client_as(request.getfixturevalue(who))
    for url in (DASHBOARD, CUSTOMERS):
        response = client.get(url, params)
        assert response.status_code == 403
        assert not response["Content-Type"].startswith("text/csv")
        body = response.content.decode()
        assert "You may not open this page" in body and "metrics-table" not in body
        assert "The metrics are for leads and auditors." in body
        assert "Bolt Enterprise" not in body and "Escalation rate" not in body


def test_auditors_read_metrics_and_anonymous_users_log_in_first(client_as, auditor, client, week):
    response = client.get(DASHBOARD, week.params)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next={DASHBOARD}")
    page = client_as(auditor).get(DASHBOARD, week.params).content.decode()
    figures = {row[0]: row[1] for row in cells(page, "figures")[1:]}
    assert figures["Escalation rate"] == "75.0%"


@pytest.mark.parametrize("url", [DASHBOARD, CUSTOMERS])
def test_metrics_pages_refuse_post(client_as, lead, url):
    response = client_as(lead).post(url, {"period": "30"})
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_dashboard_queries_do_not_grow_with_tickets(
    client_as, lead, week, later, make_ticket, django_assert_max_num_queries
):
    client = client_as(lead)
    client.get(DASHBOARD, week.params)
    with django_assert_max_num_queries(20) as before:
        client.get(DASHBOARD, week.params)
    for hour in range(10, 16):
        with time_machine.travel(ny(2026, 11, 6, hour), tick=False):
            make_ticket(state="open")
    with django_assert_max_num_queries(20) as after:
        page = client.get(DASHBOARD, week.params).content.decode()
    assert len(after) == len(before)
    figures = {row[0]: row[1:] for row in cells(page, "figures")[1:]}
    assert figures["Escalation rate"][-1] == "3 of 10 tickets"  # the six new ones count


def test_customer_summary_for_success_reviews(
    client_as, lead, week, later, django_assert_max_num_queries
):
    client = client_as(lead)
    params = {**week.params, "plan": "enterprise"}
    with django_assert_max_num_queries(15):
        page = client.get(CUSTOMERS, params)
    rows = cells(page.content.decode(), "customers")
    assert [r[0] for r in rows[1:]] == ["Bolt Enterprise"]
    assert rows[1][4:8] == ["2", "1", "50.0%", "1"]
    with django_assert_max_num_queries(10):
        export = client.get(CUSTOMERS, {**params, "export": "customers"})
    assert csv_rows(export) == rows


def test_customer_summary_defaults_to_last_month_of_enterprise_customers(
    client_as, lead, week, django_assert_max_num_queries
):
    with time_machine.travel(ny(2026, 12, 3, 12), tick=False):
        client = client_as(lead)
        with django_assert_max_num_queries(15):
            html = client.get(CUSTOMERS).content.decode()
    assert "1 Nov 2026 to 30 Nov 2026" in html
    assert [row[0] for row in cells(html, "customers")[1:]] == ["Bolt Enterprise"]

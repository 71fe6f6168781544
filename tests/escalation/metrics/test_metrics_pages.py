"""The metrics pages through HTTP: who may see them, CSV = screen, click-through, bad input."""

import csv
import io
import re

import pytest
import time_machine
from django.urls import reverse

from escalation.metrics.tables import tickets_url
from tests.escalation.sla.conftest import ny

DASHBOARD = reverse("metrics:dashboard")
CUSTOMERS = reverse("metrics:customers")


def cells(html: str, table: str) -> list[list[str]]:
    """The text of every row of one table on the page, as the user reads it."""
    block = re.search(rf'id="table-{table}".*?</table>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", block, re.S):
        texts = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", t).strip() for t in texts])
    import html as h

    return [[h.unescape(t) for t in r] for r in rows]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


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
    assert figures["Repeat escalations"][0] == "33.3%"
    for table in ("tiers", "sla", "departments", "per_day", "sla_weeks", "distribution"):
        assert f'id="table-{table}"' in html
    # Charts come from our own static files, never a CDN.
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html and "cdn" not in html.lower()


@pytest.mark.parametrize("table", ["figures", "tiers", "sla", "departments", "per_day"])
def test_csv_export_matches_the_screen(client_as, lead, week, later, table):
    client = client_as(lead)
    screen = cells(client.get(DASHBOARD, week.params).content.decode(), table)
    export = client.get(DASHBOARD, {**week.params, "export": table})
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    assert csv_rows(export) == screen


def test_clicking_a_figure_lists_the_tickets_behind_it(client_as, lead, week, later):
    client = client_as(lead)
    page = client.get(tickets_url("escalated", week.scope)).content.decode()
    shown = set(re.findall(r">(ESC-\d{6})<", page))
    assert shown == {week.t1.reference, week.t2.reference, week.t4.reference}
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
def test_a_bad_figure_in_the_ticket_list_is_not_a_server_error(client_as, lead, week, params):
    response = client_as(lead).get(reverse("admin:escalation_ticket_changelist"), params)
    assert response.status_code in (200, 302)


def test_agents_cannot_rebuild_figures_through_the_ticket_list(client_as, agent, week):
    page = client_as(agent).get(tickets_url("escalated", week.scope)).content.decode()
    shown = set(re.findall(r">(ESC-\d{6})<", page))
    assert week.t3.reference in shown  # the figure's filter is ignored: the plain list
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


def test_agents_and_directory_admins_may_not_see_metrics(client_as, agent, directory_admin, client):
    assert client_as(agent).get(DASHBOARD).status_code == 403
    assert client_as(directory_admin).get(CUSTOMERS).status_code == 403


def test_auditors_read_metrics_and_anonymous_users_log_in_first(client_as, auditor, client):
    assert client.get(DASHBOARD).status_code == 302
    assert client_as(auditor).get(DASHBOARD).status_code == 200


def test_metrics_pages_refuse_post(client_as, lead):
    assert client_as(lead).post(DASHBOARD).status_code == 405


def test_dashboard_queries_do_not_grow_with_tickets(
    client_as, lead, week, later, make_ticket, django_assert_max_num_queries
):
    client = client_as(lead)
    client.get(DASHBOARD, week.params)
    with django_assert_max_num_queries(20):
        client.get(DASHBOARD, week.params)
    for hour in range(10, 16):
        with time_machine.travel(ny(2026, 11, 6, hour), tick=False):
            make_ticket(state="open")
    with django_assert_max_num_queries(20):
        assert client.get(DASHBOARD, week.params).status_code == 200


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
    export = client.get(CUSTOMERS, {**params, "export": "customers"})
    assert csv_rows(export) == rows


def test_customer_summary_defaults_to_last_month_of_enterprise_customers(client_as, lead, week):
    with time_machine.travel(ny(2026, 12, 3, 12), tick=False):
        html = client_as(lead).get(CUSTOMERS).content.decode()
    assert "1 Nov 2026 to 30 Nov 2026" in html
    assert "Bolt Enterprise" in html and "Acme Ops" not in html

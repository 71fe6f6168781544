"""The review page on the desk (003 "Monthly escalation review meeting"): leads and auditors
read it, leads raise and complete preventive actions from it, it prints and exports."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from escalation.models import Category
from reviews.models import ActionState, PreventiveAction
from reviews.services import preventive_action_create

MARCH_URL = reverse("reviews:pack", kwargs={"month": "2026-03"})
CREATE_URL = reverse("reviews:action_create")


def step_url(action, step):
    return reverse("reviews:action_step", kwargs={"pk": action.pk, "step": step})


@pytest.fixture
def action(lead, senior):
    return preventive_action_create(
        actor=lead,
        title="Alert on stuck sync workers",
        owner=senior,
        due_date=date(2026, 4, 15),
        review_month=date(2026, 3, 1),
        category=Category.objects.get(code="core-functionality-bug"),
    )


@pytest.mark.parametrize("user", ["agent", "senior", "directory_admin"])
def test_the_review_is_for_leads_and_auditors_only(db, request, client_as, user):
    client = client_as(request.getfixturevalue(user))
    assert client.get(MARCH_URL).status_code == 403
    assert client.get(reverse("reviews:current")).status_code == 403


@time_machine.travel("2026-04-10 10:00 -05:00", tick=False)
def test_the_review_opens_on_last_month(client_as, lead):
    response = client_as(lead).get(reverse("reviews:current"))
    assert response.status_code == 302 and response["Location"] == MARCH_URL


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "There is no month 13"),
        ("0000-01", "between 2000 and 2199"),
        ("10000-01", "YYYY-MM"),
        ("actions", "YYYY-MM"),
        ("2026-03%00", "NUL character"),  # refused before the view, by the middleware
    ],
)
def test_a_bad_month_in_the_address_gets_a_clear_message_not_a_500(
    client_as, auditor, month, message
):
    response = client_as(auditor).get(f"/desk/reviews/{month}/")
    assert response.status_code == 400 and message in response.content.decode()


def test_003_the_auditor_reads_the_pack_but_sees_no_forms_and_cannot_post(
    client_as, auditor, action, record_rca
):
    record_rca("2026-03-10", root_cause="Sync worker crashed")
    client = client_as(auditor)
    page = client.get(MARCH_URL)
    text = page.content.decode()
    assert "Sync worker crashed" in text and action.title in text
    assert "Raise a preventive action" not in text and "Mark done" not in text
    assert client.post(CREATE_URL, {"month": "2026-03", "title": "x"}).status_code == 403
    assert client.post(step_url(action, "complete"), {"note": "x"}).status_code == 403
    action.refresh_from_db()
    assert action.state == ActionState.OPEN and PreventiveAction.objects.count() == 1


def test_an_agent_cannot_raise_or_complete_actions(client_as, agent, action):
    client = client_as(agent)
    assert client.post(CREATE_URL, {"month": "2026-03", "title": "x"}).status_code == 403
    assert client.post(step_url(action, "complete"), {"note": "x"}).status_code == 403
    action.refresh_from_db()
    assert action.state == ActionState.OPEN


def test_004_a_lead_raises_and_completes_a_measure_from_the_review_page(
    client_as, lead, senior, record_rca
):
    rca = record_rca("2026-03-10")
    client = client_as(lead)
    assert "Raise a preventive action" in client.get(MARCH_URL).content.decode()
    data = {
        "month": "2026-03",
        "title": "Watchdog for sync",
        "rca": rca.pk,
        "owner": senior.pk,
        "due_date": "2026-04-30",
    }
    response = client.post(CREATE_URL, data, follow=True)
    assert response.redirect_chain[-1][0] == MARCH_URL
    action = PreventiveAction.objects.get()
    assert (action.rca, action.category, action.created_by) == (rca, rca.ticket.category, lead)
    assert "Watchdog for sync" in response.content.decode()
    refused = client.post(step_url(action, "complete"), {"note": ""}, follow=True)
    assert "Not completed" in refused.content.decode()
    client.post(step_url(action, "complete"), {"note": "Watchdog deployed", "month": "2026-03"})
    action.refresh_from_db()
    assert action.state == ActionState.DONE and action.done_note == "Watchdog deployed"
    again = client.post(step_url(action, "complete"), {"note": "twice"}, follow=True)
    assert "already done" in again.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_date": "2200-01-01"}, "due date"),
        ({"due_date": "10000-01-01"}, "Enter a valid date"),
        ({"title": "x\x00y"}, "NUL character"),  # the middleware's 400
        ({"month": "2026-13"}, "no month 13"),
    ],
)
def test_a_bad_action_from_the_page_is_refused_with_a_message(
    client_as, lead, senior, change, message
):
    data = {
        "month": "2026-03",
        "title": "Watchdog",
        "category": Category.objects.get(code="feature-request").pk,
        "owner": senior.pk,
        "due_date": "2026-04-30",
        **change,
    }
    response = client_as(lead).post(CREATE_URL, data, follow=True)
    assert response.status_code in (200, 400) and message in response.content.decode()
    assert not PreventiveAction.objects.exists()


def test_the_page_prints_without_the_desk_chrome(client_as, lead):
    text = client_as(lead).get(MARCH_URL).content.decode()
    assert "data-print" in text and "reviews/print.js" in text and "reviews/review.css" in text
    from django.contrib.staticfiles import finders  # Imported here: only this test reads it.

    css = Path(finders.find("reviews/review.css")).read_text()
    assert "@media print" in css and ".desk-header" in css.split("@media print", 1)[1]


def test_the_csv_export_neutralises_formulas_in_root_causes(client_as, auditor, record_rca):
    record_rca("2026-03-10", root_cause='=HYPERLINK("http://evil")')
    url = reverse("reviews:export", kwargs={"month": "2026-03", "table": "root-causes"})
    response = client_as(auditor).get(url)
    assert response["Content-Disposition"].endswith('escalation-review-2026-03-root-causes.csv"')
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[4] == "Root cause" and row[4] == '\'=HYPERLINK("http://evil")'
    missing = reverse("reviews:export", kwargs={"month": "2026-03", "table": "nope"})
    assert client_as(auditor).get(missing).status_code == 400


def _page_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(MARCH_URL).status_code == 200


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_ticket_count(
    client_as, lead, senior, record_rca, django_assert_max_num_queries
):
    client = client_as(lead)
    record_rca("2026-03-02")
    from django.db import connection  # Imported here: counting queries of one request.
    from django.test.utils import CaptureQueriesContext  # Imported here: as above.

    with CaptureQueriesContext(connection) as one:
        client.get(MARCH_URL)
    for day in ("2026-03-05", "2026-03-06", "2026-03-07"):
        rca = record_rca(day, code="feature-request")
        preventive_action_create(
            actor=lead,
            title=f"Fix {day}",
            owner=senior,
            due_date=date(2026, 4, 1),
            review_month=date(2026, 3, 1),
            category=None,
            rca=rca,
        )
    _page_queries(client, django_assert_max_num_queries, len(one.captured_queries))


def test_the_admin_lists_actions_read_only(client_as, lead, action):
    client = client_as(lead)
    listing = client.get(reverse("admin:reviews_preventiveaction_changelist"))
    assert list(listing.context["cl"].result_list) == [action]
    assert client.get(reverse("admin:reviews_preventiveaction_add")).status_code == 403


def test_the_desk_nav_links_the_review_for_leads_but_not_agents(client_as, lead, agent):
    link = reverse("reviews:current")
    assert link in client_as(lead).get(reverse("desk:queue")).content.decode()
    assert link in client_as(lead).get(MARCH_URL).content.decode()
    assert link not in client_as(agent).get(reverse("desk:queue")).content.decode()


def test_the_auditor_sees_the_nav_link_on_the_review_page(client_as, auditor):
    assert reverse("reviews:current") in client_as(auditor).get(MARCH_URL).content.decode()

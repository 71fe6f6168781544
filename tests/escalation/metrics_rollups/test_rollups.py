"""The dashboard read from daily rollups shows exactly what a live computation shows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.choices import Priority
from core.schedules import PERIODIC_TASKS
from escalation.metrics.report import Report
from escalation.metrics.rollup import (
    mark_tickets_stale,
    metrics_rollup_rebuild,
    refresh_rollups,
)
from escalation.metrics.scope import scope_from
from escalation.metrics.views import _dashboard_tables
from escalation.models import (
    ClockRollup,
    HandoffRollup,
    Plan,
    RollupDay,
    StayRollup,
    Ticket,
    TicketRollup,
    TicketState,
)

DASHBOARD = "/admin/metrics/"
TODAY = date(2026, 11, 20)


def _scope(**params):
    scope, form = scope_from(params)
    assert scope is not None, form.errors
    return scope


def _cells(tables):
    return [(t.key, t.columns, [[(c.text, c.href) for c in row] for row in t.rows]) for t in tables]


def _shown(scope, *, rollups=True):
    tables, charts = _dashboard_tables(scope, rollups=rollups)
    report = Report(scope, rollups=rollups)
    values = (
        [f.value for f in report.headline()],
        [(r.value, r.stays, r.average, r.buckets) for r in report.tiers()],
        [(r.decided, r.met_count, r.business, r.calendar, r.paused) for r in report.sla()],
    )
    return _cells(tables), charts, values


def _filters(activity):
    team, other = activity["teams"]
    category = activity["categories"][1]
    return [
        {},
        {"priority": Priority.HIGH},
        {"plan": Plan.ENTERPRISE},
        {"category": str(category.pk)},
        {"team": str(team.pk)},
        {"team": str(other.pk), "priority": Priority.LOW, "plan": Plan.PRO},
    ]


@pytest.mark.parametrize("period", ["7", "30", "90"])
def test_figures_from_rollups_equal_the_live_figures(activity, period):
    metrics_rollup_rebuild()
    assert RollupDay.objects.filter(day=TODAY - timedelta(days=1), stale=False).exists()
    assert not RollupDay.objects.filter(day=TODAY).exists()  # today is always live
    for filters in _filters(activity):
        scope = _scope(period=period, **filters)
        assert Report(scope)._stop == TODAY  # every past day came from the rollups
        assert _shown(scope) == _shown(scope, rollups=False), filters


def test_a_custom_past_period_is_all_rollups_and_equal(activity):
    metrics_rollup_rebuild()
    scope = _scope(period="custom", **{"from": "2026-08-20", "to": "2026-10-31"})
    assert Report(scope)._live is None
    assert _shown(scope) == _shown(scope, rollups=False)
    filtered = _scope(period="custom", **{"from": "2026-09-02", "to": "2026-11-10", "plan": "pro"})
    assert _shown(filtered) == _shown(filtered, rollups=False)


def test_csv_export_from_rollups_equals_the_live_export(client_as, lead, activity, now):
    client = client_as(lead)
    params = {"period": "90", "priority": Priority.HIGH}
    live = {
        key: client.get(DASHBOARD, {**params, "export": key}).content
        for key in ("figures", "tiers", "sla", "per_day", "sla_weeks", "distribution")
    }
    metrics_rollup_rebuild()
    for key, content in live.items():
        assert client.get(DASHBOARD, {**params, "export": key}).content == content, key


def test_todays_activity_shows_without_a_rebuild(activity, agent):
    metrics_rollup_rebuild()
    scope = _scope(period="30")
    before = Report(scope).headline()[0].basis
    ticket = Ticket.objects.filter(created_at__date=TODAY).first()
    assert ticket is not None
    Ticket.objects.bulk_create([Ticket(**_copy(ticket), created_at=timezone.now())])
    after = Report(scope).headline()[0].basis
    total = int(before.split(" of ")[1].split()[0])
    assert after.endswith(f"of {total + 1} tickets")
    assert _shown(scope) == _shown(scope, rollups=False)


def _copy(ticket) -> dict:
    fields = ["customer", "category", "priority", "owner", "subject", "first_escalated_at"]
    return {f: getattr(ticket, f) for f in fields} | {"state": TicketState.NEW}


def test_rebuilding_twice_changes_nothing(activity):
    written = metrics_rollup_rebuild()
    rows = [list(m.objects.order_by("pk").values()) for m in (TicketRollup, ClockRollup)]
    first = _shown(_scope(period="90"))
    assert metrics_rollup_rebuild() == written
    again = [list(m.objects.order_by("pk").values()) for m in (TicketRollup, ClockRollup)]
    assert [[_no_pk(r) for r in t] for t in again] == [[_no_pk(r) for r in t] for t in rows]
    assert HandoffRollup.objects.count() and StayRollup.objects.count()
    assert _shown(_scope(period="90")) == first


def test_a_rebuild_costs_a_few_statements_whatever_the_days(activity):
    """The demo seeding rebuilds the last 91 days, the schedule up to 400: grouped and
    inserted in SQL, a range of days costs the same handful of statements."""
    counts = {}
    for days in (1, 91):
        with CaptureQueriesContext(connection) as queries:
            metrics_rollup_rebuild(start=TODAY - timedelta(days=days))
        counts[days] = len(queries)
    assert counts[91] == counts[1] <= 40, counts
    assert TicketRollup.objects.filter(day=TODAY - timedelta(days=1)).exists()


def _no_pk(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def test_dashboard_queries_do_not_grow_with_days(client_as, lead, activity):
    metrics_rollup_rebuild()
    client = client_as(lead)
    counts = {}
    for period in ("7", "30", "90"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD, {"period": period}).status_code == 200
        counts[period] = len(queries)
    assert counts["7"] == counts["30"] == counts["90"], counts


def test_a_ticket_resolved_long_after_it_opened_is_caught_by_the_schedule(activity):
    metrics_rollup_rebuild()
    old = Ticket.objects.filter(
        created_at__date__lt=TODAY - timedelta(days=40),
        first_escalated_at__isnull=False,
        state=TicketState.NEW,
    ).first()
    assert old is not None
    # As the resolving service's save leaves it (its `updated_at` moves).
    Ticket.objects.filter(pk=old.pk).update(
        state=TicketState.RESOLVED,
        resolved_after=timedelta(hours=30),
        resolved_at=timezone.now(),
        updated_at=timezone.now(),
    )
    scope = _scope(period="90")
    assert _shown(scope) != _shown(scope, rollups=False)  # the rollups lag until the run
    refresh_rollups()
    assert _shown(scope) == _shown(scope, rollups=False)


def test_a_stale_day_is_read_live_until_rebuilt(activity):
    metrics_rollup_rebuild()
    old = Ticket.objects.filter(created_at__date=TODAY - timedelta(days=50)).first()
    assert old is not None
    Ticket.objects.filter(pk=old.pk).update(priority=Priority.CRITICAL)  # no updated_at
    mark_tickets_stale([old.pk])
    scope = _scope(period="90", priority=Priority.CRITICAL)
    assert _shown(scope) == _shown(scope, rollups=False)
    refresh_rollups()
    assert not RollupDay.objects.filter(stale=True).exists()
    assert Report(scope)._stop == TODAY
    assert _shown(scope) == _shown(scope, rollups=False)


def test_the_schedule_keeps_the_rollups(activity):
    assert any(t.func == "escalation.metrics.tasks.refresh_metrics_rollups" for t in PERIODIC_TASKS)
    from escalation.metrics.tasks import refresh_metrics_rollups

    assert refresh_metrics_rollups() > 0
    assert RollupDay.objects.filter(stale=False).count() == 400
    assert Report(_scope(period="90"))._stop == TODAY

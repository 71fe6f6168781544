"""The metrics pages in the admin: the dashboard and the per-customer summary."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..models import Plan
from . import tables as t
from .customers import customer_summary
from .report import Report
from .scope import scope_from

PERMISSION = "escalation.view_metrics"
CUSTOMERS_PER_PAGE = 100


def _allowed(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied("The metrics are for leads and auditors.")


def _page(request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


def _dashboard_tables(scope, *, rollups: bool = True):
    """Every table of the dashboard; `rollups=False` computes all of it live."""
    report = Report(scope, rollups=rollups)
    tier_rows = report.tiers()
    per_day = report.escalations_per_day()
    per_week = report.sla_per_week()
    distribution = t.tier_distribution(tier_rows)
    tables = [
        t.figures_table(scope, report.headline()),
        t.tiers_table(scope, tier_rows),
        t.departments_table(scope, report.departments()),
        t.sla_table(scope, report.sla()),
        t.series_table("per_day", "Escalations per day, by tier reached", "Day", per_day),
        t.series_table("sla_weeks", "SLA attainment per week", "Week", per_week, "%"),
        t.series_table("distribution", "Time-at-tier distribution", "Stay", distribution),
    ]
    charts = {"per_day": per_day, "sla_weeks": per_week, "distribution": distribution}
    return tables, charts


@require_GET
def dashboard(request):
    _allowed(request)
    scope, form = scope_from(request.GET)
    context = {"form": form, "scope": scope}
    if scope is not None:
        tables, charts = _dashboard_tables(scope)
        export = request.GET.get("export")
        if export:
            table = next((x for x in tables if x.key == export), None)
            if table is not None:
                return t.csv_response(
                    table, f"escalation-{table.key}-{scope.start:%Y%m%d}-{scope.last_day:%Y%m%d}"
                )
            form.add_error(None, "There is no such table to export.")
            context["scope"] = None
        else:
            context.update(
                tables={x.key: x for x in tables}, charts=charts, query=urlencode(scope.params())
            )
    return _page(request, "admin/metrics/dashboard.html", "Escalation metrics", **context)


@require_GET
def customers(request):
    """Monthly per-customer summary for enterprise success reviews (003)."""
    _allowed(request)
    query = request.GET.copy()
    if "period" not in query:
        # A calendar month (last month by default) is what a success review looks at.
        last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
        query["period"] = "custom"
        query.setdefault("from", last_month_end.replace(day=1).isoformat())
        query.setdefault("to", last_month_end.isoformat())
        query.setdefault("plan", Plan.ENTERPRISE)
    scope, form = scope_from(query)
    context = {"form": form, "scope": scope, "months": _recent_months()}
    if scope is not None:
        rows = customer_summary(scope)
        if request.GET.get("export") == "customers":
            return t.csv_response(
                t.customers_table(scope, rows),
                f"customer-escalations-{scope.start:%Y%m%d}-{scope.last_day:%Y%m%d}",
            )
        page = Paginator(rows, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            table=t.customers_table(scope, page.object_list),
            page=page,
            query=urlencode(scope.params()),
        )
    return _page(request, "admin/metrics/customers.html", "Escalations per customer", **context)


def _recent_months(count: int = 12) -> list[tuple[str, str, str]]:
    """(label, first day, last day) of this month so far and the calendar months before it."""
    today = timezone.localdate()
    first = today.replace(day=1)
    months = [(f"{first:%B %Y} (so far)", first.isoformat(), today.isoformat())]
    for _ in range(count):
        last = first - timedelta(days=1)
        first = last.replace(day=1)
        months.append((f"{first:%B %Y}", first.isoformat(), last.isoformat()))
    return months

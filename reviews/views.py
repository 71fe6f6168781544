"""The monthly review page in the desk: leads and auditors read it, leads raise and
complete preventive actions from it; a printable layout and CSV exports of its tables."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.csv_export import csv_response
from core.errors import ApplicationError, InvalidInput
from escalation.desk.base import actor_of

from . import services
from .forms import ActionCompleteForm, ActionCreateForm, ActionReopenForm, form_error_text
from .models import PreventiveAction
from .pack import last_month, parse_month, rcas_of, review_pack
from .tables import TABLES

VIEW = "reviews.view_preventiveaction"


def reviewers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leads and auditors (who hold the view permission); everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.has_perm(VIEW):
            raise PermissionDenied("The monthly review is for leads and auditors.")
        return view(request, *args, **kwargs)

    return wrapped


def _bad_month(request: HttpRequest, refusal: InvalidInput) -> HttpResponse:
    return render(
        request,
        "reviews/bad_month.html",
        {"message": refusal.message, "last_month": f"{last_month():%Y-%m}"},
        status=400,
    )


@require_safe
@reviewers_only
def last_month_pack(request: HttpRequest) -> HttpResponse:
    """The review looks back at the month just finished."""
    return redirect("reviews:pack", month=f"{last_month():%Y-%m}")


@require_safe
@reviewers_only
def pack(request: HttpRequest, month: str) -> HttpResponse:
    try:
        first = parse_month(month)
    except InvalidInput as refusal:
        return _bad_month(request, refusal)
    data = review_pack(first)
    may_write = request.user.has_perm(services.CHANGE)
    context = {
        "pack": data,
        "today": timezone.localdate(),
        "may_write": may_write,
        "tables": TABLES,
    }
    if may_write:
        context["create_form"] = ActionCreateForm(initial={"month": data.slug}, rcas=rcas_of(first))
    return render(request, "reviews/pack.html", context)


@require_safe
@reviewers_only
def export(request: HttpRequest, month: str, table: str) -> HttpResponse:
    try:
        first = parse_month(month)
    except InvalidInput as refusal:
        return _bad_month(request, refusal)
    if table not in TABLES:
        return _bad_month(request, InvalidInput("There is no such table to export."))
    header, rows = TABLES[table].build(review_pack(first))
    return csv_response(f"escalation-review-{first:%Y-%m}-{table}", header, rows)


def _back(month: str) -> HttpResponse:
    try:
        return redirect("reviews:pack", month=f"{parse_month(month):%Y-%m}")
    except InvalidInput:
        return redirect(reverse("reviews:current"))


@require_POST
@reviewers_only
def action_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(services.ADD):
        raise PermissionDenied("Only leads raise preventive actions.")
    month = request.POST.get("month", "")
    form = ActionCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not created: " + form_error_text(form))
        return _back(month)
    data = form.cleaned_data
    try:
        action = services.preventive_action_create(
            actor=actor_of(request),
            title=data["title"],
            owner=data["owner"],
            due_date=data["due_date"],
            review_month=parse_month(data["month"]),
            category=data["category"],
            rca=data["rca"],
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
        return _back(month)
    messages.success(request, f"Preventive action “{action.title}” raised.")
    return _back(month)


STEPS = {
    "complete": (ActionCompleteForm, "completed"),
    "reopen": (ActionReopenForm, "reopened"),
}


@require_POST
@reviewers_only
def action_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Complete or reopen an action (an allow-list of steps, one service each)."""
    if not request.user.has_perm(services.CHANGE):
        raise PermissionDenied("Only leads complete or reopen preventive actions.")
    if step not in STEPS:
        raise PermissionDenied("There is no such step.")
    action = get_object_or_404(PreventiveAction, pk=pk)
    month = request.POST.get("month") or f"{action.review_month:%Y-%m}"
    form_class, verb = STEPS[step]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not {verb}: " + form_error_text(form))
        return _back(month)
    try:
        if step == "complete":
            services.preventive_action_complete(
                action=action, actor=actor_of(request), note=form.cleaned_data["note"]
            )
        else:
            services.preventive_action_reopen(
                action=action, actor=actor_of(request), reason=form.cleaned_data["reason"]
            )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
        return _back(month)
    messages.success(request, f"“{action.title}” {verb}.")
    return _back(month)

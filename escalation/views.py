"""The agents' desk (/desk/): plain pages over the same selectors the admin uses."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.errors import ApplicationError
from core.roles import user_tier
from sla.models import SlaSettings
from verification.forms import FactorForm, StartForm
from verification.models import VerificationState
from verification.selectors import verification_requests_for
from verification.services import verification_record_factor, verification_start

from .actions import run_ticket_action
from .models import HandoffInfo
from .policies import TICKET_ACTIONS, refusal, tickets_visible_to
from .selectors import (
    desk_queue,
    escalations_waiting_for,
    ticket_available_actions,
    ticket_for_user,
    ticket_route,
    ticket_search,
    with_sla_status,
)
from .timeline import ticket_timeline

PAGE_SIZE = 25


def desk_role_required(view):
    """Support roles only (agents of every tier and leads); others get 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if user_tier(request.user) is None:
            raise PermissionDenied("The desk is for support agents and leads.")
        return view(request, *args, **kwargs)

    return wrapped


@desk_role_required
def queue(request):
    now = timezone.now()
    page = Paginator(desk_queue(request.user, now), PAGE_SIZE).get_page(request.GET.get("page"))
    target = SlaSettings.load().acknowledgement_target
    waiting = [
        {"escalation": e, "waited": now - e.requested_at, "late": now - e.requested_at > target}
        for e in escalations_waiting_for(request.user)[:50]
    ]
    return render(
        request,
        "desk/queue.html",
        {"page": page, "waiting": waiting, "now": now, "ack_target": target},
    )


@desk_role_required
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    page = None
    if query:
        results = with_sla_status(
            ticket_search(tickets_visible_to(request.user), query).select_related(
                "customer", "category", "owner"
            )
        ).order_by("-created_at", "-pk")
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "desk/search.html", {"page": page, "query": query, "now": timezone.now()}
    )


@desk_role_required
def ticket(request, pk: int):
    """Everything needed to act on a ticket without the admin."""
    item = ticket_for_user(request.user, pk)
    category = item.category
    return render(
        request,
        "desk/ticket.html",
        {
            "ticket": item,
            "customer": item.customer,
            "verifications": list(verification_requests_for(item.customer)[:3]),
            "required_info": [HandoffInfo(c).label for c in category.required_info],
            "actions": ticket_available_actions(item, request.user),
            "timeline": ticket_timeline(item, limit=50),
            "route": ticket_route(item),
            "now": timezone.now(),
        },
    )


@desk_role_required
def ticket_action(request, pk: int, action: str):
    """The same forms and services as the admin's buttons, in the desk's look."""
    if action not in TICKET_ACTIONS:
        raise Http404("Unknown action.")
    item = ticket_for_user(request.user, pk)
    message = refusal(item, request.user, action)
    if message:
        messages.error(request, message)
        return redirect("desk:ticket", pk=item.pk)
    result = run_ticket_action(request, item, action)
    if result.done:
        messages.success(request, f"{item.reference} {TICKET_ACTIONS[action].verb}.")
        return redirect("desk:ticket", pk=item.pk)
    return render(
        request,
        "desk/action.html",
        {
            "ticket": item,
            "action": TICKET_ACTIONS[action],
            "form": result.form,
            "templates": result.templates,
        },
    )


@desk_role_required
def verification_start_view(request, pk: int):
    """Start an identity verification for this ticket's customer (003 before sensitive acts)."""
    item = ticket_for_user(request.user, pk)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = verification_start(
                subject=item.customer,
                actor=request.user,
                action=form.cleaned_data["action"],
                ticket_id=item.pk,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("desk:verification", pk=item.pk, request_id=started.pk)
    return render(request, "desk/verification.html", {"ticket": item, "form": form})


@desk_role_required
def verification_view(request, pk: int, request_id: int):
    """See a verification's factors and record the next one (only matched/failed and how)."""
    item = ticket_for_user(request.user, pk)
    check = get_object_or_404(verification_requests_for(item.customer), pk=request_id)
    form = None
    if check.state == VerificationState.COLLECTING:
        form = FactorForm(request.POST or None, request=check)
        if request.method == "POST" and form.is_valid():
            try:
                check = verification_record_factor(
                    request=check, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Factor recorded: the verification is {check.get_state_display().lower()}.",
                )
                return redirect("desk:verification", pk=item.pk, request_id=check.pk)
    return render(
        request,
        "desk/verification.html",
        {
            "ticket": item,
            "check": check,
            "form": form,
            "factors": check.factors.select_related("checked_by"),
        },
    )

"""The agents' desk (/desk/): plain pages over the same selectors the admin uses."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from core.roles import user_tier
from sla.models import SlaSettings

from .selectors import (
    desk_queue,
    escalations_waiting_for,
    ticket_search,
    tickets_visible_to,
    with_sla_status,
)

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

"""The desk's ticket pages: my queue, search, a ticket, its actions, a new ticket."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.errors import ApplicationError
from core.forms import show_refusal_on_form
from sla.models import SlaSettings
from verification.selectors import verification_requests_for

from ..actions import run_ticket_action
from ..forms import NewTicketForm
from ..holds import Held
from ..models import HandoffInfo
from ..policies import TICKET_ACTIONS, department_request_refusal, refusal, tickets_visible_to
from ..selectors import (
    QUEUE_SEGMENT_HAS_DEADLINE,
    desk_queue_segments,
    desk_queue_size,
    escalations_waiting_for,
    ticket_available_actions,
    ticket_for_user,
    ticket_refused_escalations,
    ticket_route,
    ticket_search,
    with_sla_status,
)
from ..services import customer_find_or_create, ticket_create
from ..services.communications import is_emailed
from ..timeline import handoff_items, pending_handoff, ticket_handoffs, ticket_timeline
from .base import PAGE_SIZE, actor_of, desk_role_required
from .keyset import keyset_page

QUEUE_COUNT_CAP = 500  # the queue counts my tickets this far, then says "500+"


@desk_role_required
def queue(request):
    """My active tickets, most urgent first, a page at a time by cursor (issue 18)."""
    now = timezone.now()
    page = keyset_page(
        desk_queue_segments(request.user, now),
        QUEUE_SEGMENT_HAS_DEADLINE,
        PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    target = SlaSettings.load().acknowledgement_target
    waiting = [
        {"escalation": e, "waited": now - e.requested_at, "late": now - e.requested_at > target}
        for e in escalations_waiting_for(request.user)[:50]
    ]
    return render(
        request,
        "desk/queue.html",
        {
            "page": page,
            "size": desk_queue_size(request.user, QUEUE_COUNT_CAP),
            "size_cap": QUEUE_COUNT_CAP,
            "waiting": waiting,
            "now": now,
            "ack_target": target,
        },
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


def _pending(handoffs, actions, now) -> dict | None:
    """The hand-off waiting to be accepted, and whether this user is the one to accept it
    (shown in full at the top for them; everyone else sees it in the timeline)."""
    escalation = pending_handoff(handoffs)
    if escalation is None:
        return None
    mine = any(a.code == "accept_escalation" for a in actions)
    waited = now - escalation.requested_at
    return {
        "escalation": escalation,
        "items": handoff_items(escalation),
        "mine": mine,
        "waited": waited,
        "late": mine and waited > SlaSettings.load().acknowledgement_target,
    }


@desk_role_required
def ticket(request, pk: int):
    """Everything needed to act on a ticket without the admin: the ticket with its
    description, the customer, the guidance, the hand-off waiting for this user (in full,
    at the top) and the timeline with every hand-off in full."""
    item = ticket_for_user(request.user, pk)
    category = item.category
    now = timezone.now()
    actions = ticket_available_actions(item, request.user)
    handoffs = ticket_handoffs(item, limit=50)
    return render(
        request,
        "desk/ticket.html",
        {
            "ticket": item,
            "customer": item.customer,
            "verifications": list(verification_requests_for(item.customer)[:3]),
            "required_info": [HandoffInfo(c).label for c in category.required_info],
            "actions": actions,
            "pending": _pending(handoffs, actions, now),
            "timeline": ticket_timeline(item, limit=50, handoffs=handoffs),
            "route": ticket_route(item),
            "refusals": ticket_refused_escalations(item),
            "department_requests": _requests_with_steps(item, actor_of(request)),
            "now": now,
        },
    )


def _requests_with_steps(item, user) -> list:
    """The ticket's requests to departments, each marked with whether this user may record
    its steps (the same policy the step page enforces), so no link leads to a refusal."""
    requests = list(item.department_requests.select_related("department").order_by("-pk")[:20])
    for asked in requests:
        asked.ticket = item  # the policy reads the ticket's owner: no query per row
        asked.may_record = department_request_refusal(asked, user) is None
    return requests


def _done_message(item, action: str, form) -> str:
    """What the user is told after an action; a contact says whether it was emailed."""
    text = f"{item.reference} {TICKET_ACTIONS[action].verb}"
    data = form.cleaned_data
    if action == "log_contact" and is_emailed(data["direction"], data["channel"]):
        return f"{text}: the message is emailed to {item.customer.email}."
    if action == "log_contact":
        return f"{text}: recorded on the ticket; nothing was sent."
    return f"{text}."


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
    if result.done and isinstance(result.outcome, Held):  # a trainee's: nothing changed yet
        messages.info(request, f"{item.reference}: {result.outcome.message}")
        return redirect("desk:ticket", pk=item.pk)
    if result.done:
        messages.success(request, _done_message(item, action, result.form))
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
def ticket_new(request: HttpRequest) -> HttpResponse:
    """Open a ticket from the desk (a case that reached an agent by phone or chat): find the
    customer by email or add them, then the ticket, owned by the agent, in one go."""
    form = NewTicketForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                customer = customer_find_or_create(
                    actor=actor_of(request),
                    email=data["email"],
                    name=data["name"],
                    company=data["company"],
                )
                created = ticket_create(
                    actor=actor_of(request),
                    customer=customer,
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    priority=data["priority"] or None,
                    sentiment=data["sentiment"],
                    external_reference=data["external_reference"],
                )
        except ApplicationError as exc:
            show_refusal_on_form(form, exc)
        else:
            messages.success(request, f"{created.reference} opened for {customer.name}.")
            return redirect("desk:ticket", pk=created.pk)
    return render(request, "desk/new_ticket.html", {"form": form})

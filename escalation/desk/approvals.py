"""Four-eyes approvals on the desk (issue 17): the lead home lists what waits; these
forms approve or reject one request through `approval_decide` (POST only, CSRF on)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.errors import ApplicationError

from ..models import APPROVE_PERMISSION, ApprovalRequest, ApprovalState, TicketState
from ..services.approvals import NOTE_LENGTH, approval_decide, decide_refusal
from .base import actor_of, desk_role_required

PENDING_ROWS = 20


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(required=False, max_length=NOTE_LENGTH, widget=forms.Textarea)


def pending_approvals(user, size: int = PENDING_ROWS) -> list[Any]:
    """The oldest pending requests first, each marked with whether `user` may decide it
    (never their own) and with `total`, how many are pending in all. One query: the rows
    with their ticket and requester joined, the total as a window over them."""
    rows: list[Any] = list(
        ApprovalRequest.objects.filter(state=ApprovalState.PENDING)
        # A closed or cancelled ticket's request can no longer take effect: not listed.
        .exclude(ticket__state__in=(TicketState.CLOSED, TicketState.CANCELLED))
        .select_related("ticket", "requested_by")
        .annotate(total=Window(Count("pk")))
        .order_by("requested_at", "pk")[:size]
    )
    for row in rows:
        row.may_decide = decide_refusal(row, user) is None
    return rows


@require_POST
@desk_role_required
def approval_decide_view(request, pk: int):
    """Approve or reject one request; the service refuses the requester and anyone
    without the approve permission, and a request decided meanwhile."""
    actor = actor_of(request)
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied("Your role may not approve or reject four-eyes requests.")
    approval = get_object_or_404(ApprovalRequest, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject; a note is plain text.")
        return redirect("desk:home")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = approval_decide(
            request=approval, actor=actor, approve=approve, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        messages.error(request, f"Approval #{approval.pk}: {exc.message}")
    else:
        verb = "approved: it has taken effect" if approve else "rejected: nothing changed"
        messages.success(request, f"Approval #{decided.pk} {verb} ({decided.summary}).")
    return redirect("desk:home")

"""Identity verification from the desk: start one for the ticket's customer, record factors."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from core.errors import ApplicationError
from core.forms import show_refusal_on_form
from verification.forms import FactorForm, StartForm
from verification.models import VerificationState
from verification.selectors import verification_requests_for
from verification.services import verification_record_factor, verification_start

from ..selectors import ticket_for_user
from .base import desk_role_required


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
            show_refusal_on_form(form, exc)
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
                show_refusal_on_form(form, exc)
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

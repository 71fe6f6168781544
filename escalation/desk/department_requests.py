"""A department's steps on a request, recorded from the desk by the ticket's owner (or
whoever asked, or a lead): acknowledged, answered, closed or withdrawn (000 §4.2)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.errors import ApplicationError
from core.forms import show_refusal_on_form

from ..actions import REQUEST_STEPS
from ..policies import department_request_refusal
from ..selectors import ticket_for_user
from .base import actor_of, desk_role_required


@desk_role_required
def department_request_step(
    request: HttpRequest, pk: int, request_id: int, step: str
) -> HttpResponse:
    spec = REQUEST_STEPS.get(step)
    if spec is None:
        raise Http404("Unknown step.")
    ticket = ticket_for_user(request.user, pk)
    asked = get_object_or_404(
        ticket.department_requests.select_related("department", "ticket"), pk=request_id
    )
    refused = department_request_refusal(asked, actor_of(request), step)
    if refused:
        messages.error(request, refused)
        return redirect("desk:ticket", pk=ticket.pk)
    form = spec.form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            spec.service(request=asked, actor=actor_of(request), **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal_on_form(form, exc)
        else:
            messages.success(request, f"Request to {asked.department} {spec.done}.")
            return redirect("desk:ticket", pk=ticket.pk)
    return render(
        request,
        "desk/department_request_step.html",
        {"ticket": ticket, "asked": asked, "step": spec, "form": form},
    )

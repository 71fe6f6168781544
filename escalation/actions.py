"""One way to run a ticket action from a web page, shared by the admin and the desk.

The action's form validates, exactly one service runs, and a refusal becomes form errors,
so both surfaces behave identically. The admin runs it as a step of its ticket page
(`escalation.admin.tickets`); the desk calls `run_ticket_action`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms

from core.errors import ApplicationError
from core.forms import show_refusal_on_form

from .forms import (
    ACTION_FORMS,
    ActionForm,
    RequestAcknowledgeForm,
    RequestAnswerForm,
    RequestCancelForm,
)
from .models import CommunicationTemplate, Direction, Ticket
from .services import (
    TICKET_ACTION_SERVICES,
    department_request_acknowledge,
    department_request_answer,
    department_request_cancel,
    department_request_close,
    template_render,
)


@dataclass
class ActionResult:
    form: ActionForm
    done: bool = False
    templates: list = field(default_factory=list)
    outcome: Any = None  # what the service returned (a `holds.Held`: waiting for review)


def ticket_action_service(action: str) -> Callable[..., Any]:
    """The one service behind a ticket button (called with ticket=, actor= and the form's
    `service_kwargs()`)."""
    return cast(Callable[..., Any], TICKET_ACTION_SERVICES[action])


def ticket_action_form(request, ticket: Ticket, action: str) -> ActionForm:
    """The action's form, bound on POST. A contact's form offers the active templates
    (`form.templates`); `?template=<pk>` renders one into it, editable before saving."""
    initial, templates = {}, []
    if action == "log_contact":
        templates = list(CommunicationTemplate.objects.filter(is_active=True))
        chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
        if chosen:
            initial = {
                "template": chosen.pk,
                "body": template_render(chosen, ticket, request.user),
                "direction": Direction.INTERNAL
                if chosen.purpose == "internal"
                else Direction.OUTBOUND,
            }
    data = request.POST if request.method == "POST" else None
    form = ACTION_FORMS[action](data, ticket=ticket, initial=initial)
    form.templates = templates
    return form


def run_ticket_action(request, ticket: Ticket, action: str) -> ActionResult:
    """GET: the form (a chosen template rendered into it); POST: run the service."""
    form = ticket_action_form(request, ticket, action)
    result = ActionResult(form=form, templates=list(form.templates))
    if request.method == "POST" and form.is_valid():
        try:
            service = ticket_action_service(action)
            result.outcome = service(ticket=ticket, actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            show_refusal_on_form(form, exc)
        else:
            result.done = True
    return result


# A department's steps on a request (000 §4.2), recorded by the ticket's owner, whoever
# asked, or a lead: the same form and service from the desk and the API.
@dataclass(frozen=True)
class RequestStep:
    """One step: its words, the one service it calls and the form that feeds it."""

    label: str
    done: str
    service: Callable[..., Any]
    form_class: type[forms.Form] = forms.Form


REQUEST_STEPS = {
    "acknowledge": RequestStep(
        "Record acknowledgement",
        "acknowledged",
        department_request_acknowledge,
        RequestAcknowledgeForm,
    ),
    "answer": RequestStep(
        "Record the answer", "answered", department_request_answer, RequestAnswerForm
    ),
    "close": RequestStep("Close", "closed", department_request_close),
    "cancel": RequestStep("Withdraw", "withdrawn", department_request_cancel, RequestCancelForm),
}

"""One way to run a ticket action from a web page, shared by the admin and the desk.

Validates with the action's form, calls exactly one service, and turns a refusal into
form errors, so both surfaces behave identically.
"""

from dataclasses import dataclass, field

from core.errors import ApplicationError

from .forms import ACTION_FORMS
from .models import CommunicationTemplate, Ticket
from .services import TICKET_ACTION_SERVICES, template_render


@dataclass
class ActionResult:
    form: object
    done: bool = False
    templates: list = field(default_factory=list)


def run_ticket_action(request, ticket: Ticket, action: str) -> ActionResult:
    """GET: the form (a chosen template rendered into it); POST: run the service."""
    initial, templates = {}, []
    if action == "log_contact":
        templates = list(CommunicationTemplate.objects.filter(is_active=True))
        chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
        if chosen:  # rendered here, editable before it is saved
            initial = {
                "template": chosen.pk,
                "body": template_render(chosen, ticket, request.user),
                "direction": "internal" if chosen.purpose == "internal" else "outbound",
            }
    form = ACTION_FORMS[action](request.POST or None, ticket=ticket, initial=initial)
    result = ActionResult(form=form, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            TICKET_ACTION_SERVICES[action](
                ticket=ticket, actor=request.user, **form.service_kwargs()
            )
        except ApplicationError as exc:
            for name, errors in exc.field_errors.items():
                form.add_error(name if name in form.fields else None, errors)
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            result.done = True
    return result

"""Major incidents: declared through the service, then moved on by step buttons."""

from functools import partial

from django.contrib import admin
from django.db.models import Count
from django.template.loader import render_to_string

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin

from ..forms import IncidentResolveForm, MajorIncidentForm
from ..models import CommunicationTemplate, MajorIncident
from ..services import incident_advance, incident_declare

RUN = "escalation.change_majorincident"


def _step(label: str, step: str, **kwargs) -> AdminStep:
    """A button that moves the incident on (`incident_advance(step=...)`)."""
    return AdminStep(
        label, partial(incident_advance, step=step), subject="incident", permission=RUN, **kwargs
    )


@admin.register(MajorIncident)
class MajorIncidentAdmin(ServiceAdminMixin, AuditedAdmin):
    form = MajorIncidentForm
    list_display = [
        "__str__",
        "affected_service",
        "state",
        "declared_by",
        "declared_at",
        "ticket_count",
        "customer_count",
    ]
    list_filter = ["state"]
    fields = ["title", "affected_service", "holding_message"]
    change_form_template = "admin/escalation/majorincident/change_form.html"

    # admin:escalation_majorincident_step
    steps = {
        "identify": _step("Identify", "identify"),
        "monitor": _step("Monitor", "monitor"),
        "resolve": _step("Resolve", "resolve", form_class=IncidentResolveForm),
    }

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("declared_by")
            .annotate(
                n_tickets=Count("tickets", distinct=True),
                n_customers=Count("tickets__customer", distinct=True),
            )
        )

    @admin.display(description="tickets", ordering="n_tickets")
    def ticket_count(self, obj):
        return obj.n_tickets

    @admin.display(description="affected customers", ordering="n_customers")
    def customer_count(self, obj):
        return obj.n_customers

    def get_changeform_initial_data(self, request):
        template = CommunicationTemplate.objects.filter(code="major-incident-holding").first()
        return {"holding_message": template.body if template else ""}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "title",
            "affected_service",
            "holding_message",
            "state",
            "resolution_message",
            "linked_tickets",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, "state", "resolution_message", "linked_tickets"]

    @admin.display(description="linked tickets and their customers")
    def linked_tickets(self, obj):
        """Every ticket the incident governs, with its customer, state and owner (one query)."""
        tickets = (
            obj.tickets.select_related("customer", "owner").order_by("customer__name", "pk")
            if obj.pk
            else []
        )
        return render_to_string(
            "admin/escalation/majorincident/_linked_tickets.html", {"tickets": tickets}
        )

    def save_with_service(self, request, form, obj):
        if obj is not None:
            return obj  # nothing is edited here: every change is a step
        return incident_declare(
            actor=request.user, **{f: form.cleaned_data[f] for f in self.fields}
        )

    def has_delete_permission(self, request, obj=None):
        return False

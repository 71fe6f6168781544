"""Major incidents: declared through the service, then moved on by step buttons."""

from functools import partial

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from sla.models import Clock, ClockPause

from ..forms import IncidentResolveForm, IncidentUnlinkForm, IncidentUpdateForm, MajorIncidentForm
from ..models import CommunicationTemplate, MajorIncident, Ticket
from ..services import (
    incident_advance,
    incident_declare,
    incident_post_update,
    incident_unlink_tickets,
    next_update_due,
)

RUN = "escalation.change_majorincident"


def _step(label: str, step: str, **kwargs) -> AdminStep:
    """A button that moves the incident on (`incident_advance(step=...)`)."""
    return AdminStep(
        label, partial(incident_advance, step=step), subject="incident", permission=RUN, **kwargs
    )


class _ResolveStep(AdminStep):
    def done_message(self, obj, result) -> str:
        left = ", ".join(t.reference for t in result.left_open)
        kept = f" Not resolved (escalated or waiting on a department): {left}." if left else ""
        return f"{obj}: resolved; its open tickets were resolved with it.{kept}"


class _UpdateStep(AdminStep):
    def done_message(self, obj, result) -> str:
        return f"{obj}: update sent to {result.customers_told} customer(s)."


class _UnlinkStep(AdminStep):
    def done_message(self, obj, result) -> str:
        return f"{obj}: {result} ticket(s) unlinked; their clocks run again."


@admin.register(MajorIncident)
class MajorIncidentAdmin(ServiceAdminMixin, AuditedAdmin):
    form = MajorIncidentForm
    list_display = [
        "__str__",
        "affected_service",
        "priority",
        "state",
        "declared_by",
        "declared_at",
        "ticket_count",
        "customer_count",
    ]
    list_filter = ["state", "priority"]
    fields = ["title", "affected_service", "priority", "holding_message"]
    change_form_template = "admin/escalation/majorincident/change_form.html"

    # admin:escalation_majorincident_step
    steps = {
        "identify": _step("Identify", "identify"),
        "monitor": _step("Monitor", "monitor"),
        "resolve": _ResolveStep(
            "Resolve",
            partial(incident_advance, step="resolve"),
            subject="incident",
            permission=RUN,
            form_class=IncidentResolveForm,
        ),
        "update": _UpdateStep(
            "Post status update",
            incident_post_update,
            subject="incident",
            permission=RUN,
            form_class=IncidentUpdateForm,
        ),
        "unlink": _UnlinkStep(
            "Unlink tickets",
            incident_unlink_tickets,
            subject="incident",
            permission=RUN,
            form_class=IncidentUnlinkForm,
        ),
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
        return [*self.get_fields(request, obj)]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [
            *self.fields,
            "state",
            "next_update",
            "status_updates",
            "resolution_message",
            "linked_tickets",
        ]

    @admin.display(description="next status update due")
    def next_update(self, obj):
        due = next_update_due(obj) if obj.pk else None
        if due is None:
            return "-"
        late = " (due now)" if due <= timezone.now() else ""
        return f"{timezone.localtime(due):%Y-%m-%d %H:%M %Z}{late}"

    @admin.display(description="status updates sent")
    def status_updates(self, obj):
        """Every update, newest first, with how many customers got it (one query)."""
        updates = obj.updates.select_related("author") if obj.pk else []
        return render_to_string(
            "admin/escalation/majorincident/_updates.html", {"updates": updates}
        )

    @admin.display(description="linked tickets, their customers and suspended clocks")
    def linked_tickets(self, obj):
        """Every ticket the incident governs, with its customer, state, owner and the clocks
        the incident holds (two queries, whatever the count)."""
        tickets = (
            list(obj.tickets.select_related("customer", "owner").order_by("customer__name", "pk"))
            if obj.pk
            else []
        )
        held: dict[int, list[Clock]] = {}
        if tickets:
            for clock in Clock.objects.filter(
                subject_type=ContentType.objects.get_for_model(Ticket),
                subject_id__in=[t.pk for t in tickets],
                stopped_at__isnull=True,
                pauses__ended_at__isnull=True,
                pauses__reason=ClockPause.Reason.INCIDENT,
            ).order_by("kind"):
                held.setdefault(clock.subject_id, []).append(clock)
        rows = [(t, held.get(t.pk, [])) for t in tickets]
        return render_to_string(
            "admin/escalation/majorincident/_linked_tickets.html", {"rows": rows}
        )

    def save_with_service(self, request, form, obj):
        if obj is not None:
            return obj  # nothing is edited here: every change is a step
        return incident_declare(
            actor=request.user, **{f: form.cleaned_data[f] for f in self.fields}
        )

    def has_delete_permission(self, request, obj=None):
        return False

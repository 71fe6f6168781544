"""The ticket's workflow records: hand-offs and contacts (read-only), department requests.

Services write them all; a department request's lifecycle is a row of step buttons.
"""

from django.contrib import admin

from core.admin import AuditedAdmin, ReadOnlyAdminMixin
from core.admin_steps import AdminStep, ServiceAdminMixin

from ..forms import RequestAcknowledgeForm, RequestAnswerForm, RequestCancelForm
from ..models import Communication, DepartmentRequest, Escalation
from ..policies import scope_to_user
from ..services import (
    department_request_acknowledge,
    department_request_answer,
    department_request_cancel,
    department_request_close,
)

# Whoever works tickets records what the department did.
RECORD = "escalation.change_ticket"


class ReadOnlyRecordAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    """A ticket's records, shown to whoever may see the ticket (scoped like the desk)."""

    def get_queryset(self, request):
        return scope_to_user(request.user, super().get_queryset(request), ticket="ticket")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "__str__",
        "type",
        "trigger",
        "state",
        "requested_by",
        "requested_at",
        "accepted_by",
        "accepted_at",
    ]
    list_filter = ["state", "to_tier", "type", "trigger"]
    list_select_related = ["ticket", "requested_by", "accepted_by"]
    search_fields = ["summary", "why_escalating", "ticket__subject"]
    date_hierarchy = "requested_at"
    show_full_result_count = False


@admin.register(Communication)
class CommunicationAdmin(ReadOnlyRecordAdmin):
    list_display = ["ticket", "direction", "channel", "author", "created_at", "is_complaint"]
    list_filter = ["direction", "channel", "is_complaint", "threatened_to_leave"]
    list_select_related = ["ticket", "author"]
    search_fields = ["body"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(DepartmentRequest)
class DepartmentRequestAdmin(ServiceAdminMixin, ReadOnlyRecordAdmin):
    list_display = [
        "__str__",
        "state",
        "external_reference",
        "created_at",
        "acknowledged_at",
        "answered_at",
        "response_time",
    ]
    list_filter = ["state", "department"]
    list_select_related = ["ticket", "department"]
    search_fields = ["needed", "external_reference", "ticket__subject"]
    change_form_template = "admin/escalation/departmentrequest/change_form.html"

    # admin:escalation_departmentrequest_step, one button of the request's lifecycle each
    steps = {
        "acknowledge": AdminStep(
            "Acknowledge",
            department_request_acknowledge,
            subject="request",
            form_class=RequestAcknowledgeForm,
            permission=RECORD,
        ),
        "answer": AdminStep(
            "Answer",
            department_request_answer,
            subject="request",
            form_class=RequestAnswerForm,
            permission=RECORD,
        ),
        "close": AdminStep("Close", department_request_close, subject="request", permission=RECORD),
        "cancel": AdminStep(
            "Cancel",
            department_request_cancel,
            subject="request",
            form_class=RequestCancelForm,
            permission=RECORD,
        ),
    }

"""Verification requests: agents record factors, approvers decide from their own queue.

Nothing is edited here: every change is a step button calling one service
(`core.admin_steps.ServiceAdminMixin`).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.template.loader import render_to_string
from django.urls import reverse

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from core.roles import writes_in_admin

from .forms import DecisionForm, FactorForm
from .models import ApprovalQueue, SensitiveAction, VerificationRequest, VerificationState
from .services import verification_approve, verification_record_factor, verification_reject

APPROVE = "verification.approve_verificationrequest"
RECORD = "verification.change_verificationrequest"


@admin.register(SensitiveAction)
class SensitiveActionAdmin(AuditedAdmin):
    list_display = ["name", "code", "risk_level", "is_active"]
    list_filter = ["risk_level", "is_active"]
    prepopulated_fields = {"code": ["name"]}


@dataclass(frozen=True)
class VerificationStep(AdminStep):
    """A step on a verification page: it reminds the agent never to write a secret down."""

    def extra_context(self, request, obj, form) -> dict:
        return {"secret_warning": True}


@dataclass(frozen=True)
class FactorStep(VerificationStep):
    """Record one factor; the form offers only the factors this risk level accepts."""

    def get_form(self, request, obj):
        return self.form_class(**self.form_data(request), request=obj)

    def done_message(self, obj, result) -> str:
        return f"Factor recorded; the request is {result.get_state_display().lower()}."

    def done_url(self, obj, result) -> str:
        return reverse("admin:verification_verificationrequest_change", args=[obj.pk])


@dataclass(frozen=True)
class DecisionStep(VerificationStep):
    """Approve or reject; afterwards, back to the queue of what still waits."""

    def done_message(self, obj, result) -> str:
        return f"{result} — {result.get_state_display().lower()}."

    def done_url(self, obj, result) -> str:
        return reverse("admin:verification_approvalqueue_changelist")


class RequestAdminBase(ServiceAdminMixin, AuditedAdmin):
    list_display = [
        "__str__",
        "subject_label",
        "risk_level",
        "state",
        "requested_by",
        "created_at",
        "expires_at",
    ]
    list_filter = ["state", "risk_level"]
    list_select_related = ["action", "requested_by", "subject_type"]
    readonly_fields = fields = (
        "subject_label",
        "ticket_id",
        "action",
        "risk_level",
        "state",
        "requested_by",
        "created_at",
        "expires_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "factor_table",
    )
    change_form_template = "admin/verification/change_form.html"
    show_full_result_count = False

    # admin:verification_<model>_factor and admin:verification_<model>_decide
    step_paths = {"factor": "factor/", "decide": "decide/<slug:step>/"}
    steps = {
        "factor": FactorStep(
            "Record a factor",
            verification_record_factor,
            subject="request",
            form_class=FactorForm,
            permission=RECORD,
            path="factor",
            button="Record factor",
        ),
        "approve": DecisionStep(
            "Approve",
            verification_approve,
            subject="request",
            form_class=DecisionForm,
            permission=APPROVE,
            path="decide",
        ),
        "reject": DecisionStep(
            "Reject",
            verification_reject,
            subject="request",
            form_class=DecisionForm,
            permission=APPROVE,
            path="decide",
        ),
    }

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")

    def has_add_permission(self, request):
        return False  # requests start from the customer (or ticket) page

    def has_change_permission(self, request, obj=None):
        return False  # every change is a step button calling a service

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="customer")
    def subject_label(self, obj):
        return str(obj.subject)

    @admin.display(description="factors checked")
    def factor_table(self, obj) -> str:
        factors = list(obj.factors.select_related("checked_by"))
        if not factors:
            return "-"
        return render_to_string("admin/verification/_factors.html", {"factors": factors})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if obj is not None:
            user = request.user
            extra_context["can_record"] = (
                obj.state == VerificationState.COLLECTING
                and writes_in_admin(user)
                and user.has_perm(RECORD)
            )
            extra_context["can_decide"] = (
                obj.state == VerificationState.AWAITING_APPROVAL
                and user.has_perm(APPROVE)
                and user.pk != obj.requested_by_id
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(VerificationRequest)
class VerificationRequestAdmin(RequestAdminBase):
    pass


@admin.register(ApprovalQueue)
class ApprovalQueueAdmin(RequestAdminBase):
    """Only approvers see the queue; agents never do, even by URL."""

    list_display = ["__str__", "subject_label", "requested_by", "created_at", "expires_at"]
    list_filter = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=VerificationState.AWAITING_APPROVAL)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(APPROVE)

    def has_module_permission(self, request):
        return request.user.has_perm(APPROVE)

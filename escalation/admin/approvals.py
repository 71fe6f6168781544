"""Four-eyes approvals in the admin (issue 17): leads switch which actions need a second
person (`ApprovalRule`), and decide requests (`ApprovalRequest`, read-only: approve and
reject are steps and a list action, each calling `approval_decide`)."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.urls import reverse

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from core.errors import ApplicationError
from core.roles import writes_in_admin

from ..models import APPROVE_PERMISSION, ApprovalRequest, ApprovalRule
from ..policies import scope_to_user
from ..services.approvals import (
    NOTE_LENGTH,
    approval_decide,
    approval_rule_set,
    decide_refusal,
)


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(ServiceAdminMixin, AuditedAdmin):
    """One row per gated kind, seeded by the migration: leads only switch them on or off."""

    list_display = ["kind", "enabled"]
    fields = ["kind", "enabled"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False  # one row per kind, created by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_with_service(self, request, form, obj):
        return approval_rule_set(rule=obj, actor=request.user, enabled=form.cleaned_data["enabled"])


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to reject: the requester reads it.",
    )


@dataclass(frozen=True)
class DecisionStep(AdminStep):
    approve: bool = True

    def refusal(self, request, obj):
        return decide_refusal(obj, request.user)

    def call(self, request, obj, form):
        return approval_decide(
            request=obj, actor=request.user, approve=self.approve, note=form.cleaned_data["note"]
        )

    def done_message(self, obj, result) -> str:
        outcome = "it has taken effect" if self.approve else "nothing changed"
        return f"{result}: {result.get_state_display().lower()}, {outcome}."

    def done_url(self, obj, result) -> str:
        return reverse("admin:escalation_approvalrequest_changelist")


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ServiceAdminMixin, AuditedAdmin):
    list_display = ["__str__", "ticket", "kind", "state", "requested_by", "requested_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["ticket", "requested_by"]
    readonly_fields = fields = (
        "ticket",
        "kind",
        "summary",
        "change",
        "reason",
        "state",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    change_form_template = "admin/escalation/approvalrequest/change_form.html"
    actions = ["approve_selected"]

    def get_queryset(self, request):
        # A request shows its ticket's subject and the reason: only for those who may see
        # the ticket (an agent their own and their tier's), as the other ticket records.
        return scope_to_user(request.user, super().get_queryset(request), ticket="ticket")

    step_paths = {"decide": "decide/<slug:step>/"}  # admin:escalation_approvalrequest_decide
    steps = {
        "approve": DecisionStep(
            "Approve",
            approval_decide,
            subject="request",
            form_class=DecisionNoteForm,
            permission=APPROVE_PERMISSION,
            path="decide",
            tone="primary",
        ),
        "reject": DecisionStep(
            "Reject",
            approval_decide,
            subject="request",
            form_class=DecisionNoteForm,
            permission=APPROVE_PERMISSION,
            path="decide",
            approve=False,
        ),
    }

    def has_add_permission(self, request):
        return False  # requests come from the gated actions

    def has_change_permission(self, request, obj=None):
        return False  # every decision is a step calling the service

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return writes_in_admin(request.user) and request.user.has_perm(APPROVE_PERMISSION)

    @admin.action(description="Approve the selected requests", permissions=["approve"])
    def approve_selected(self, request, queryset):
        """Each through the service: the requester's own and decided ones are refused."""
        done = 0
        for approval in queryset.order_by("requested_at", "pk"):
            try:
                approval_decide(request=approval, actor=request.user, approve=True)
            except ApplicationError as exc:
                self.message_user(request, f"{approval}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} approved: they have taken effect.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["can_decide"] = (
                writes_in_admin(request.user) and decide_refusal(obj, request.user) is None
            )
        return super().change_view(request, object_id, form_url, extra_context)

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin import AuditedAdmin
from core.errors import ApplicationError

from .forms import DecisionForm, FactorForm
from .models import ApprovalQueue, SensitiveAction, VerificationRequest, VerificationState
from .services import verification_approve, verification_record_factor, verification_reject

APPROVE = "verification.approve_verificationrequest"


@admin.register(SensitiveAction)
class SensitiveActionAdmin(AuditedAdmin):
    list_display = ["name", "code", "risk_level", "is_active"]
    list_filter = ["risk_level", "is_active"]
    prepopulated_fields = {"code": ["name"]}


class RequestAdminBase(AuditedAdmin):
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
    readonly_fields = [
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
    ]
    fields = readonly_fields
    change_form_template = "admin/verification/change_form.html"
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")

    def has_add_permission(self, request):
        return False  # requests start from the customer (or ticket) page

    def has_change_permission(self, request, obj=None):
        return False  # every change is an action button calling a service

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="customer")
    def subject_label(self, obj):
        return str(obj.subject)

    @admin.display(description="factors checked")
    def factor_table(self, obj):
        rows = [
            (
                f.get_kind_display(),
                "matched" if f.matched else "FAILED",
                f.get_method_display(),
                f.checked_by,
                f.checked_at.strftime("%Y-%m-%d %H:%M"),
            )
            for f in obj.factors.select_related("checked_by")
        ]
        if not rows:
            return "-"
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr>" + "<td>{}</td>" * 5 + "</tr>", rows)
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/factor/",
                self.admin_site.admin_view(self.factor_view),
                name=f"{info[0]}_{info[1]}_factor",
            ),
            path(
                "<path:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{info[0]}_{info[1]}_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if obj is not None:
            user = request.user
            extra_context["can_record"] = (
                obj.state == VerificationState.COLLECTING
                and user.has_perm("verification.change_verificationrequest")
            )
            extra_context["can_decide"] = (
                obj.state == VerificationState.AWAITING_APPROVAL
                and user.has_perm(APPROVE)
                and user.pk != obj.requested_by_id
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _page(self, request, obj, title, form, button):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "form": form,
            "button": button,
            "secret_warning": True,
            "change_url": reverse(
                f"admin:verification_{self.opts.model_name}_change", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, "admin/action_form.html", context)

    def _get(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such verification.")
        return obj

    def factor_view(self, request, object_id):
        obj = self._get(request, object_id)
        if not request.user.has_perm("verification.change_verificationrequest"):
            raise PermissionDenied
        form = FactorForm(request.POST or None, request=obj)
        if request.method == "POST" and form.is_valid():
            try:
                updated = verification_record_factor(
                    request=obj, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                for field, errors in exc.field_errors.items():
                    form.add_error(field if field in form.fields else None, errors)
                if not exc.field_errors:
                    form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    f"Factor recorded; the request is {updated.get_state_display().lower()}.",
                )
                return HttpResponseRedirect(
                    reverse("admin:verification_verificationrequest_change", args=[obj.pk])
                )
        return self._page(request, obj, f"Record a factor: {obj}", form, "Record factor")

    def decide_view(self, request, object_id, decision):
        if decision not in ("approve", "reject"):
            raise Http404("Unknown decision.")
        obj = self._get(request, object_id)
        if not request.user.has_perm(APPROVE):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            service = verification_approve if decision == "approve" else verification_reject
            try:
                updated = service(
                    request=obj, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{updated} — {updated.get_state_display().lower()}.")
                return HttpResponseRedirect(reverse("admin:verification_approvalqueue_changelist"))
        return self._page(
            request, obj, f"{decision.capitalize()}: {obj}", form, decision.capitalize()
        )


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

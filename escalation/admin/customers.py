"""Customers: their account and flags, and the button that starts an identity check."""

from dataclasses import dataclass

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from verification.forms import StartForm
from verification.selectors import verification_requests_for
from verification.services import verification_start

from ..models import Customer, Ticket
from ..selectors import support_staff


@dataclass(frozen=True)
class VerifyIdentityStep(AdminStep):
    """Start a verification for this customer; `?ticket=ESC-...` ties it to a ticket."""

    def service_kwargs(self, request, obj, form) -> dict:
        ticket_id = Ticket.pk_from_reference(request.GET.get("ticket", ""))
        return {**form.cleaned_data, "ticket_id": ticket_id}

    def done_message(self, obj, result) -> str:
        return f"{result} started: record the factors now."

    def done_url(self, obj, result) -> str:
        return reverse("admin:verification_verificationrequest_change", args=[result.pk])


@admin.register(Customer)
class CustomerAdmin(ServiceAdminMixin, AuditedAdmin):
    change_form_template = "admin/escalation/customer/change_form.html"
    list_display = [
        "name",
        "email",
        "company",
        "plan",
        "is_vip",
        "success_manager",
        "churn_risk",
        "is_media",
    ]
    list_filter = ["plan", "is_vip", "churn_risk", "is_media"]
    search_fields = ["name", "email", "company", "external_user_id"]
    list_select_related = ["success_manager"]
    show_full_result_count = False
    autocomplete_fields = []
    fieldsets = [
        (None, {"fields": ["name", "email", "external_user_id", "company"]}),
        ("Account", {"fields": ["plan", "is_vip", "success_manager"]}),
        ("Flags", {"fields": ["churn_risk", "churn_risk_reason", "is_media"]}),
        (
            "Identity",
            {"fields": ["identity_verified_level", "identity_verified_at", "verifications"]},
        ),
    ]
    readonly_fields = ["identity_verified_level", "identity_verified_at", "verifications"]

    step_paths = {"verify": "verify/"}  # admin:escalation_customer_verify
    steps = {
        "verify": VerifyIdentityStep(
            "Verify identity",
            verification_start,
            subject="subject",
            form_class=StartForm,
            permission="verification.add_verificationrequest",
            path="verify",
            button="Start verification",
            title="Verify the identity of {obj}",
        )
    }

    @admin.display(description="verification requests")
    def verifications(self, obj: Customer) -> str:
        requests = list(verification_requests_for(obj))
        if not requests:
            return "-"
        return render_to_string(
            "admin/escalation/customer/_verifications.html", {"requests": requests}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "success_manager":
            kwargs["queryset"] = support_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

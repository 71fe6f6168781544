"""Leads review held email: read it, then attach it to a ticket or dismiss it with a
reason. Nothing is edited here; each decision is a step calling one service."""

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from core.roles import writes_in_admin

from .forms import AttachForm, DismissForm
from .models import REVIEW, InboundEmail
from .services import inbound_email_attach, inbound_email_dismiss


@dataclass(frozen=True)
class ReviewStep(AdminStep):
    """A decision on a held email; afterwards, back to the list of what is still held."""

    def refusal(self, request, obj) -> str | None:
        if obj.state != InboundEmail.State.HELD:
            return f"This email is already {obj.get_state_display().lower()}."
        return None

    def get_form(self, request, obj):
        initial = {"ticket_reference": obj.ticket.reference} if obj.ticket_id else {}
        return self.form_class(**self.form_data(request), initial=initial)

    def done_message(self, obj, result) -> str:
        if result.state == InboundEmail.State.ATTACHED:
            return f"The email from {result.sender} is on {result.ticket.reference}."
        return f"The email from {result.sender or '(no sender)'} is dismissed."

    def done_url(self, obj, result) -> str:
        held = InboundEmail.State.HELD
        return reverse("admin:inbox_inboundemail_changelist") + f"?state__exact={held}"


@admin.register(InboundEmail)
class InboundEmailAdmin(ServiceAdminMixin, AuditedAdmin):
    list_display = ["received_at", "sender", "subject", "state", "reason", "ticket_reference"]
    list_filter = ["state", "reason", "esp"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket"]
    show_full_result_count = False
    readonly_fields = fields = (
        "received_at",
        "sender",
        "recipients",
        "subject",
        "state",
        "reason",
        "detail",
        "ticket_reference",
        "text",
        "original",
        "message_id",
        "esp",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    )
    change_form_template = "admin/inbox/inboundemail/change_form.html"

    # admin:inbox_inboundemail_review (review/attach/, review/dismiss/)
    step_paths = {"review": "review/<slug:step>/"}
    steps = {
        "attach": ReviewStep(
            "Attach to a ticket",
            inbound_email_attach,
            subject="email",
            form_class=AttachForm,
            permission=REVIEW,
            path="review",
            button="Attach",
            tone="primary",
        ),
        "dismiss": ReviewStep(
            "Dismiss",
            inbound_email_dismiss,
            subject="email",
            form_class=DismissForm,
            permission=REVIEW,
            path="review",
            tone="danger",
        ),
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ticket", "reviewed_by")

    def has_add_permission(self, request):
        return False  # email arrives from the provider only

    def has_change_permission(self, request, obj=None):
        return False  # every decision is a step calling a service

    def has_delete_permission(self, request, obj=None):
        return False  # held email is dismissed with a reason, never deleted

    @admin.display(description="ticket", ordering="ticket")
    def ticket_reference(self, obj) -> str:
        if obj.ticket_id is None:
            return "-"
        url = reverse("admin:escalation_ticket_change", args=[obj.ticket_id])
        return format_html('<a href="{}">{}</a>', url, obj.ticket.reference)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        extra_context["can_review"] = (
            obj is not None
            and obj.state == InboundEmail.State.HELD
            and writes_in_admin(request.user)
            and request.user.has_perm(REVIEW)
        )
        return super().change_view(request, object_id, form_url, extra_context)

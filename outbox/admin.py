"""Leads watch and re-send outgoing messages; nobody edits them."""

from django.contrib import admin, messages

from core.admin import AuditedAdmin, ReadOnlyAdminMixin
from core.errors import ApplicationError

from .models import OutboxMessage
from .services import outbox_resend


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "state",
        "attempts",
        "next_attempt_at",
        "held_for",
        "sent_at",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "subject", "event_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend_selected"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_outboxmessage")

    @admin.action(description="Re-send selected messages", permissions=["resend"])
    def resend_selected(self, request, queryset):
        sent = 0
        for message in queryset:
            try:
                outbox_resend(message=message, actor=request.user)
                sent += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        if sent:
            self.message_user(request, f"{sent} message(s) queued for re-sending.")

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from audit.views import object_history

from .errors import ApplicationError
from .models import OutboxMessage
from .services import outbox_resend

admin.site.site_header = "Escalation back office"
admin.site.site_title = "Escalation back office"
admin.site.index_title = "Escalations, SLAs, verification and the directory"


class AuditedAdmin(SimpleHistoryAdmin):
    """History for every record, and no way to revert it from the product.

    SIMPLE_HISTORY_REVERT_DISABLED only hides the button; the history form view
    still saves a valid POST (even a view-only user's), and on state-machine
    models a revert would bypass the transitions. So POST is refused outright.
    The history page shows the audit trail's entries for this one record.
    """

    def history_view(self, request, object_id, extra_context=None):
        return object_history(self, request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("History cannot be reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """Records only services write: the admin lists, filters and shows them, nothing more."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        "sent_at",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "subject", "event_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend_selected"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_resend_permission(self, request):
        return request.user.has_perm("core.resend_outboxmessage")

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

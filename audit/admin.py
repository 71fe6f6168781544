"""Access events (read-only, for auditors) and the audit trail page hung on their admin."""

from django.contrib import admin
from django.urls import path

from core.admin import ReadOnlyAdminMixin

from . import views
from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: nobody adds, edits or deletes them here, superusers included."""

    change_list_template = "admin/audit/accessevent/change_list.html"
    list_display = ["at", "kind", "username", "group", "actor", "detail", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]
    list_select_related = ["actor", "group"]
    show_full_result_count = False
    actions = None

    def get_urls(self):
        return [
            path(
                "trail/",
                self.admin_site.admin_view(self.trail_view),
                name="audit_trail",
            ),
            path(
                "trail/csv/",
                self.admin_site.admin_view(self.trail_csv_view),
                name="audit_trail_csv",
            ),
            *super().get_urls(),
        ]

    def trail_view(self, request):
        return views.trail(request, self.admin_site)

    def trail_csv_view(self, request):
        return views.trail_csv(request, self.admin_site)

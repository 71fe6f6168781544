"""Preventive actions in the admin: read-only lists and history. They are raised and
completed on the desk's review page, whose forms call the services (a lead needs the
note of what was done, which a bare change form would not enforce)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import AuditedAdmin, ReadOnlyAdminMixin

from .models import PreventiveAction


@admin.register(PreventiveAction)
class PreventiveActionAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    list_display = ["title", "category", "owner", "due_date", "state", "review_month", "review"]
    list_filter = ["state", "category", "review_month"]
    search_fields = ["title", "done_note"]
    date_hierarchy = "due_date"
    list_select_related = ["category", "owner"]
    fields = [
        "title",
        "review_month",
        "category",
        "rca",
        "owner",
        "due_date",
        "state",
        "done_note",
        "done_at",
        "done_by",
        "created_by",
        "created_at",
    ]

    @admin.display(description="Review page")
    def review(self, obj: PreventiveAction) -> str:
        url = reverse("reviews:pack", kwargs={"month": f"{obj.review_month:%Y-%m}"})
        return format_html('<a href="{}">{}</a>', url, f"{obj.review_month:%B %Y}")

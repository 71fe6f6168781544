"""Directory admins and leads keep the trainees (mentor, start date) here; the held
actions and review entries are shown, never changed: reviewing is the mentor's desk work
(/desk/training/), through the services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import AuditedAdmin, ReadOnlyAdminMixin

from .models import HeldAction, ReviewEntry, Trainee


@admin.register(Trainee)
class TraineeAdmin(AuditedAdmin):
    list_display = ["user", "mentor", "start_date", "stage", "learning"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "mentor"]
    list_select_related = ["user", "mentor"]
    fields = ["user", "mentor", "start_date", "note"]

    @admin.display(description="Stage (from the start date)")
    def stage(self, obj: Trainee) -> str:
        return obj.get_stage_display()

    @admin.display(description="Learning view")
    def learning(self, obj: Trainee) -> str:
        return format_html(
            '<a href="{}">open</a>', reverse("training:learning", args=[obj.user_id])
        )


@admin.register(HeldAction)
class HeldActionAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    list_display = ["ticket", "trainee", "kind", "stage", "state", "created_at", "reviewed_by"]
    list_filter = ["state", "kind", "stage"]
    list_select_related = ["ticket", "trainee__user", "trainee__mentor", "reviewed_by"]
    search_fields = ["ticket__subject", "trainee__user__username"]
    readonly_fields = ["desk_page"]

    @admin.display(description="Review on the desk")
    def desk_page(self, obj: HeldAction) -> str:
        return format_html('<a href="{}">open</a>', reverse("training:held", args=[obj.pk]))


@admin.register(ReviewEntry)
class ReviewEntryAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    list_display = ["ticket", "trainee", "kind", "created_at", "reviewed_by", "reviewed_at"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "trainee__user", "trainee__mentor", "reviewed_by"]
    search_fields = ["ticket__subject", "trainee__user__username"]

from django.contrib import admin
from django.utils import timezone

from core.admin import AuditedAdmin

from .models import ContactChannel, Department, OnCallShift
from .routing import on_call_now_by_department, open_status


class ContactChannelInline(admin.TabularInline):
    model = ContactChannel
    extra = 0
    fields = ["kind", "value", "label", "restriction", "position"]


class OnCallShiftInline(admin.TabularInline):
    model = OnCallShift
    extra = 0
    fields = ["person", "starts_at", "ends_at", "is_override", "phone", "note"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        # Current and future shifts only: the rotation ahead, not years of past ones.
        return super().get_queryset(request).filter(ends_at__gt=timezone.now())


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = [
        "name",
        "handles",
        "calendar",
        "critical_around_the_clock",
        "response_time_note",
        "open_now",
        "on_call",
    ]
    list_filter = ["critical_around_the_clock", "calendar"]
    search_fields = ["name", "handles", "purpose"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["members"]
    autocomplete_fields = ["lead"]
    inlines = [ContactChannelInline, OnCallShiftInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("calendar")
            .prefetch_related("calendar__spans", "calendar__holidays")
        )

    def changelist_view(self, request, extra_context=None):
        self._now = timezone.now()
        self._on_call = on_call_now_by_department(self._now)
        return super().changelist_view(request, extra_context)

    @admin.display(description="open now")
    def open_now(self, obj: Department) -> str:
        is_open, opens_at = open_status(obj, self._now)
        if is_open:
            return "Open"
        return f"Closed, opens {timezone.localtime(opens_at):%a %H:%M}" if opens_at else "Closed"

    @admin.display(description="on call now")
    def on_call(self, obj: Department) -> str:
        shift = self._on_call.get(obj.pk)
        return str(shift.person) if shift else "-"


@admin.register(OnCallShift)
class OnCallShiftAdmin(AuditedAdmin):
    list_display = ["department", "person", "starts_at", "ends_at", "is_override"]
    list_filter = ["department", "is_override"]
    list_select_related = ["department", "person"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["person"]

"""Directory admins keep departments, channels, schedules and shifts here; everyone else
reads (core.admin.AuditedAdmin makes the admin read-only for roles that do not write)."""

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin import AuditedAdmin
from sla.models import validate_time_zone

from .forms import ScheduleLayerForm
from .models import (
    ContactChannel,
    Department,
    EscalationLevel,
    EscalationPolicy,
    JiraTarget,
    OnCallShift,
    Schedule,
    ScheduleLayer,
    WorkingHours,
)
from .oncall import on_call_entries
from .routing import on_call_now_by_department, open_status
from .selectors import shifts_by_department
from .services import layer_members_set

PREVIEW = timedelta(weeks=2)


class ContactChannelInline(admin.TabularInline):
    model = ContactChannel
    extra = 0
    fields = ["kind", "value", "label", "restriction", "position"]


class JiraTargetInline(admin.StackedInline):
    """Where the department's requests also become Jira issues; the account and token
    are the environment's (JIRA_EMAIL, JIRA_API_TOKEN), never typed in here."""

    model = JiraTarget
    extra = 0
    max_num = 1
    fields = ["site_url", "project_key", "issue_type", "field_mapping", "is_active"]


class OnCallShiftInline(admin.TabularInline):
    model = OnCallShift
    extra = 0
    fields = ["person", "starts_at", "ends_at", "is_override", "phone", "note"]
    autocomplete_fields = ["person"]
    verbose_name = "entered shift or override"
    verbose_name_plural = "entered shifts and overrides (on top of the schedule)"

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
    inlines = [ContactChannelInline, JiraTargetInline, OnCallShiftInline]
    readonly_fields = ["on_call_setup"]

    @admin.display(description="on-call schedule and escalation policy")
    def on_call_setup(self, obj: Department) -> str:
        """Where the department's rota and paging are kept (their own admin pages)."""
        if obj.pk is None:
            return "Save the department first, then add its schedule and escalation policy."
        links = [
            (reverse("admin:contacts_schedule_change", args=[s.pk]), f"Schedule: {s}")
            for s in Schedule.objects.filter(department=obj).order_by("pk")
        ] or [(reverse("admin:contacts_schedule_add") + f"?department={obj.pk}", "Add a schedule")]
        policy = EscalationPolicy.objects.filter(department=obj).first()
        links.append(
            (
                reverse("admin:contacts_escalationpolicy_change", args=[policy.pk]),
                "Escalation policy",
            )
            if policy
            else (
                reverse("admin:contacts_escalationpolicy_add") + f"?department={obj.pk}",
                "Add an escalation policy",
            )
        )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

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


@admin.register(WorkingHours)
class WorkingHoursAdmin(AuditedAdmin):
    """When a person works: non-critical email alerts to them wait for these hours; critical
    ones go at once, copied to whoever is on call for their departments (issue 16)."""

    list_display = ["person", "calendar", "note"]
    list_select_related = ["person", "calendar"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]
    autocomplete_fields = ["person"]


def _page_zone(request, object_id) -> ZoneInfo:
    posted = request.POST.get("time_zone", "") if request.method == "POST" else ""
    if posted:
        try:
            validate_time_zone(posted)
            return ZoneInfo(posted)
        except ValidationError:
            pass  # the form reports it; meanwhile read times as the site does
    if object_id:
        try:
            saved = Schedule.objects.filter(pk=object_id).values_list("time_zone", flat=True)
            return ZoneInfo(saved.first() or settings.TIME_ZONE)
        except (ValueError, ValidationError, ZoneInfoNotFoundError):
            pass  # a junk id: the admin answers it with its "does not exist" redirect
    return ZoneInfo(settings.TIME_ZONE)


class ScheduleLayerInline(admin.StackedInline):
    model = ScheduleLayer
    form = ScheduleLayerForm
    extra = 0
    fields = [
        ("position", "name"),
        ("rotation_start", "turn_length"),
        "rota",
        "weekdays",
        ("window_start", "window_end"),
    ]

    def get_queryset(self, request):
        # The rotation text of every layer is read from here: one query, not one per layer.
        return super().get_queryset(request).prefetch_related("members__person")


@admin.register(Schedule)
class ScheduleAdmin(AuditedAdmin):
    """A department's rota: layers (layer 1 wins), members in turn order, a preview."""

    list_display = ["name", "department", "time_zone", "layer_count", "on_call"]
    list_select_related = ["department"]
    search_fields = ["name", "department__name"]
    fields = ["department", "name", "time_zone", "description", "preview"]
    readonly_fields = ["preview"]
    inlines = [ScheduleLayerInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department")
            .annotate(layer_total=Count("layers"))
            .prefetch_related("layers__members__person")
        )

    def changelist_view(self, request, extra_context=None):
        self._on_call = on_call_now_by_department(timezone.now())
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Dates and times on this page are in the schedule's own time zone (the one posted,
        when it is valid), so "Monday 09:00" means 09:00 where the rota is kept."""
        with timezone.override(_page_zone(request, object_id)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not ScheduleLayer:
            return
        for layer_form in formset.forms:
            data = getattr(layer_form, "cleaned_data", None)
            if not data or data.get("DELETE") or layer_form.instance.pk is None:
                continue
            if "rota" in layer_form.changed_data:
                layer_members_set(
                    layer=layer_form.instance, members=data["rota"], actor=request.user
                )

    @admin.display(description="layers", ordering="layer_total")
    def layer_count(self, obj: Schedule) -> int:
        return getattr(obj, "layer_total", 0)  # annotated by get_queryset

    @admin.display(description="on call now")
    def on_call(self, obj: Schedule) -> str:
        entry = self._on_call.get(obj.department_id)
        return str(entry.person) if entry else "-"

    @admin.display(description="next two weeks")
    def preview(self, obj: Schedule) -> str:
        """The generated rota, shifts included, so an edit can be checked before leaving."""
        if obj.pk is None:
            return "Save to see the rota."
        start = timezone.now()
        shifts = shifts_by_department(start, start + PREVIEW, [obj.department]).get(
            obj.department_id, []
        )
        entries = on_call_entries(obj, start, start + PREVIEW, shifts)
        if not entries:
            return "Nobody is on call in the next two weeks."
        tz = ZoneInfo(obj.time_zone)
        add = reverse("admin:contacts_oncallshift_add")
        rows = format_html_join(
            "",
            "<li>{} – {}: {} <small>({})</small></li>",
            (
                (
                    f"{e.starts_at.astimezone(tz):%a %d %b %H:%M}",
                    f"{e.ends_at.astimezone(tz):%a %d %b %H:%M %Z}",
                    e.person,
                    e.source,
                )
                for e in entries[:60]
            ),
        )
        return format_html(
            '<ul>{}</ul><a href="{}?department={}&amp;is_override=on">Add an override</a>',
            rows,
            add,
            obj.department_id,
        )


class EscalationLevelInline(admin.TabularInline):
    """The levels, in order. Each row's schedule and person menus share one list per page
    (built once per request), so the page costs the same queries for 1 level or 20."""

    model = EscalationLevel
    extra = 0
    fields = ["position", "delay_minutes", "schedule", "person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("schedule", "person")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("schedule", "person") and field is not None:
            cache = request.__dict__.setdefault("_escalation_level_choices", {})
            if db_field.name not in cache:
                cache[db_field.name] = list(field.choices)
            field.choices = cache[db_field.name]
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("schedule", "person") and field is not None:
            # No add/change/view links: each would be a query per row and a way off the page.
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_view_related = field.widget.can_delete_related = False
        return field


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdmin):
    """Who is paged when a department's request waits unacknowledged. A PagerDuty routing
    key is the environment's (PAGERDUTY_ROUTING_KEYS), never typed in here."""

    list_display = ["department", "repeat", "pagerduty_service", "is_active", "level_count"]
    list_filter = ["is_active"]
    fields = ["department", "repeat", "pagerduty_service", "is_active"]
    inlines = [EscalationLevelInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department")
            .annotate(level_total=Count("levels"))
        )

    @admin.display(description="levels", ordering="level_total")
    def level_count(self, obj: EscalationPolicy) -> int:
        return obj.level_total  # type: ignore[attr-defined]

from collections.abc import Callable
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from core.admin import AuditedAdmin, ReadOnlyAdminMixin
from core.admin_steps import ServiceAdminMixin
from core.errors import ApplicationError
from core.formatting import duration_text

from .forms import EscalationMatrixRowForm, SlaPolicyForm, SlaSettingsForm
from .models import (
    BreachEvent,
    BusinessCalendar,
    Clock,
    EscalationMatrixRow,
    Holiday,
    OpeningSpan,
    SlaPolicy,
    SlaSettings,
    Timer,
    Weekday,
)
from .services import calendar_import_holidays, sla_policy_save


def duration_words(value: timedelta | None, *, empty: str = "-", zero: str | None = None) -> str:
    """A duration as leads type it, in hours and minutes ("26 h", "1 h 30 min"; no days,
    which the form has no box for); `empty` and `zero` where those have a meaning."""
    if zero is not None and value == timedelta(0):
        return zero
    return duration_text(value, days=False, empty=empty)


def in_words(name: str, description: str, *, empty: str = "-") -> Callable[[Model], str]:
    """A list column showing the duration field `name` in words, sortable by the field."""

    @admin.display(description=description, ordering=name)
    def column(obj: Model) -> str:
        return duration_words(getattr(obj, name), empty=empty)

    column.__name__ = f"{name}_in_words"  # the column's CSS class: one per column
    return column


class WordsForViewers:
    """Whoever may only view (auditors) reads durations and thresholds in words on the
    record's page too ("4 h", "50 %, 75 %"), not Django's "4:00:00" and "[50, 75]".
    `words` maps a field to the admin's display method that says it."""

    words: dict[str, str] = {}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fields
        return [self.words.get(name, name) for name in fields]


class OpeningSpanFormSet(BaseInlineFormSet):
    """Spans of one weekday may not overlap, and a calendar must open at some point."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        spans: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            span = OpeningSpan(opens=data["opens"], closes=data["closes"])
            spans.setdefault(data["weekday"], []).append(span.minutes)
        for weekday, day_spans in spans.items():
            day_spans.sort()
            for (_, end), (start, _) in zip(day_spans, day_spans[1:], strict=False):
                if start < end:
                    raise ValidationError(
                        f"Opening hours on {Weekday(weekday).label} overlap; merge them into one."
                    )
        if not spans and not self.instance.always_open:
            raise ValidationError(
                "Add opening hours, or mark the calendar as around the clock: "
                "a calendar that never opens would stop every SLA clock on it."
            )


class OpeningSpanInline(admin.TabularInline):
    model = OpeningSpan
    formset = OpeningSpanFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedAdmin):
    list_display = ["name", "time_zone", "always_open", "holiday_country"]
    search_fields = ["name"]
    inlines = [OpeningSpanInline, HolidayInline]
    actions = ["import_holidays"]

    @admin.action(description="Import public holidays (this year and next)", permissions=["change"])
    def import_holidays(self, request, queryset):
        year = timezone.localdate().year
        for calendar in queryset:
            try:
                count = calendar_import_holidays(
                    calendar=calendar, years=[year, year + 1], actor=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{calendar}: {count} holiday(s) added.")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(WordsForViewers, ServiceAdminMixin, AuditedAdmin):
    form = SlaPolicyForm
    first_response_words = staticmethod(in_words("first_response", "first response"))
    resolution_words = staticmethod(in_words("resolution", "resolution"))
    update_every_words = staticmethod(
        in_words("update_every", "customer update every", empty="none")
    )
    words = {
        "first_response": "first_response_words",
        "resolution": "resolution_words",
        "update_every": "update_every_words",
        "warning_thresholds": "warning_percentages",
    }
    list_display = [
        "priority",
        in_words("first_response", "first response"),
        in_words("resolution", "resolution"),
        in_words("update_every", "customer update every", empty="none"),
        "calendar",
        "warning_percentages",
        "enterprise_percent",
        "version",
    ]
    readonly_fields = ["version"]

    @admin.display(description="warning thresholds")
    def warning_percentages(self, obj: SlaPolicy) -> str:
        return ", ".join(f"{percent} %" for percent in obj.warning_thresholds) or "-"

    def has_delete_permission(self, request, obj=None):
        return False  # every priority needs a policy; edit it instead

    def save_with_service(self, request, form, obj):
        return sla_policy_save(policy=form.instance, actor=request.user, changed=form.changed_data)


@admin.register(EscalationMatrixRow)
class EscalationMatrixRowAdmin(WordsForViewers, AuditedAdmin):
    form = EscalationMatrixRowForm
    words = {"max_time": "time_allowed"}
    # Leads edit the cell in place in hours and minutes, its reading beside it.
    list_display = ["priority", "tier", "max_time", "time_allowed"]
    list_editable = ["max_time"]
    list_filter = ["priority", "tier"]

    @admin.display(description="time allowed", ordering="max_time")
    def time_allowed(self, obj: EscalationMatrixRow) -> str:
        return duration_words(obj.max_time, empty="on request", zero="immediately")

    def get_list_display(self, request):
        """Whoever cannot edit the cell reads it in words only, not as "0:15:00"."""
        if self.has_change_permission(request):
            return self.list_display
        return ["priority", "tier", "time_allowed"]

    def get_changelist_form(self, request, **kwargs):
        """The in-place editing uses the change page's form: hours and minutes boxes."""
        return super().get_changelist_form(request, form=EscalationMatrixRowForm, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # empty the limit ("on request") instead of removing the cell


@admin.register(SlaSettings)
class SlaSettingsAdmin(WordsForViewers, AuditedAdmin):
    form = SlaSettingsForm
    acknowledgement_words = staticmethod(
        in_words("acknowledgement_target", "acknowledgement target")
    )
    rca_words = staticmethod(in_words("rca_due_after", "RCA due after resolution"))
    stale_words = staticmethod(in_words("stale_after", "escalate when open without update for"))
    words = {
        "acknowledgement_target": "acknowledgement_words",
        "rca_due_after": "rca_words",
        "stale_after": "stale_words",
    }
    list_display = [
        "__str__",
        in_words("acknowledgement_target", "acknowledgement target"),
        in_words("rca_due_after", "RCA due after resolution"),
        in_words("stale_after", "escalate when open without update for"),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SlaSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Machine-kept records (no history of their own): visible to leads and auditors."""


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["subject_type", "subject_id", "kind", "cycle", "due_at", "stopped_at", "met"]
    list_filter = ["kind", "met"]
    list_select_related = ["subject_type"]
    show_full_result_count = False


@admin.register(Timer)
class TimerAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject_type", "subject_id", "due_at", "fired_at", "error"]
    list_filter = ["kind"]
    list_select_related = ["subject_type"]
    search_fields = ["key"]
    show_full_result_count = False


@admin.register(BreachEvent)
class BreachEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "subject_type", "subject_id"]
    list_filter = ["kind"]
    list_select_related = ["subject_type"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

"""Calendars, SLA policies, the escalation matrix, clocks and timers.

This app never imports `escalation`: clocks and timers point at their subject
through a content type, and what a due timer does is decided by the handler that
another app registers for its kind (sla.registry).
"""

import zoneinfo
from datetime import datetime, timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.choices import Priority, Tier
from core.errors import CalendarMisconfigured
from core.history import AuditedHistory
from core.validators import validate_sane_date

from .businesstime import Schedule, add_business_time


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (e.g. America/New_York).")


class BusinessCalendar(models.Model):
    """When the clock runs: weekly opening spans in a time zone minus holidays, or 24/7."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    always_open = models.BooleanField(
        "around the clock", default=False, help_text="Every minute counts; hours are ignored."
    )
    holiday_country = models.CharField(
        max_length=10,
        blank=True,
        help_text="Country code (e.g. US) whose public holidays the import action loads.",
    )
    holidays_through = models.PositiveSmallIntegerField(
        "holidays imported through", null=True, blank=True, editable=False
    )  # the last year imported: the weekly roll-forward imports each year once

    history = AuditedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def schedule(self) -> Schedule:
        """The pure-time view of this calendar (uses prefetched spans and holidays).

        Raises CalendarMisconfigured (a user-facing refusal, never a 500) when rows
        written outside the admin's checks overlap or never open.
        """
        tz = zoneinfo.ZoneInfo(self.time_zone)
        if self.always_open:
            return Schedule.around_the_clock(tz)
        weekly: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
        for span in self.spans.all():
            weekly[span.weekday].append(span.minutes)
        try:
            schedule = Schedule(
                tz=tz,
                weekly={day: tuple(sorted(spans)) for day, spans in weekly.items()},
                holidays=frozenset(h.date for h in self.holidays.all()),
            )
        except ValueError as exc:
            raise CalendarMisconfigured(f"Calendar '{self}' is misconfigured: {exc}") from exc
        if not schedule.has_spans:
            raise CalendarMisconfigured(f"Calendar '{self}' never opens: add opening hours.")
        return schedule


class OpeningSpan(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="spans")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    history = AuditedHistory()

    class Meta:
        ordering = ["calendar", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        start = self.opens.hour * 60 + self.opens.minute
        end = self.closes.hour * 60 + self.closes.minute or 1440
        return start, end

    def clean(self) -> None:
        if self.opens is None or self.closes is None:
            return
        start, end = self.minutes
        if end <= start:
            raise ValidationError({"closes": "Closing time must be after the opening time."})


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(validators=[validate_sane_date])
    name = models.CharField(max_length=120)

    history = AuditedHistory()

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


def validate_thresholds(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(v, int) or not 1 <= v <= 99 for v in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError("Warning thresholds are distinct whole percents from 1 to 99.")


class SlaPolicy(models.Model):
    """Targets for one priority (003: Response SLA Commitments). Edits bump the version.

    Tickets copy the targets onto their clocks when they start, so an edit never
    rewrites running or past tickets; a lead re-applies a version explicitly.
    """

    priority = models.CharField(max_length=10, choices=Priority.choices, unique=True)
    first_response = models.DurationField(help_text="Business time, e.g. 04:00:00.")
    resolution = models.DurationField()
    update_every = models.DurationField(
        "customer update every", null=True, blank=True, help_text="Status-update cadence."
    )
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")
    pause_when_waiting_on_customer = models.BooleanField(default=True)
    warning_thresholds = models.JSONField(
        default=list,
        validators=[validate_thresholds],
        help_text="Percents used, e.g. [50, 75, 90].",
    )
    enterprise_percent = models.PositiveSmallIntegerField(
        default=50, help_text="Enterprise customers get this percent of every target."
    )
    enterprise_calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = AuditedHistory()

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return f"{self.get_priority_display()} SLA (v{self.version})"

    def clean(self) -> None:
        if self.enterprise_percent is not None and not 1 <= self.enterprise_percent <= 100:
            raise ValidationError({"enterprise_percent": "A percent from 1 to 100."})
        for field in ("first_response", "resolution", "update_every"):
            value = getattr(self, field)
            if value is not None and value <= timedelta(0):
                raise ValidationError({field: "Must be longer than zero."})


class EscalationMatrixRow(models.Model):
    """How long a ticket may stay at a tier before it must move up (001: Escalation Matrix)."""

    priority = models.CharField(max_length=10, choices=Priority.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    max_time = models.DurationField(
        null=True, blank=True, help_text="Empty: on request (no automatic escalation)."
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "escalation matrix row"
        ordering = ["priority", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "tier"], name="matrix_one_row_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} at {self.get_tier_display()}"


class SlaSettings(models.Model):
    """Process-wide clock settings (one row)."""

    acknowledgement_target = models.DurationField(default=timedelta(minutes=15))
    rca_due_after = models.DurationField("RCA due after resolution", default=timedelta(hours=48))
    stale_after = models.DurationField(
        "escalate when open without update for", default=timedelta(hours=24)
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "SLA settings"
        verbose_name_plural = "SLA settings"

    def __str__(self) -> str:
        return "SLA settings"

    @classmethod
    def load(cls) -> "SlaSettings":
        return cls.objects.get_or_create(pk=1)[0]


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    RESOLUTION = "resolution", "Resolution"
    NEXT_UPDATE = "next_update", "Customer update"
    TIER = "tier", "Time at tier"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    RCA = "rca", "Root-cause analysis"
    STALE = "stale", "Update without activity"


class Clock(models.Model):
    """One target on one subject: when it started, is due, was paused and was met."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    cycle = models.PositiveIntegerField(default=1)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    target = models.DurationField(help_text="Business time allowed.")
    warning_thresholds = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_business = models.DurationField(default=timedelta(0))
    paused_calendar = models.DurationField(default=timedelta(0))
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # Filled when stopped: the record of how the target went.
    business_taken = models.DurationField(null=True, blank=True)
    calendar_taken = models.DurationField(null=True, blank=True)
    met = models.BooleanField(null=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "cycle"], name="clock_unique_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="clock_subject_idx"),
            # The metrics read clocks by kind over a period; the index covers the columns
            # they aggregate, so SQLite never visits the rows themselves.
            models.Index(
                fields=[
                    "kind",
                    "started_at",
                    "subject_type",
                    "subject_id",
                    "met",
                    "breached_at",
                    "stopped_at",
                    "business_taken",
                    "calendar_taken",
                    "paused_calendar",
                ],
                name="clock_metrics_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.cycle} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None and self.stopped_at is None

    def warning_times(self) -> list[tuple[int, datetime]]:
        """(percent, instant) for every warning stage, exact to the minute of business time."""
        schedule = self.calendar.schedule()
        return [
            (
                pct,
                add_business_time(
                    self.started_at, self.target * pct / 100 + self.paused_business, schedule
                ),
            )
            for pct in sorted(self.warning_thresholds)
        ]


class ClockPause(models.Model):
    class Reason(models.TextChoices):
        WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
        WAITING_ON_DEPARTMENT = "waiting_on_department", "Waiting on department"
        # A major incident governs the subject: its own targets wait for the incident.
        INCIDENT = "incident", "Major incident"
        OTHER = "other", "Other"

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_at:%Y-%m-%d %H:%M}"


class Timer(models.Model):
    """A future moment something must happen. Unique per (subject, kind, cycle, stage).

    The sweep reads only unfired timers whose due time has come (partial index), so
    its cost follows what is due, not what is open.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    clock = models.ForeignKey(
        Clock, null=True, blank=True, on_delete=models.CASCADE, related_name="timers"
    )
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="timer_due_unfired_idx",
                condition=models.Q(fired_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M}"


class BreachEvent(models.Model):
    """A target that was missed: the fact leads and metrics count."""

    clock = models.OneToOneField(Clock, on_delete=models.CASCADE, related_name="breach")
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="breach_subject_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} breached at {self.occurred_at:%Y-%m-%d %H:%M}"

"""On-call schedules made of layers, as PagerDuty's: rotations generated on the fly.

A schedule belongs to a department and has a time zone; its layers each rotate an ordered
list of members, one turn after another, from a start. A layer may be restricted to some
weekdays and a daily window in that time zone. Layer 1 is shown first and wins where two
layers have someone; outside a layer's restriction the next layer answers. Entered shifts
(`OnCallShift`, overrides first) sit on top of every layer. The arithmetic is in
`contacts.oncall`; nothing here is stored shift by shift.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from core.history import AuditedHistory
from core.validators import validate_sane_date, validate_single_line
from sla.models import validate_time_zone

from .directory import Department

# A turn shorter than an hour is nobody's shift, and one longer than a year is a
# typo; both bounds also keep a generated calendar small (at most 24 turns a day).
SHORTEST_TURN = timedelta(hours=1)
LONGEST_TURN = timedelta(days=366)
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def validate_turn_length(value: timedelta | None) -> None:
    if value is None:
        return
    if not SHORTEST_TURN <= value <= LONGEST_TURN:
        raise ValidationError(
            "A turn lasts from 1 hour to 366 days (e.g. '7 00:00:00' for a week, "
            "'12:00:00' for 12 hours).",
            code="turn_length_out_of_range",
        )


class Schedule(models.Model):
    """A department's on-call rota: its layers say who, its time zone says when."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(max_length=120, validators=[validate_single_line])
    time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/Berlin. Turns hand over and restrictions apply in "
        "this zone's wall-clock time, so a 09:00 hand-over stays at 09:00 across DST.",
    )
    description = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # One rota answers for a department; follow-the-sun is layers of that rota.
            models.UniqueConstraint(
                fields=["department"],
                name="one_schedule_per_department",
                violation_error_message="This department already has a schedule: add a "
                "layer to it instead.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScheduleLayer(models.Model):
    """One rotation of a schedule: members take turns of `turn_length` from `rotation_start`."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="layers")
    position = models.PositiveSmallIntegerField(
        "layer",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Layer 1 wins: where several layers have someone on call, the one with "
        "the lowest number (shown first) answers; outside its restriction the next one does. "
        "Overrides beat every layer.",
    )
    name = models.CharField(max_length=80, blank=True, validators=[validate_single_line])
    rotation_start = models.DateTimeField(
        validators=[validate_sane_date],
        help_text="When the first member's first turn begins; nobody is on call from this "
        "layer before it. Later turns start at the same wall-clock time.",
    )
    turn_length = models.DurationField(
        validators=[validate_turn_length],
        help_text="How long each member's turn lasts, from 1 hour to 366 days: "
        "'7 00:00:00' is a week, '1 00:00:00' a day, '12:00:00' 12 hours. Counted in "
        "wall-clock time: a turn across a DST change is an hour shorter or longer.",
    )
    weekdays = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"\A[0-6]{0,7}\Z", message="Weekdays are digits 0-6.")],
        help_text="Only on these days (0 = Monday ... 6 = Sunday); empty means every day. "
        "A window that crosses midnight belongs to the day it starts.",
    )
    window_start = models.TimeField(
        null=True, blank=True, help_text="Daily restriction: on call from this time..."
    )
    window_end = models.TimeField(
        null=True,
        blank=True,
        help_text="...until this time (exclusive), in the schedule's time zone; earlier than "
        "the start means the next day. Leave both empty for the whole day.",
    )

    history = AuditedHistory()

    class Meta:
        ordering = ["schedule", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "position"],
                name="one_layer_per_position",
                violation_error_message="Two layers of a schedule cannot share a number.",
            ),
            models.CheckConstraint(
                condition=models.Q(turn_length__gte=SHORTEST_TURN)
                & models.Q(turn_length__lte=LONGEST_TURN),
                name="layer_turn_length_in_range",
                violation_error_message="A turn lasts from 1 hour to 366 days.",
            ),
            models.CheckConstraint(
                condition=(models.Q(window_start__isnull=True) & models.Q(window_end__isnull=True))
                | (
                    models.Q(window_start__isnull=False)
                    & models.Q(window_end__isnull=False)
                    & ~models.Q(window_start=models.F("window_end"))
                ),
                name="layer_window_is_whole",
                violation_error_message="Give the window both a start and a different end, "
                "or neither.",
            ),
        ]

    def __str__(self) -> str:
        label = f"Layer {self.position}"
        return f"{label}: {self.name}" if self.name else label

    def clean(self) -> None:
        self.weekdays = "".join(sorted(set(self.weekdays or "")))
        if (self.window_start is None) != (self.window_end is None):
            raise ValidationError(
                {"window_end": "Give the window both a start and an end, or neither."}
            )
        if self.window_start is not None and self.window_start == self.window_end:
            raise ValidationError(
                {
                    "window_end": "A window from a time to the same time is ambiguous: leave "
                    "both empty for the whole day."
                }
            )

    @property
    def weekday_set(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.weekdays or "")

    def restriction_text(self) -> str:
        """The restriction in words, for the admin and the directory."""
        days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekday_set)) or "every day"
        if self.window_start is None or self.window_end is None:
            return "" if not self.weekday_set else days
        return f"{days} {self.window_start:%H:%M}-{self.window_end:%H:%M}"


class LayerMember(models.Model):
    """A person's place in a layer's rotation; the same person may appear twice."""

    layer = models.ForeignKey(ScheduleLayer, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_turns"
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Turn order, lowest first.")
    phone = models.CharField(max_length=30, blank=True, validators=[validate_single_line])

    history = AuditedHistory()

    class Meta:
        ordering = ["layer", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.person} in {self.layer}"

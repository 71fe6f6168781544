"""The contact directory: departments, how to reach them, when, and entered on-call shifts."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from core.history import AuditedHistory
from core.validators import validate_sane_date
from sla.models import BusinessCalendar


class Department(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    purpose = models.TextField(blank=True)
    handles = models.TextField(
        "issue types handled", blank=True, help_text="Searchable list, e.g. 'refunds, invoices'."
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_departments",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments"
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Business hours; empty means reachable around the clock.",
    )
    critical_around_the_clock = models.BooleanField(
        "24/7 for critical issues",
        default=False,
        help_text="Outside hours, critical issues go to the person on call.",
    )
    response_time = models.DurationField("response-time commitment", null=True, blank=True)
    response_time_note = models.CharField(
        max_length=100, blank=True, help_text="As promised, e.g. '24-48 hours', '<30 min'."
    )

    history = AuditedHistory(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat channel"
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Portal"
    TRACKER = "tracker", "Issue-tracker project"


class Restriction(models.TextChoices):
    NONE = "", "Anyone"
    ENTERPRISE = "enterprise", "Enterprise customers only"
    CRITICAL = "critical", "Critical issues only"


PHONE_PATTERN = re.compile(r"^\+?[0-9 ().-]{7,20}$")
_CHAT = re.compile(r"^#[a-z0-9][a-z0-9_-]{0,79}$")
_TRACKER = re.compile(r"^[A-Z][A-Z0-9_-]{1,30}$")


class ContactChannel(models.Model):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    value = models.CharField(max_length=254)
    label = models.CharField(max_length=100, blank=True)
    restriction = models.CharField(
        max_length=12, choices=Restriction.choices, default=Restriction.NONE, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower is preferred.")

    history = AuditedHistory()

    class Meta:
        ordering = ["department", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        value = (self.value or "").strip()
        self.value = value
        if self.kind not in ChannelKind.values:
            return  # an unknown kind is reported by clean_fields (choices); no format to check
        kind = ChannelKind(self.kind)
        problems = {
            ChannelKind.EMAIL: lambda: EmailValidator()(value),
            ChannelKind.PORTAL: lambda: URLValidator(schemes=["http", "https"])(value),
        }
        try:
            if kind in problems:
                problems[kind]()
        except ValidationError as exc:
            raise ValidationError({"value": f"'{value}' is not a valid {self.kind}."}) from exc
        patterns = {
            ChannelKind.PHONE: (PHONE_PATTERN, "a phone number such as +1 555 0100"),
            ChannelKind.CHAT: (_CHAT, "a chat channel such as #tech-support-escalations"),
            ChannelKind.TRACKER: (_TRACKER, "a tracker project key such as TECH-SUPPORT"),
        }
        if kind in patterns and not patterns[kind][0].match(value):
            raise ValidationError({"value": f"Enter {patterns[kind][1]}."})


class OnCallShift(models.Model):
    """Who answers for a department from when to when, entered by hand.

    Shifts sit on top of the department's schedule (`contacts.oncall`): an override beats
    a plain shift, and any shift beats every layer of the schedule.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="shifts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_shifts"
    )
    starts_at = models.DateTimeField(validators=[validate_sane_date])
    ends_at = models.DateTimeField(validators=[validate_sane_date])
    is_override = models.BooleanField(
        default=False,
        help_text="An override beats plain shifts; every shift beats the schedule's layers.",
    )
    phone = models.CharField(max_length=30, blank=True)
    note = models.CharField(max_length=200, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["department", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_it_starts",
                violation_error_message="A shift must end after it starts.",
            )
        ]
        indexes = [
            models.Index(fields=["department", "starts_at", "ends_at"], name="shift_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} on call for {self.department}"

"""How a department is paged when one of its requests waits unacknowledged: ordered levels
(a schedule's on-call person or one person), each after its delay, the list repeated up
to N times, stopped by an acknowledgement. `paging` (the app above) drives it from the
SLA engine's timers. A PagerDuty routing key is never stored here: it comes from the
environment (PAGERDUTY_ROUTING_KEYS), so a directory admin never sees one."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.history import AuditedHistory
from core.validators import validate_single_line

from .directory import Department
from .schedules import Schedule

MAX_REPEATS = 5
MAX_DELAY_MINUTES = 1440  # a day: a longer wait is not paging any more


class EscalationPolicy(models.Model):
    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="escalation_policy"
    )
    repeat = models.PositiveSmallIntegerField(
        "repeat the levels",
        default=0,
        validators=[MaxValueValidator(MAX_REPEATS)],
        help_text="How many more times the whole list is paged while nobody acknowledges (0 to 5).",
    )
    pagerduty_service = models.CharField(
        "PagerDuty service",
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text="Its name, for people. Pages go to PagerDuty only when the environment "
        "has a routing key for this department's code (PAGERDUTY_ROUTING_KEYS).",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Off: requests are sent as usual and nobody is paged."
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "escalation policy"
        verbose_name_plural = "escalation policies"
        ordering = ["department__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(repeat__lte=MAX_REPEATS),
                name="policy_repeat_in_range",
                violation_error_message="Repeat the levels 0 to 5 times.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}: escalation policy"


class EscalationLevel(models.Model):
    """One step of a policy: who is paged, and how long after the previous step."""

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(
        "level", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    delay_minutes = models.PositiveSmallIntegerField(
        "delay (minutes)",
        default=0,
        validators=[MaxValueValidator(MAX_DELAY_MINUTES)],
        help_text="Minutes after the previous level (after the request, for level 1) before "
        "this level is paged: 0 to 1440.",
    )
    # PROTECT: a schedule or person still paged by a policy is taken out of it first,
    # or the policy would page nobody without anyone noticing.
    schedule = models.ForeignKey(
        Schedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation_levels",
        help_text="Page whoever is on call on this schedule at that moment...",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="...or this person (exactly one of the two).",
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "escalation level"
        ordering = ["policy", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "position"],
                name="one_escalation_level_per_position",
                violation_error_message="Two levels of a policy cannot share a number.",
            ),
            models.CheckConstraint(
                condition=models.Q(delay_minutes__lte=MAX_DELAY_MINUTES),
                name="escalation_level_delay_in_range",
                violation_error_message="A level's delay is 0 to 1440 minutes.",
            ),
            models.CheckConstraint(
                condition=(models.Q(schedule__isnull=True) & models.Q(person__isnull=False))
                | (models.Q(schedule__isnull=False) & models.Q(person__isnull=True)),
                name="escalation_level_pages_one_target",
                violation_error_message="Page either a schedule or a person: exactly one.",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.position}: {self.schedule or self.person}"

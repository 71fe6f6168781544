"""Major incidents (003 "In Case of Major Incident"): many tickets, one story, one message.

While an incident runs it governs its linked tickets (issue 17): their SLA clocks wait
for it, its status updates reach each of their customers once, and resolving it resolves
them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import transition

from core.choices import Priority
from core.fields import ConcurrentStates, StateField
from core.history import AuditedHistory

REFERENCE_PREFIX = "INC-"

# How often customers may hear from a running incident, by its priority (001 "Response
# Time Guidelines": status update critical every 1-2 hours, high every 4 hours, medium
# daily; low has no cadence there, so it gets medium's). The shortest of 001's ranges:
# an update posted sooner than this after the last one is refused, naming when it is due.
UPDATE_CADENCE = {
    Priority.CRITICAL: timedelta(hours=1),
    Priority.HIGH: timedelta(hours=4),
    Priority.MEDIUM: timedelta(days=1),
    Priority.LOW: timedelta(days=1),
}


class IncidentState(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class MajorIncident(ConcurrentStates, models.Model):
    title = models.CharField(max_length=200)
    affected_service = models.CharField("feature or service affected", max_length=200)
    priority = models.CharField(
        max_length=10,
        choices=Priority.choices,
        default=Priority.CRITICAL,
        help_text="Sets how often customers get a status update (critical hourly, high every "
        "4 hours, medium and low daily).",
    )
    holding_message = models.TextField(
        help_text="Sent once to every linked customer. Do not speculate about the cause, give "
        "ETAs or promise compensation."
    )
    resolution_message = models.TextField(blank=True)
    state = StateField(
        default=IncidentState.INVESTIGATING, choices=IncidentState.choices, protected=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    # Set by `incident_advance(step="resolve")`: linked tickets it could not resolve.
    left_open: list

    class Meta:
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"Incident #{self.pk}: {self.title}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:06d}"

    @property
    def is_running(self) -> bool:
        """Whether it governs its linked tickets (their clocks wait for it)."""
        return self.state != IncidentState.RESOLVED

    @property
    def update_every(self) -> timedelta:
        return UPDATE_CADENCE[Priority(self.priority)]

    @transition(field=state, source=IncidentState.INVESTIGATING, target=IncidentState.IDENTIFIED)
    def identify(self) -> None:
        pass

    @transition(
        field=state,
        source=[IncidentState.INVESTIGATING, IncidentState.IDENTIFIED],
        target=IncidentState.MONITORING,
    )
    def monitor(self) -> None:
        pass

    @transition(
        field=state,
        source=[IncidentState.INVESTIGATING, IncidentState.IDENTIFIED, IncidentState.MONITORING],
        target=IncidentState.RESOLVED,
    )
    def resolve(self) -> None:
        pass


class IncidentUpdate(models.Model):
    """A status update of a running incident, as every linked customer got it (once each)."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)
    customers_told = models.PositiveIntegerField(default=0)

    history = AuditedHistory()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        indexes = [models.Index(fields=["incident", "-posted_at"], name="incident_update_latest")]

    def __str__(self) -> str:
        return f"Update of {self.posted_at:%Y-%m-%d %H:%M}"

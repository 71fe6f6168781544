"""Major incidents (003 "In Case of Major Incident"): many tickets, one story, one message."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.history import AuditedHistory


class IncidentState(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class MajorIncident(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    affected_service = models.CharField("feature or service affected", max_length=200)
    holding_message = models.TextField(
        help_text="Sent once to every linked customer. Do not speculate about the cause, give "
        "ETAs or promise compensation."
    )
    resolution_message = models.TextField(blank=True)
    state = FSMField(
        default=IncidentState.INVESTIGATING, choices=IncidentState.choices, protected=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"Incident #{self.pk}: {self.title}"

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

"""Root-cause analysis after an escalated ticket is resolved (001: within 48 hours)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.history import AuditedHistory

from .tickets import Ticket


class RootCauseAnalysis(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rca")
    root_cause = models.TextField()
    contributing_factors = models.TextField(blank=True)
    preventive_actions = models.TextField()
    knowledge_base_updated = models.BooleanField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        verbose_name = "root-cause analysis"
        verbose_name_plural = "root-cause analyses"

    def __str__(self) -> str:
        return f"RCA of {self.ticket.reference}"

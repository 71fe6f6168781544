"""A person's working hours: when alerts to them may interrupt (issue 16).

A business calendar (time zone, weekly hours, holidays; the SLA engine's own) says when
someone works. Non-critical email alerts to a person off duty wait for their next working
hour; critical ones go at once and the person on call for their department gets a copy
(`contacts.working_hours`). Someone with no row here is treated as always reachable, as
before this existed.
"""

from django.conf import settings
from django.db import models

from core.history import AuditedHistory
from sla.models import BusinessCalendar


class WorkingHours(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Their hours, time zone and holidays, e.g. 'Berlin office hours'.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="E.g. 'part time, no Fridays'.")

    history = AuditedHistory()

    class Meta:
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        ordering = ["person__username"]

    def __str__(self) -> str:
        return f"{self.person}: {self.calendar}"

"""Reads of the SLA app shared by admins and views."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Clock


def clocks_for(subject: models.Model) -> models.QuerySet[Clock]:
    """Every clock of a subject, oldest first, with its calendar."""
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("calendar")

"""Reads of the verification app."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import VerificationRequest


def verification_requests_for(subject: models.Model) -> models.QuerySet[VerificationRequest]:
    """A subject's verification requests, newest first, with their action."""
    return VerificationRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("action")

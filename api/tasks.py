"""Periodic work of the API (declared in core.schedules)."""

from django.utils import timezone

from .idempotency import KEEP
from .models import IdempotentRequest


def forget_old_idempotency_keys() -> int:
    """Delete the remembered answers older than a day; returns how many."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted

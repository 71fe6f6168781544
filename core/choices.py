"""Vocabularies shared by several apps (sla and contacts may not import escalation)."""

from django.db import models


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# Most urgent first; used to sort queues.
PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


class Tier(models.IntegerChoices):
    L1 = 1, "L1 frontline"
    L2 = 2, "L2 senior"
    L3 = 3, "L3 technical"
    L4 = 4, "L4 management"


class RiskLevel(models.TextChoices):
    """Identity-verification level a request or category needs (003: Identity Verification)."""

    NONE = "none", "No verification"
    LOW = "low", "Low risk (1 factor)"
    MEDIUM = "medium", "Medium risk (2 factors)"
    HIGH = "high", "High risk (3 factors + approval)"

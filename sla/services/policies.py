"""SLA policies as rules: the targets a subject starts under, the escalation matrix, and a
lead's policy edit (which versions the policy so running tickets keep their targets)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from core.actors import Actor
from core.history import save_audited

from ..models import BusinessCalendar, EscalationMatrixRow, SlaPolicy

POLICY_TARGET_FIELDS = (
    "first_response",
    "resolution",
    "update_every",
    "calendar",
    "pause_when_waiting_on_customer",
    "warning_thresholds",
    "enterprise_percent",
    "enterprise_calendar",
)


@dataclass(frozen=True)
class Targets:
    """The SLA a subject starts under: copied onto its clocks, never looked up again."""

    first_response: timedelta
    resolution: timedelta
    update_every: timedelta | None
    calendar: BusinessCalendar
    warning_thresholds: list[int]
    pause_when_waiting_on_customer: bool
    policy_version: int


def targets_for(
    *, priority: str, enterprise: bool, category_response: timedelta | None = None
) -> Targets:
    """Policy targets for a priority; stricter category response targets win (003).

    Enterprise customers get `enterprise_percent` of every target, around the clock.
    """
    policy = SlaPolicy.objects.select_related("calendar", "enterprise_calendar").get(
        priority=priority
    )
    first = policy.first_response
    if category_response is not None:
        first = min(first, category_response)
    resolution, update_every, calendar = policy.resolution, policy.update_every, policy.calendar
    if enterprise:
        factor = policy.enterprise_percent / 100
        first, resolution = first * factor, resolution * factor
        update_every = update_every * factor if update_every else None
        calendar = policy.enterprise_calendar
    return Targets(
        first_response=first,
        resolution=resolution,
        update_every=update_every,
        calendar=calendar,
        warning_thresholds=list(policy.warning_thresholds),
        pause_when_waiting_on_customer=policy.pause_when_waiting_on_customer,
        policy_version=policy.version,
    )


def tier_time_allowed(*, priority: str, tier: int) -> timedelta | None:
    """The matrix cell, or None when the tier has no automatic limit ("on request")."""
    row = EscalationMatrixRow.objects.filter(priority=priority, tier=tier).first()
    return row.max_time if row else None


@transaction.atomic
def sla_policy_save(*, policy: SlaPolicy, actor: Actor, changed: list[str]) -> SlaPolicy:
    """Save a lead's edit; a change to any target makes a new version (old tickets keep theirs)."""
    if policy.pk and set(changed) & set(POLICY_TARGET_FIELDS):
        current = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        policy.version = current.version + 1
    save_audited(
        policy,
        actor=actor,
        reason=f"edit: {', '.join(sorted(changed)) or 'no change'} (v{policy.version})",
    )
    return policy

"""Writes to the directory that span several rows: a layer's rotation in order."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from core.errors import InvalidInput
from core.history import save_audited

from .models import LayerMember, ScheduleLayer

REASON = "Rotation edited"


def layer_members_set(
    *, layer: ScheduleLayer, members: Sequence[tuple[Any, str]], actor, reason: str = REASON
) -> None:
    """Make `members` ((person, phone) in turn order) the layer's rotation.

    Rows are changed in place position by position, so each one's history shows who
    replaced whom; extra rows are deleted, missing ones created, each with `actor` and
    `reason` in its history row. Raises InvalidInput for an empty rotation (a layer with
    nobody in it would silently hand its hours to the layer below).
    """
    if not members:
        raise InvalidInput("A layer needs at least one member.")
    with transaction.atomic():
        existing = list(
            LayerMember.objects.select_for_update().filter(layer=layer).order_by("position", "pk")
        )
        for position, (person, phone) in enumerate(members):
            row = existing[position] if position < len(existing) else LayerMember(layer=layer)
            if row.pk and (row.person_id, row.phone, row.position) == (
                getattr(person, "pk", None),
                phone,
                position,
            ):
                continue
            row.person, row.phone, row.position = person, phone, position
            save_audited(row, actor=actor, reason=reason)
        for row in existing[len(members) :]:
            row._history_user = actor  # type: ignore[attr-defined]
            row._change_reason = reason  # type: ignore[attr-defined]
            row.delete()

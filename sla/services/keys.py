"""How clocks and timers are identified, shared by every module that creates or fires them.

A clock's timers are keyed by subject, kind, cycle and stage; the per-clock path, the bulk
loader and the sweep must agree on those keys and on the breach stage's name, or a timer
loaded in bulk would be armed twice. So the rule lives here, once.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..models import Clock

BREACH = "breach"


def subject_key(subject: models.Model) -> tuple[ContentType, int]:
    """The (content type, primary key) pair clocks and timers point at their subject with."""
    return ContentType.objects.get_for_model(subject), subject.pk


def timer_key(clock: Clock, stage: str) -> str:
    """The unique key of one stage's timer (e.g. `warn75`, `breach`) on one clock cycle."""
    return timer_key_of(clock.subject_type_id, clock.subject_id, clock.kind, clock.cycle, stage)


def timer_key_of(subject_type_id: int, subject_id: int, kind: str, cycle: int, stage: str) -> str:
    """`timer_key` from a clock's values, for clocks loaded in bulk without a model object."""
    return f"{subject_type_id}:{subject_id}:{kind}:{cycle}:{stage}"

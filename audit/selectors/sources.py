"""What the trail reads from: every tracked model's history table, and the access events."""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from core.errors import InvalidInput

from ..models import AccessEvent, AccessKind

ACCESS_LABEL = AccessEvent._meta.label_lower
HISTORY_KINDS = {"created": "+", "changed": "~", "deleted": "-"}
HISTORY_KIND_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}
KIND_CHOICES = [
    ("created", "Created"),
    ("changed", "Changed"),
    ("deleted", "Deleted"),
    *AccessKind.choices,
]
# Access events are about an account or a group: these "types" select them.
ACCESS_OBJECTS = {"auth.user": ("user_id", "User account"), "auth.group": ("group_id", "Group")}
EMPTY = "—"
PAGE_SIZE = 50
_CURSOR_TIME = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True)
class Source:
    """A tracked model and its history table."""

    label: str
    model: type[models.Model]
    history: Any  # simple_history's generated model: its manager and fields are dynamic

    @property
    def pk_name(self) -> str:
        return self.model._meta.pk.attname

    @property
    def fields(self) -> list[models.Field]:
        """The columns a diff compares: tracked, minus the key and auto_now stamps.

        `updated_at` changes on every save and only restates the entry's own time.
        """
        return [
            f
            for f in self.history.tracked_fields
            if not f.primary_key and not getattr(f, "auto_now", False)
        ]

    @property
    def m2m_fields(self) -> list[models.ManyToManyField]:
        return list(getattr(self.history, "_history_m2m_fields", []))


@cache
def history_sources() -> dict[str, Source]:
    """Every model django-simple-history tracks, by label; m2m tables ride on their owner."""
    found = {}
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr is None or model._meta.proxy:
            continue
        history = getattr(model, attr).model
        found[model._meta.label_lower] = Source(model._meta.label_lower, model, history)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Attached:
    """A history table whose rows point at a record of another model through `column`."""

    source: Source
    column: str


@cache
def attached_sources(label: str) -> tuple[Attached, ...]:
    """The records attached to a record of model `label`: every tracked model that points
    at it, by a foreign key (a ticket's hand-offs, communications, department requests,
    root-cause analysis) or by a plain `<model>_id` column, which is how the apps below
    refer to a record they may not import (the identity verifications started from a
    ticket). One level deep: a verification's factor checks stay on its own history."""
    sources = history_sources()
    if label not in sources:
        return ()
    model = sources[label].model
    plain = f"{model._meta.model_name}_id"
    found = []
    for source in sources.values():
        if source.label == label:
            continue
        for f in source.fields:
            points = isinstance(f, models.ForeignKey) and f.related_model is model
            if points or (not f.is_relation and f.attname == plain):
                found.append(Attached(source, f.attname))
    return tuple(found)


def reference_sources() -> list[Source]:
    """Tracked models whose records have a reference people type (a ticket's ESC-000130):
    the model offers `pk_from_reference(text) -> pk | None`."""
    return [
        s
        for s in history_sources().values()
        if callable(getattr(s.model, "pk_from_reference", None))
    ]


def model_choices() -> list[tuple[str, str]]:
    """(label, verbose name) of every type of record in the trail, for the filter."""
    choices = [
        (s.label, str(capfirst(s.model._meta.verbose_name))) for s in history_sources().values()
    ]
    choices += [(label, name) for label, (_, name) in ACCESS_OBJECTS.items()]
    return sorted(choices, key=lambda c: (c[1].lower(), c[0]))


@dataclass(frozen=True)
class Cursor:
    """The last entry of a page: the next page starts just after it."""

    at: datetime
    label: str
    id: int

    def __str__(self) -> str:
        return f"{self.at.astimezone(UTC).strftime(_CURSOR_TIME)}~{self.label}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        try:
            at, label, pk = text.split("~")
            cursor = cls(datetime.strptime(at, _CURSOR_TIME).replace(tzinfo=UTC), label, int(pk))
        except ValueError:
            raise InvalidInput("This page link is damaged; showing the newest entries.") from None
        if label != ACCESS_LABEL and label not in history_sources():
            raise InvalidInput("This page link is damaged; showing the newest entries.")
        return cursor

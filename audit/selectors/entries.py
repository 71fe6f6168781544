"""Trail entries in words: diffs field by field, readable values, names not ids."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst

from core.formatting import CLOCK, duration_text

from ..models import AccessEvent
from ..wording import reason_words
from .sources import (
    ACCESS_LABEL,
    ACCESS_OBJECTS,
    EMPTY,
    HISTORY_KIND_LABELS,
    HISTORY_KINDS,
    Cursor,
    Source,
    history_sources,
)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class Entry:
    """One line of the trail, already in words."""

    at: datetime
    source: str
    id: int
    kind: str
    kind_label: str
    who: str
    type_label: str
    object_type: str | None  # label of the object's model, for links and the object filter
    object_id: str | None
    object_label: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    note: str = ""  # said instead of changes when there are none to show

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.source, self.id)

    @property
    def changes_text(self) -> str:
        return "; ".join(str(c) for c in self.changes) or self.note

    @property
    def when(self) -> str:
        return format_when(self.at)


def person(user) -> str:
    """Username, and the full name when there is one."""
    if user is None:
        return EMPTY
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return f"{user.get_username()} ({full})" if full else user.get_username()


def format_when(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")


def access_entries(events: list[AccessEvent]) -> list[Entry]:
    entries = []
    for e in events:
        if e.user_id or e.username or not e.group_id:
            object_type, object_id = "auth.user", e.user_id
            label = e.username or (e.user.get_username() if e.user else EMPTY)
        else:
            label = e.group.name if e.group else EMPTY
            object_type, object_id = "auth.group", e.group_id
        reason = e.detail + (f" (from {e.ip_address})" if e.ip_address else "")
        entries.append(
            Entry(
                at=e.at,
                source=ACCESS_LABEL,
                id=e.pk,
                kind=e.kind,
                kind_label=e.get_kind_display(),
                who=person(e.actor),
                type_label=ACCESS_OBJECTS[object_type][1],
                object_type=object_type,
                object_id=str(object_id) if object_id else None,
                object_label=label,
                reason=reason,
            )
        )
    return entries


def history_entries(label: str, rows: list) -> list[Entry]:
    """Entries of one history table: previous versions, m2m sets and related names fetched
    with one query each, whatever the number of rows."""
    source = history_sources()[label]
    H = source.history
    previous_ids = [r.previous_id for r in rows if r.previous_id and r.history_type != "+"]
    previous = H.objects.in_bulk(previous_ids) if previous_ids else {}
    versions = [*rows, *previous.values()]
    m2m = _m2m_sets(source, [v.history_id for v in versions])
    related = _related_objects(source, versions, m2m)
    entries = []
    for row in rows:
        before = previous.get(row.previous_id) if row.history_type != "+" else None
        instance = _instance(source, row, related)
        changes = _changes(source, row, before, m2m, related)
        note = ""
        if row.history_type != "+" and before is None:
            note = "first recorded version: earlier values unknown"
        elif row.history_type == "~" and not changes:
            note = "no field changed"
        entries.append(
            Entry(
                at=row.history_date,
                source=label,
                id=row.history_id,
                kind=next(k for k, v in HISTORY_KINDS.items() if v == row.history_type),
                kind_label=HISTORY_KIND_LABELS[row.history_type],
                who=person(row.history_user),
                type_label=str(capfirst(source.model._meta.verbose_name)),
                object_type=label,
                object_id=str(getattr(row, source.pk_name)),
                object_label=_label(source, instance),
                changes=changes,
                reason=reason_words(row.history_change_reason or ""),
                note=note,
            )
        )
    return entries


def _m2m_sets(source: Source, history_ids: list[int]) -> dict[str, dict[int, set]]:
    """For each m2m field: history_id -> set of related ids at that version."""
    sets: dict[str, dict[int, set]] = {}
    for f in source.m2m_fields:
        through = f.remote_field.through
        if through is None:
            raise ImproperlyConfigured(f"{f} has no through model yet: are the apps loaded?")
        target_fk = through._meta.get_field(f.m2m_reverse_field_name())
        if not isinstance(target_fk, models.ForeignKey):
            raise ImproperlyConfigured(f"{through.__name__}.{target_fk.name} is not a foreign key.")
        target = target_fk.attname
        m2m_history = getattr(source.history, f.name).model
        by_version: dict[int, set] = defaultdict(set)
        if history_ids:
            for history_id, related_id in m2m_history.objects.filter(
                history_id__in=history_ids
            ).values_list("history_id", target):
                by_version[history_id].add(related_id)
        sets[f.name] = by_version
    return sets


def _related_objects(source: Source, versions: list, m2m: dict) -> dict:
    """(related model, key) -> object, one query per related model.

    `select_related()` follows the related rows' own required foreign keys, so their
    str() (e.g. "ESC-000012 → Billing") needs no further query.
    """
    wanted: dict[tuple, set] = defaultdict(set)
    for f in source.fields:
        if isinstance(f, models.ForeignKey):
            key = (f.related_model, f.target_field.attname)
            wanted[key] |= {getattr(v, f.attname) for v in versions} - {None}
    for f in source.m2m_fields:
        model = f.related_model
        if isinstance(model, str):  # "self" until the relation is resolved at start-up
            raise ImproperlyConfigured(f"{f} points at an unresolved model {model!r}.")
        key = (model, model._meta.pk.attname)
        for ids in m2m[f.name].values():
            wanted[key] |= ids
    found = {}
    for (model, attname), ids in wanted.items():
        if not ids:
            continue
        for obj in model._base_manager.select_related().filter(**{f"{attname}__in": ids}):
            found[(model, getattr(obj, attname))] = obj
    return found


def _instance(source: Source, row, related: dict) -> models.Model:
    """The object as it was, with its foreign keys filled from `related` (no lazy queries)."""
    instance = source.model(
        **{f.attname: getattr(row, f.attname) for f in source.history.tracked_fields}
    )
    for f in source.fields:
        if isinstance(f, models.ForeignKey):
            value = getattr(row, f.attname)
            obj = related.get((f.related_model, value))
            if obj is not None or value is None:
                f.set_cached_value(instance, obj)
    return instance


def _label(source: Source, instance: models.Model) -> str:
    try:
        return str(instance)
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        return f"{capfirst(source.model._meta.verbose_name)} #{instance.pk}"


def _changes(source: Source, row, before, m2m: dict, related: dict) -> list[Change]:
    """Field by field, old → new. Creation lists what was filled in; a row with no earlier
    version to compare (history started after the object) lists nothing."""
    if row.history_type != "+" and before is None:
        return []
    changes = []
    for f in source.fields:
        new = getattr(row, f.attname)
        if before is None:
            if _is_empty(new):
                continue
            old_text = EMPTY
        else:
            old = getattr(before, f.attname)
            if old == new:
                continue
            old_text = readable(f, old, related)
        changes.append(Change(str(capfirst(f.verbose_name)), old_text, readable(f, new, related)))
    for f in source.m2m_fields:
        new_ids = m2m[f.name].get(row.history_id, set())
        old_ids = m2m[f.name].get(before.history_id, set()) if before else set()
        if new_ids != old_ids:
            changes.append(
                Change(
                    str(capfirst(f.verbose_name)),
                    _names(f, old_ids, related),
                    _names(f, new_ids, related),
                )
            )
    return changes


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _names(f, ids: set, related: dict) -> str:
    names = sorted(str(related.get((f.related_model, i), f"#{i}")) for i in ids)
    return ", ".join(names) or EMPTY


def readable(f: models.Field, value, related: dict) -> str:
    """A stored value as a person reads it: labels, Yes/No, names, local times, — for empty."""
    if _is_empty(value):
        return EMPTY
    if f.is_relation:
        obj = related.get((f.related_model, value))
        return str(obj) if obj is not None else f"#{value} (deleted)"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, timedelta):
        return duration_text(value, style=CLOCK)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(formats.localize(value))

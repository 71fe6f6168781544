"""The audit trail: every history table and the access events as one stream, newest first.

Pages are cut by keyset ("older than this entry"): each source returns its newest
`page_size + 1` rows older than the cursor, the sources are merged in Python and the
page is the newest `page_size` of them. A page therefore costs a fixed number of queries
(bounded by the number of models), never an OFFSET or a COUNT over tables that grow to
millions of rows. The order is (time, source label, row id), descending, so entries
that share a timestamp still have one stable place in the stream.

"With everything attached" narrows the history of one record and of the records that
point at it (`sources.attached_sources`): one more source per attached model, each
filtered on its indexed column to the record, so the page stays keyset-cut and bounded
by the number of models.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..models import AccessEvent
from .entries import Entry, access_entries, history_entries
from .sources import (
    ACCESS_LABEL,
    ACCESS_OBJECTS,
    HISTORY_KINDS,
    PAGE_SIZE,
    Cursor,
    Source,
    attached_sources,
    history_sources,
)


@dataclass(frozen=True)
class TrailFilters:
    """What the trail is narrowed to; every field optional. `until` is exclusive."""

    user_id: int | None = None
    model: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    # With `model` and `object_id`: the records attached to that record too.
    attached: bool = False

    @staticmethod
    def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, ...]:
        """Whole local days, `last` included."""
        tz = timezone.get_current_timezone()
        since = datetime.combine(first, time.min, tzinfo=tz) if first else None
        until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz) if last else None
        return since, until


@dataclass(frozen=True)
class TrailPage:
    entries: list[Entry]
    next_cursor: Cursor | None


# --- the page ---------------------------------------------------------------------------


def trail_page(
    filters: TrailFilters, *, before: Cursor | None = None, page_size: int = PAGE_SIZE
) -> TrailPage:
    """The newest `page_size` entries matching `filters` that are older than `before`."""
    keyed: list[tuple[tuple, str, models.Model]] = []
    for source, column in _history_sources_for(filters):
        for row in _history_rows(source, column, filters, before, page_size + 1):
            keyed.append(((row.history_date, source.label, row.history_id), source.label, row))
    if _access_wanted(filters):
        for event in _access_rows(filters, before, page_size + 1):
            keyed.append(((event.at, ACCESS_LABEL, event.pk), ACCESS_LABEL, event))
    keyed.sort(key=lambda k: k[0], reverse=True)
    page, more = keyed[:page_size], len(keyed) > page_size
    by_source: dict[str, list] = defaultdict(list)
    for _, label, row in page:
        by_source[label].append(row)
    built: dict[tuple[str, int], Entry] = {}
    for label, rows in by_source.items():
        entries = access_entries(rows) if label == ACCESS_LABEL else history_entries(label, rows)
        built.update({(e.source, e.id): e for e in entries})
    entries = [built[(label, key[2])] for key, label, _ in page]
    return TrailPage(entries, entries[-1].cursor if more and entries else None)


def iter_trail(
    filters: TrailFilters, *, before: Cursor | None = None, chunk: int = 500
) -> Iterator[Entry]:
    """Every matching entry older than `before`, newest first, page by page (for exports)."""
    while True:
        page = trail_page(filters, before=before, page_size=chunk)
        yield from page.entries
        if page.next_cursor is None:
            return
        before = page.next_cursor


# --- sources ----------------------------------------------------------------------------


def _history_sources_for(filters: TrailFilters) -> list[tuple[Source, str]]:
    """The history tables to read, each with the column the record filter applies to."""
    if filters.kind and filters.kind not in HISTORY_KINDS:
        return []
    sources = history_sources()
    if not filters.model:
        return [(s, s.pk_name) for s in sources.values()]
    if filters.model not in sources:
        return []
    own = sources[filters.model]
    chosen = [(own, own.pk_name)]
    if filters.attached and filters.object_id:
        chosen += [(a.source, a.column) for a in attached_sources(filters.model)]
    return chosen


def _access_wanted(filters: TrailFilters) -> bool:
    if filters.kind and filters.kind in HISTORY_KINDS:
        return False
    return not filters.model or filters.model in ACCESS_OBJECTS


def _older(before: Cursor | None, label: str, at: str, pk: str) -> Q:
    """Rows of source `label` that come after the cursor in (time, label, id) descending."""
    if before is None:
        return Q()
    if label < before.label:
        return Q(**{f"{at}__lte": before.at})
    if label > before.label:
        return Q(**{f"{at}__lt": before.at})
    return Q(**{f"{at}__lt": before.at}) | Q(**{at: before.at, f"{pk}__lt": before.id})


def _history_rows(
    source: Source, column: str, filters: TrailFilters, before: Cursor | None, limit: int
):
    H = source.history
    rows = H.objects.select_related("history_user").filter(
        _older(before, source.label, "history_date", "history_id")
    )
    if filters.user_id:
        rows = rows.filter(history_user_id=filters.user_id)
    if filters.object_id:
        rows = rows.filter(**{column: filters.object_id})
    if filters.since:
        rows = rows.filter(history_date__gte=filters.since)
    if filters.until:
        rows = rows.filter(history_date__lt=filters.until)
    if filters.kind:
        rows = rows.filter(history_type=HISTORY_KINDS[filters.kind])
    earlier = H.objects.filter(**{source.pk_name: OuterRef(source.pk_name)}).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    previous = earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
    rows = rows.annotate(previous_id=Subquery(previous))
    return list(rows.order_by("-history_date", "-history_id")[:limit])


def _access_rows(filters: TrailFilters, before: Cursor | None, limit: int):
    rows = AccessEvent.objects.select_related("user", "actor", "group").filter(
        _older(before, ACCESS_LABEL, "at", "id")
    )
    if filters.user_id:
        rows = rows.filter(actor_id=filters.user_id)
    if filters.model == "auth.user":
        rows = rows.exclude(username="")
    elif filters.model == "auth.group":
        rows = rows.filter(group__isnull=False)
    if filters.model and filters.object_id:
        rows = rows.filter(**{ACCESS_OBJECTS[filters.model][0]: filters.object_id})
    if filters.since:
        rows = rows.filter(at__gte=filters.since)
    if filters.until:
        rows = rows.filter(at__lt=filters.until)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return list(rows.order_by("-at", "-id")[:limit])

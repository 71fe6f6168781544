"""Keyset pages over a list read as consecutive segments (the agents' queue, issue 18).

Each segment is a queryset read in (sla_due_at, created_at, pk) order; a page continues
from a cursor (segment, deadline, created, id) instead of an offset, so reading page 40
costs what page 1 does and nothing is counted. A cursor in the query string is untrusted:
anything that does not parse (junk, NUL bytes, huge numbers, dates past 9999) is no
cursor at all, and the first page is shown.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TOKEN = re.compile(r"(\d)\.(-|-?\d{1,18})\.(-?\d{1,18})\.(\d{1,18})")
ORDER = ("sla_due_at", "created_at", "pk")
REVERSED = ("-sla_due_at", "-created_at", "-pk")


def _micros(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _moment(micros: str) -> datetime:
    return _EPOCH + timedelta(microseconds=int(micros))  # OverflowError past 9999


@dataclass(frozen=True)
class Cursor:
    """A row's place in the list: its segment and its sort key."""

    segment: int
    due_at: datetime | None
    created_at: datetime
    pk: int

    @classmethod
    def of(cls, segment: int, row) -> "Cursor":
        return cls(segment, row.sla_due_at, row.created_at, row.pk)

    def token(self) -> str:
        due = "-" if self.due_at is None else str(_micros(self.due_at))
        return f"{self.segment}.{due}.{_micros(self.created_at)}.{self.pk}"

    @classmethod
    def parse(cls, text: str | None, has_deadline: Sequence[bool]) -> "Cursor | None":
        """The cursor in `text`, or None when it is not one of ours for this list."""
        match = _TOKEN.fullmatch(text or "")
        if match is None:
            return None
        segment, due, created, pk = match.groups()
        if int(segment) >= len(has_deadline) or has_deadline[int(segment)] != (due != "-"):
            return None
        try:
            return cls(
                int(segment), None if due == "-" else _moment(due), _moment(created), int(pk)
            )
        except (OverflowError, ValueError):
            return None

    def after(self) -> Q:
        """Rows of its segment after this one (a range on the index's leading column)."""
        return self._beyond("gt", "gte")

    def before(self) -> Q:
        return self._beyond("lt", "lte")

    def _beyond(self, strict: str, loose: str) -> Q:
        tail = Q(**{f"created_at__{strict}": self.created_at}) | Q(
            created_at=self.created_at, **{f"pk__{strict}": self.pk}
        )
        if self.due_at is None:
            return Q(**{f"created_at__{loose}": self.created_at}) & tail
        return Q(**{f"sla_due_at__{loose}": self.due_at}) & (
            Q(**{f"sla_due_at__{strict}": self.due_at}) | (Q(sla_due_at=self.due_at) & tail)
        )


@dataclass
class KeysetPage:
    """One page: its rows, and the cursors of the pages either side (None: no such page)."""

    object_list: list = field(default_factory=list)
    next_cursor: str | None = None
    previous_cursor: str | None = None
    is_first: bool = True


def _read(segments, start: int, cursor: Cursor | None, want: int, forward: bool) -> list:
    """Up to `want` (segment, row) pairs from `cursor` on (or back), across segments."""
    rows: list = []
    indexes = range(start, len(segments)) if forward else range(start, -1, -1)
    for index in indexes:
        queryset = segments[index]
        if cursor is not None and index == cursor.segment:
            queryset = queryset.filter(cursor.after() if forward else cursor.before())
        queryset = queryset.order_by(*(ORDER if forward else REVERSED))
        rows += [(index, row) for row in queryset[: want - len(rows)]]
        if len(rows) >= want:
            break
    return rows


def keyset_page(
    segments: Sequence, has_deadline: Sequence[bool], size: int, after: str = "", before=""
) -> KeysetPage:
    """The page after the `after` cursor, or before the `before` one, or the first page."""
    back = Cursor.parse(before, has_deadline) if before and not after else None
    if back is not None:
        rows = _read(segments, back.segment, back, size + 1, forward=False)
        if len(rows) > size:  # more before these: a page in the middle
            rows = rows[:size][::-1]
            return KeysetPage(
                [row for _, row in rows],
                next_cursor=Cursor.of(*rows[-1]).token(),
                previous_cursor=Cursor.of(*rows[0]).token(),
                is_first=False,
            )
        after = ""  # back at the start: the first page, full
    start = Cursor.parse(after, has_deadline) if after else None
    rows = _read(segments, start.segment if start else 0, start, size + 1, forward=True)
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        [row for _, row in rows],
        next_cursor=Cursor.of(*rows[-1]).token() if more else None,
        previous_cursor=Cursor.of(*rows[0]).token() if start is not None and rows else None,
        is_first=start is None,
    )

"""Who is on call, computed from a schedule's layers and the entered shifts on top.

Pure functions over rows already fetched (`schedule.layers` and each layer's `members`
prefetched, shifts passed in): nothing here queries, so a page for many departments costs
the queries of its prefetch, whatever the number of turns.

Precedence, highest first: an override shift (`OnCallShift.is_override`), a plain entered
shift (newer start first, as before schedules existed), then the layers by number (layer 1
first). A layer answers only inside its restriction and after its rotation start; where it
does not, the next layer down does; where nobody does, nobody is on call.

Time: turns are counted in the schedule's wall-clock time, so "a weekly turn from Monday
09:00 Europe/Berlin" hands over at 09:00 local before and after a DST change (that turn is
an hour shorter or longer in real time). A wall-clock time the clocks skip (02:30 on the
spring-forward night) is the moment they jump; one they repeat is its first occurrence.
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .models import LayerMember, OnCallShift, Schedule, ScheduleLayer

Interval = tuple[datetime, datetime, Any]


@dataclass(frozen=True)
class OnCallEntry:
    """A stretch of time with one person on call, and what put them there."""

    starts_at: datetime
    ends_at: datetime
    person: Any  # the user model
    phone: str = ""
    layer: ScheduleLayer | None = None
    shift: OnCallShift | None = None

    @property
    def is_override(self) -> bool:
        return self.shift is not None and self.shift.is_override

    @property
    def source(self) -> str:
        """Where this entry comes from, in words (for people and calendars)."""
        if self.shift is not None:
            return "override" if self.shift.is_override else "entered shift"
        return str(self.layer) if self.layer is not None else ""


@dataclass(frozen=True)
class Outlook:
    """Who is on call now and until when, and who is next and from when."""

    now: OnCallEntry | None
    until: datetime | None  # None: no hand-over within the horizon looked at
    next: OnCallEntry | None


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall-clock reading of an instant in `tz`."""
    return instant.astimezone(tz).replace(tzinfo=None)


def to_instant(local: datetime, tz: ZoneInfo) -> datetime:
    """The instant (UTC) a naive wall-clock time in `tz` stands for.

    A repeated time (fall-back) is its first occurrence; a skipped one (spring-forward) is
    the moment the clocks jump over it, found by bisecting the whole seconds between the
    two readings PEP 495 offers. So the mapping never goes backwards: a later wall-clock
    time is never an earlier instant, and turns and windows never end before they start.
    """
    instant = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if wall(instant, tz) == local:
        return instant
    low = int(local.replace(tzinfo=tz, fold=1).timestamp())  # before the jump
    high = int(instant.timestamp())  # after it
    while high - low > 1:
        middle = (low + high) // 2
        if wall(datetime.fromtimestamp(middle, UTC), tz) > local:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _members(layer: ScheduleLayer) -> list[LayerMember]:
    return sorted(layer.members.all(), key=lambda m: (m.position, m.pk or 0))


def layer_turns(layer: ScheduleLayer, tz: ZoneInfo, start: datetime, end: datetime) -> list:
    """The layer's turns overlapping [start, end), clipped to it: (from, to, member)."""
    members = _members(layer)
    begin = max(start, layer.rotation_start)
    if not members or begin >= end:
        return []
    origin = wall(layer.rotation_start, tz)
    length = layer.turn_length

    def boundary(k: int) -> datetime:
        if k <= 0:
            return layer.rotation_start
        return max(to_instant(origin + k * length, tz), layer.rotation_start)

    k = max(0, (wall(begin, tz) - origin) // length)
    while k > 0 and boundary(k) > begin:
        k -= 1
    while boundary(k + 1) <= begin:
        k += 1
    turns = []
    while boundary(k) < end:
        turn_start, turn_end = max(boundary(k), begin), min(boundary(k + 1), end)
        if turn_start < turn_end:  # a turn the clocks skip entirely does not happen
            turns.append((turn_start, turn_end, members[k % len(members)]))
        k += 1
    return turns


def layer_windows(
    layer: ScheduleLayer, tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]] | None:
    """The times within [start, end) the layer's restriction allows; None: unrestricted."""
    days = layer.weekday_set
    if not days and layer.window_start is None:
        return None
    opens = layer.window_start or time(0)
    closes = layer.window_end or time(0)
    windows: list[tuple[datetime, datetime]] = []
    day: date = wall(start, tz).date() - timedelta(days=1)  # yesterday's window may run over
    last = wall(end, tz).date()
    while day <= last:
        if not days or day.weekday() in days:
            # No window is the whole day; a window ending before it starts ends tomorrow.
            close_day = day if closes > opens else day + timedelta(days=1)
            window_start = max(to_instant(datetime.combine(day, opens), tz), start)
            window_end = min(to_instant(datetime.combine(close_day, closes), tz), end)
            if window_start < window_end:
                if windows and windows[-1][1] == window_start:  # whole days run together
                    windows[-1] = (windows[-1][0], window_end)
                else:
                    windows.append((window_start, window_end))
        day += timedelta(days=1)
    return windows


def _clip(turns: list[Interval], windows: list[tuple[datetime, datetime]]) -> list[Interval]:
    """The parts of the turns inside the windows (both sorted and disjoint)."""
    clipped, i, j = [], 0, 0
    while i < len(turns) and j < len(windows):
        turn_start, turn_end, who = turns[i]
        window_start, window_end = windows[j]
        low, high = max(turn_start, window_start), min(turn_end, window_end)
        if low < high:
            clipped.append((low, high, who))
        if turn_end <= window_end:
            i += 1
        else:
            j += 1
    return clipped


def _layer_intervals(layer: ScheduleLayer, tz: ZoneInfo, start: datetime, end: datetime):
    turns = layer_turns(layer, tz, start, end)
    windows = layer_windows(layer, tz, start, end)
    if windows is not None:
        turns = _clip(turns, windows)
    return [(s, e, (m.person, m.phone, layer, None)) for s, e, m in turns]


def _sources(
    schedule: Schedule | None, shifts: Iterable[OnCallShift], start: datetime, end: datetime
) -> list[list[Interval]]:
    """Disjoint sorted interval lists, highest precedence first."""
    ranked = sorted(shifts, key=lambda s: (s.is_override, s.starts_at, s.pk or 0), reverse=True)
    sources = [
        [(max(s.starts_at, start), min(s.ends_at, end), (s.person, s.phone, None, s))]
        for s in ranked
        if s.starts_at < end and s.ends_at > start
    ]
    if schedule is not None:
        tz = ZoneInfo(schedule.time_zone)
        layers = sorted(schedule.layers.all(), key=lambda layer: (layer.position, layer.pk or 0))
        sources += [_layer_intervals(layer, tz, start, end) for layer in layers]
    return [source for source in sources if source]


def _winner(source: Sequence[Interval], starts: list[datetime], at: datetime):
    index = bisect_right(starts, at) - 1
    if index >= 0 and source[index][1] > at:
        return source[index][2]
    return None


def on_call_entries(
    schedule: Schedule | None,
    start: datetime,
    end: datetime,
    shifts: Iterable[OnCallShift] = (),
) -> list[OnCallEntry]:
    """Who is on call over [start, end), generated: consecutive entries, gaps where nobody.

    `schedule` may be None (a department without one: only its shifts count); `shifts`
    are the department's entered shifts overlapping the span (others are ignored).
    """
    if start >= end:
        return []
    sources = _sources(schedule, shifts, start, end)
    starts = [[interval[0] for interval in source] for source in sources]
    edges = sorted({edge for source in sources for s, e, _ in source for edge in (s, e)})
    entries: list[OnCallEntry] = []
    for low, high in zip(edges, edges[1:], strict=False):
        who = next(
            (w for src, s in zip(sources, starts, strict=True) if (w := _winner(src, s, low))),
            None,
        )
        if who is None:
            continue
        person, phone, layer, shift = who
        last = entries[-1] if entries else None
        if last and last.ends_at == low and (last.person, last.phone) == (person, phone):
            if (last.layer, last.shift) == (layer, shift):
                entries[-1] = OnCallEntry(last.starts_at, high, person, phone, layer, shift)
                continue
        entries.append(OnCallEntry(low, high, person, phone, layer, shift))
    return entries


def on_call_at(
    schedule: Schedule | None, at: datetime, shifts: Iterable[OnCallShift] = ()
) -> Any | None:
    """The person on call at the instant `at`, or None."""
    entries = on_call_entries(schedule, at, at + timedelta(microseconds=1), shifts)
    return entries[0].person if entries else None


def outlook(entries: Sequence[OnCallEntry], at: datetime, horizon: datetime) -> Outlook:
    """Now and next from entries generated over [at, horizon).

    The person on call stays "now" across entries that follow each other without a gap
    (an override handing back to the same person's turn is no hand-over).
    """
    current = entries[0] if entries and entries[0].starts_at <= at else None
    rest = list(entries[1:] if current else entries)
    until = None
    if current is not None:
        until = current.ends_at
        while rest and rest[0].starts_at == until and rest[0].person == current.person:
            until = rest.pop(0).ends_at
        if until >= horizon:
            until = None
    return Outlook(now=current, until=until, next=rest[0] if rest else None)

"""Business-time arithmetic for SLA clocks.

SLA promises are made in *open* time of a support calendar ("answer within 4 business hours"),
but deadlines are stored and compared as instants.  This module is the single place where the
two meet, kept free of Django so it can be property-tested in isolation and reused anywhere.

Choices that are not obvious, and why:

* Open time is counted in real elapsed time, never in wall-clock time: a customer waiting
  through the night the clocks go back really waits one hour longer, so a 00:00-24:00 span
  counts 23 h on the spring-forward day and 25 h on the fall-back day.
* A span boundary (a local wall-clock time) becomes the first instant at which the local clock
  reads that time or later.  For an ordinary time that is the time itself; for a repeated one
  it is the first occurrence (``fold=0``); for one skipped by a spring-forward gap it is the
  instant the clock leaves the gap.  This mapping never runs backwards, so a span can never
  turn inside out and the spans of consecutive days never overlap.
* Spans are half-open: the calendar is open at its opening minute and closed at its closing
  minute, so a deadline that uses up a span exactly is that span's end, not the next opening.
* Zero work is done immediately: adding a zero duration returns ``start`` even outside opening
  hours, because nothing needs to wait for the calendar to open.
* Walking is done a local day at a time (never a minute at a time), with each day's spans
  converted to instants once and memoised, because zoneinfo exposes no transition table that
  would let whole weeks be skipped safely across DST changes; SLA durations span weeks, not
  decades, so this stays at a few hundred cheap iterations.
"""

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Self
from zoneinfo import ZoneInfo

__all__ = [
    "CLOSED_DAYS_HORIZON",
    "CalendarNeverOpensError",
    "Schedule",
    "add_business_time",
    "business_time_between",
    "is_open",
    "next_opening",
]

MINUTES_PER_DAY = 1440
CLOSED_DAYS_HORIZON = 3660
"""Consecutive closed days after which a calendar is deemed never to open again (a guard
against looping forever on a holiday list that blankets the future)."""

Span = tuple[int, int]
Interval = tuple[datetime, datetime]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_UTC_ZONE = ZoneInfo("UTC")


class CalendarNeverOpensError(ValueError):
    """Raised rather than looping forever when a calendar has no open time left to give."""


@dataclass(frozen=True)
class Schedule:
    """A business calendar: weekly opening spans in a time zone, minus holidays; or 24/7.

    ``weekly`` maps a weekday (0 = Monday .. 6 = Sunday) to sorted, non-overlapping
    ``(start_minute, end_minute)`` local wall-clock spans with ``0 <= start < end <= 1440``;
    1440 means the midnight that ends the day.  Spans may touch.  ``holidays`` are local dates
    closed all day.  ``always_open`` makes every instant count and ignores everything else.
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Span, ...]]
    holidays: frozenset[date] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        # Normalised copies: a frozen calendar must not change when the caller's dict does,
        # and equal calendars must compare (and hash) equal however they were spelled.
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a tzinfo such as ZoneInfo, got {self.tz!r}")
        if not isinstance(self.always_open, bool):
            raise TypeError(f"always_open must be a bool, got {self.always_open!r}")
        object.__setattr__(self, "weekly", _normalise_weekly(self.weekly))
        object.__setattr__(self, "holidays", _normalise_holidays(self.holidays))

    def __hash__(self) -> int:
        # The generated hash would choke on the mapping; hashing lets calendars key caches.
        return hash((self.tz, tuple(self.weekly.items()), self.holidays, self.always_open))

    @classmethod
    def around_the_clock(cls, tz: ZoneInfo = _UTC_ZONE) -> Self:
        """A 24/7 calendar, for SLAs that run on plain elapsed time."""
        return cls(tz=tz, weekly={}, always_open=True)

    @property
    def has_spans(self) -> bool:
        """Whether any weekday opens at all: lets callers fail fast instead of walking."""
        return any(self.weekly.values())


def add_business_time(start: datetime, duration: timedelta, schedule: Schedule) -> datetime:
    """The instant at which `duration` of open time has elapsed after `start` (in UTC).

    Raises CalendarNeverOpensError (a ValueError) when a positive duration can never be used up.
    """
    start = _as_utc(start, "start")
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    if duration == _ZERO:
        return start
    if schedule.always_open:
        return start + duration
    if not schedule.has_spans:
        raise CalendarNeverOpensError("calendar never opens")
    remaining = duration
    for opens, closes in _open_intervals(schedule, start):
        available = closes - opens
        if remaining <= available:
            return opens + remaining
        remaining -= available
    raise CalendarNeverOpensError("calendar never opens")  # pragma: no cover - walk is endless


def business_time_between(start: datetime, end: datetime, schedule: Schedule) -> timedelta:
    """Open time elapsed between two instants (zero if `end` <= `start`)."""
    start = _as_utc(start, "start")
    end = _as_utc(end, "end")
    if end <= start:
        return _ZERO
    if schedule.always_open:
        return end - start
    if not schedule.has_spans:
        return _ZERO
    total = _ZERO
    for opens, closes in _open_intervals(schedule, start, until=end):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def is_open(at: datetime, schedule: Schedule) -> bool:
    """Whether `at` counts as open time (closing minutes do not, opening minutes do)."""
    at = _as_utc(at, "at")
    if schedule.always_open:
        return True
    if not schedule.has_spans:
        return False
    for opens, _closes in _open_intervals(schedule, at, until=at):
        return opens == at
    return False


def next_opening(at: datetime, schedule: Schedule) -> datetime | None:
    """`at` itself if open, else the next instant the calendar opens; None if it never opens."""
    at = _as_utc(at, "at")
    if schedule.always_open:
        return at
    if not schedule.has_spans:
        return None
    try:
        for opens, _closes in _open_intervals(schedule, at):
            return opens
    except CalendarNeverOpensError:
        return None
    return None  # pragma: no cover - the walk either yields or raises


def _as_utc(value: datetime, name: str) -> datetime:
    """Reject naive datetimes: without a zone, "9 o'clock" is not an instant."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


def _open_intervals(
    schedule: Schedule, after: datetime, until: datetime | None = None
) -> Iterator[Interval]:
    """Yield the open intervals still running after `after`, clipped to it, in order.

    With `until`, stop once no further interval can open at or before it; without, give up
    after CLOSED_DAYS_HORIZON closed days in a row so that a dead calendar cannot hang a worker.
    """
    tz = schedule.tz
    day = after.astimezone(tz).date()
    closed_run = 0
    while True:
        if until is not None and _wall_instant(tz, day, 0) > until:
            return
        found = False
        if day not in schedule.holidays:
            for opens, closes in _intervals_on(tz, day, schedule.weekly[day.weekday()]):
                if closes > after:
                    found = True
                    yield max(opens, after), closes
        if found:
            closed_run = 0
        else:
            closed_run += 1
            if until is None and closed_run > CLOSED_DAYS_HORIZON:
                raise CalendarNeverOpensError(
                    f"calendar never opens: closed for more than {CLOSED_DAYS_HORIZON} "
                    f"consecutive days after {after.isoformat()}"
                )
        day += _ONE_DAY


@functools.lru_cache(maxsize=4096)
def _intervals_on(tz: tzinfo, day: date, spans: tuple[Span, ...]) -> tuple[Interval, ...]:
    """One day's spans as instants; memoised because every SLA clock revisits the same days."""
    intervals = []
    for start, end in spans:
        opens, closes = _wall_instant(tz, day, start), _wall_instant(tz, day, end)
        if opens < closes:  # a span lying wholly inside a DST gap never opens
            intervals.append((opens, closes))
    return tuple(intervals)


@functools.lru_cache(maxsize=8192)
def _wall_instant(tz: tzinfo, day: date, minute: int) -> datetime:
    """The first instant the local clock reads `minute` of `day` or later, in UTC.

    Using "first reading" rather than a raw UTC round-trip keeps the mapping monotonic: a
    skipped time maps to the end of the gap, not to an instant as far past it as it was in.
    """
    if minute == MINUTES_PER_DAY:
        day += _ONE_DAY
        minute = 0
    hour, minute_of_hour = divmod(minute, 60)
    wall = datetime.combine(day, time(hour, minute_of_hour), tzinfo=tz)  # fold=0: first occurrence
    instant = wall.astimezone(UTC)
    if _local_wall(instant, tz) == _local_wall(wall, tz):
        return instant
    return _gap_exit(wall, tz)


def _gap_exit(wall: datetime, tz: tzinfo) -> datetime:
    """The instant the clock jumps over the nonexistent `wall` time.

    zoneinfo has no public transition table, so bisect between the two readings PEP 495
    offers (before/after offset); the gap is at most a day, so this is under 20 probes.
    """
    target = _local_wall(wall, tz)
    first, second = wall.replace(fold=0).astimezone(UTC), wall.replace(fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    # Invariant: the clock reads before `target` at low + lo seconds, at/after it at low + hi.
    lo, hi = 0, int((high - low).total_seconds())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _local_wall(low + timedelta(seconds=mid), tz) >= target:
            hi = mid
        else:
            lo = mid
    return low + timedelta(seconds=hi)


def _local_wall(value: datetime, tz: tzinfo) -> tuple[date, time]:
    """What the local clock reads at `value`, comparable regardless of fold or offset."""
    local = value.astimezone(tz) if value.tzinfo is not tz else value
    return local.date(), local.time()


def _normalise_weekly(weekly: Mapping[int, Iterable[Span]]) -> Mapping[int, tuple[Span, ...]]:
    """Validate once up front so the walk never meets a malformed span."""
    if not isinstance(weekly, Mapping):
        raise TypeError(f"weekly must be a mapping of weekday -> spans, got {weekly!r}")
    table: dict[int, tuple[Span, ...]] = {weekday: () for weekday in range(7)}
    for weekday, spans in weekly.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(
                f"weekday must be an int from 0 (Monday) to 6 (Sunday), got {weekday!r}"
            )
        table[weekday] = _validate_spans(weekday, spans)
    return MappingProxyType(table)


def _validate_spans(weekday: int, spans: Iterable[Span]) -> tuple[Span, ...]:
    if isinstance(spans, str | bytes) or not isinstance(spans, Iterable):
        raise ValueError(f"weekday {weekday}: spans must be a sequence of pairs, got {spans!r}")
    validated: list[Span] = []
    for span in spans:
        try:
            start, end = span
        except (TypeError, ValueError):
            raise ValueError(
                f"weekday {weekday}: span {span!r} is not a (start_minute, end_minute) pair"
            ) from None
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (start, end)):
            raise ValueError(f"weekday {weekday}: span {span!r} must hold integer minutes")
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"weekday {weekday}: span {span!r} must satisfy 0 <= start < end <= 1440"
            )
        if validated and start < validated[-1][1]:
            raise ValueError(
                f"weekday {weekday}: spans must be sorted and non-overlapping, "
                f"but {span!r} starts before {validated[-1]!r} ends"
            )
        validated.append((start, end))
    return tuple(validated)


def _normalise_holidays(holidays: Iterable[date]) -> frozenset[date]:
    """Holidays are local calendar dates; a datetime here would silently never match."""
    result = frozenset(holidays)
    for holiday in result:
        if isinstance(holiday, datetime) or not isinstance(holiday, date):
            raise TypeError(f"holidays must be dates (not datetimes), got {holiday!r}")
    return result

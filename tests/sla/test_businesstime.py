"""Tests for sla.businesstime.

The property tests compare the module with a deliberately naive reference that walks the
real timeline a minute at a time and asks the wall clock whether each minute is open.  The
reference judges a minute by the *highest* local time the clock has shown so far (its
high-water mark), which is an independent restatement of the module's rule that a span
boundary is "the first instant the clock reads that time or later": repeated fall-back
minutes then belong to their first occurrence, and spring-forward gaps end where the clock
leaves them.  Every transition in the zones used lies on a whole minute, so minute sampling
is exact.
"""

import time as clock
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.businesstime import (
    CLOSED_DAYS_HORIZON,
    CalendarNeverOpensError,
    Schedule,
    add_business_time,
    business_time_between,
    is_open,
    next_opening,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # DST shifts by 30 minutes
KOLKATA = ZoneInfo("Asia/Kolkata")  # no DST at all
ZONES = [NEW_YORK, BERLIN, LORD_HOWE, KOLKATA]

ONE_MINUTE = timedelta(minutes=1)
HORIZON_MINUTES = 5 * 1440

THANKSGIVING = date(2026, 11, 26)
US_BUSINESS_HOURS = Schedule(
    tz=NEW_YORK,
    weekly={weekday: ((9 * 60, 18 * 60),) for weekday in range(5)},
    holidays=frozenset({THANKSGIVING}),
)


def new_york(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=NEW_YORK)  # type: ignore[misc]


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


# --- minute-by-minute reference -------------------------------------------------------------


def _high_water_mark_is_open(high: datetime, schedule: Schedule) -> bool:
    if high.date() in schedule.holidays:
        return False
    minute = high.hour * 60 + high.minute
    return any(start <= minute < end for start, end in schedule.weekly[high.weekday()])


def reference_open_minutes(start: datetime, minutes: int, schedule: Schedule) -> list[datetime]:
    """Start instants (UTC) of the open minutes in [start, start + minutes)."""
    end = start + timedelta(minutes=minutes)
    moment = start - timedelta(days=1)  # warm up: clocks never step back by a whole day
    high: datetime | None = None
    open_minutes = []
    while moment < end:
        wall = moment.astimezone(schedule.tz).replace(tzinfo=None)
        if high is None or wall > high:
            high = wall
        if moment >= start and _high_water_mark_is_open(high, schedule):
            open_minutes.append(moment)
        moment += ONE_MINUTE
    return open_minutes


# --- strategies -----------------------------------------------------------------------------

EPOCH = utc(2025, 1, 1)
RANGE_MINUTES = 3 * 365 * 1440  # 2025-2027
# Minutes in and around the 01:00-03:00 stretch where the zones used skip or repeat time.
DST_MINUTES = [60, 90, 100, 120, 121, 135, 150, 165, 179, 180]
OFFICE_MINUTES = [0, 30, 540, 720, 1080, 1410, 1439, 1440]


def _transition_days(tz: ZoneInfo) -> list[datetime]:
    noons = [utc(2025, 1, 1, 12) + timedelta(days=n) for n in range(3 * 365 + 1)]
    return [
        later
        for earlier, later in zip(noons, noons[1:], strict=False)
        if earlier.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset()
    ]


TRANSITION_DAYS = {tz: _transition_days(tz) for tz in ZONES}


@st.composite
def starts(draw: st.DrawFn, tz: ZoneInfo) -> datetime:
    """Whole-minute instants in 2025-2027, mostly within days of a DST change."""
    if not TRANSITION_DAYS[tz] or draw(st.integers(0, 3)) == 0:
        return EPOCH + timedelta(minutes=draw(st.integers(0, RANGE_MINUTES)))
    transition = draw(st.sampled_from(TRANSITION_DAYS[tz]))
    return transition - timedelta(days=4, minutes=-draw(st.integers(0, 5 * 1440)))


@st.composite
def day_spans(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    minute = st.one_of(
        st.sampled_from(DST_MINUTES), st.sampled_from(OFFICE_MINUTES), st.integers(0, 1440)
    )
    points = sorted(draw(st.lists(minute, max_size=6, unique=True)))
    spans = list(zip(points[::2], points[1::2], strict=False))
    if len(spans) >= 2 and draw(st.booleans()):  # let two spans touch
        spans[1] = (spans[0][1], spans[1][1])
    return tuple(spans)


@st.composite
def scenarios(draw: st.DrawFn, tz: ZoneInfo) -> tuple[datetime, Schedule]:
    start = draw(starts(tz))
    weekly = {weekday: draw(day_spans()) for weekday in range(7)}
    first_day = start.astimezone(tz).date()
    offsets = draw(st.sets(st.integers(-1, 6), max_size=3))
    holidays = frozenset(first_day + timedelta(days=offset) for offset in offsets)
    return start, Schedule(tz=tz, weekly=weekly, holidays=holidays)


def weekly_open_total(schedule: Schedule) -> timedelta:
    minutes = sum(end - start for spans in schedule.weekly.values() for start, end in spans)
    return timedelta(minutes=minutes)


# --- property tests -------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ZONES, ids=str)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_function_agrees_with_the_minute_by_minute_reference(
    tz: ZoneInfo, data: st.DataObject
) -> None:
    start, schedule = data.draw(scenarios(tz))
    opened = reference_open_minutes(start, HORIZON_MINUTES, schedule)
    opened_set = set(opened)
    horizon_end = start + timedelta(minutes=HORIZON_MINUTES)

    probe = start + timedelta(minutes=data.draw(st.integers(0, HORIZON_MINUTES - 1)))
    assert is_open(start, schedule) == (start in opened_set)
    assert is_open(probe, schedule) == (probe in opened_set)

    upcoming = next_opening(start, schedule)
    if opened:
        assert upcoming == opened[0]
    else:
        assert upcoming is None or upcoming >= horizon_end

    # Every span end (and a random count) is a deadline worth checking exactly.
    counts = {data.draw(st.integers(0, len(opened)))} | {
        index + 1
        for index, minute in enumerate(opened)
        if index + 1 == len(opened) or opened[index + 1] != minute + ONE_MINUTE
    }
    for count in sorted(counts):
        expected = start if count == 0 else opened[count - 1] + ONE_MINUTE
        assert add_business_time(start, count * ONE_MINUTE, schedule) == expected

    ends = {start + timedelta(minutes=data.draw(st.integers(0, HORIZON_MINUTES))), horizon_end}
    ends |= {minute for minute in opened if minute - ONE_MINUTE not in opened_set}
    for end in ends:
        expected_minutes = bisect_left(opened, end)
        assert business_time_between(start, end, schedule) == expected_minutes * ONE_MINUTE


@pytest.mark.parametrize("tz", ZONES, ids=str)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_measuring_what_was_added_gives_back_the_duration(
    tz: ZoneInfo, data: st.DataObject
) -> None:
    start, schedule = data.draw(scenarios(tz))
    start += timedelta(microseconds=data.draw(st.integers(0, 60_000_000 - 1)))
    weekly_total = weekly_open_total(schedule)
    assume(weekly_total > timedelta(0))
    limit = min(timedelta(days=5), 20 * weekly_total)
    duration = data.draw(st.timedeltas(min_value=timedelta(0), max_value=limit))

    deadline = add_business_time(start, duration, schedule)

    assert deadline >= start
    assert deadline.tzinfo is UTC
    assert business_time_between(start, deadline, schedule) == duration


@pytest.mark.parametrize("tz", [NEW_YORK, BERLIN], ids=str)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_deadlines_never_move_earlier_when_the_duration_grows(
    tz: ZoneInfo, data: st.DataObject
) -> None:
    start, schedule = data.draw(scenarios(tz))
    weekly_total = weekly_open_total(schedule)
    assume(weekly_total > timedelta(0))
    limit = min(timedelta(days=5), 20 * weekly_total)
    durations = st.timedeltas(min_value=timedelta(0), max_value=limit)
    shorter, longer = sorted([data.draw(durations), data.draw(durations)])

    assert add_business_time(start, shorter, schedule) <= add_business_time(start, longer, schedule)


@pytest.mark.parametrize("tz", [NEW_YORK, LORD_HOWE], ids=str)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_business_time_adds_up_over_consecutive_periods(tz: ZoneInfo, data: st.DataObject) -> None:
    first, schedule = data.draw(scenarios(tz))
    offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5))
    middle = first + data.draw(offsets)
    last = middle + data.draw(offsets)

    whole = business_time_between(first, last, schedule)
    parts = business_time_between(first, middle, schedule)
    parts += business_time_between(middle, last, schedule)

    assert whole == parts
    assert whole <= last - first


# --- US business hours, hand-picked boundaries ----------------------------------------------


def test_four_business_hours_from_friday_at_four_pm_is_monday_at_eleven_am() -> None:
    friday = new_york(2026, 2, 6, 16)
    assert add_business_time(friday, timedelta(hours=4), US_BUSINESS_HOURS) == new_york(
        2026, 2, 9, 11
    )


def test_starting_exactly_at_the_opening_minute_counts_from_that_minute() -> None:
    tuesday_opening = new_york(2026, 2, 10, 9)
    assert add_business_time(tuesday_opening, timedelta(hours=1), US_BUSINESS_HOURS) == (
        new_york(2026, 2, 10, 10)
    )


def test_starting_exactly_at_the_closing_minute_rolls_over_to_the_next_morning() -> None:
    tuesday_closing = new_york(2026, 2, 10, 18)
    assert add_business_time(tuesday_closing, timedelta(hours=1), US_BUSINESS_HOURS) == (
        new_york(2026, 2, 11, 10)
    )


def test_starting_before_opening_waits_for_the_opening() -> None:
    early_tuesday = new_york(2026, 2, 10, 7, 15)
    assert add_business_time(early_tuesday, timedelta(hours=1), US_BUSINESS_HOURS) == (
        new_york(2026, 2, 10, 10)
    )


def test_a_deadline_that_uses_up_the_day_exactly_is_the_closing_time() -> None:
    tuesday_afternoon = new_york(2026, 2, 10, 17)
    assert add_business_time(tuesday_afternoon, timedelta(hours=1), US_BUSINESS_HOURS) == (
        new_york(2026, 2, 10, 18)
    )


def test_thanksgiving_is_skipped() -> None:
    wednesday_before = new_york(2026, 11, 25, 17)
    assert add_business_time(wednesday_before, timedelta(hours=2), US_BUSINESS_HOURS) == (
        new_york(2026, 11, 27, 10)
    )
    assert business_time_between(
        new_york(2026, 11, 25, 18), new_york(2026, 11, 27, 9), US_BUSINESS_HOURS
    ) == timedelta(0)


def test_friday_evening_plus_two_hours_across_spring_forward_is_monday_ten_am_edt() -> None:
    friday = new_york(2026, 3, 6, 17)
    deadline = add_business_time(friday, timedelta(hours=2), US_BUSINESS_HOURS)

    assert deadline == utc(2026, 3, 9, 14)
    assert deadline.astimezone(NEW_YORK) == new_york(2026, 3, 9, 10)
    assert friday.utcoffset() == timedelta(hours=-5)
    assert deadline.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)


def test_friday_evening_plus_two_hours_across_fall_back_is_monday_ten_am_est() -> None:
    friday = new_york(2026, 10, 30, 17)
    deadline = add_business_time(friday, timedelta(hours=2), US_BUSINESS_HOURS)

    assert deadline == utc(2026, 11, 2, 15)
    assert friday.utcoffset() == timedelta(hours=-4)
    assert deadline.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-5)


def test_around_the_clock_adds_plain_elapsed_time_across_spring_forward() -> None:
    always = Schedule.around_the_clock(NEW_YORK)
    deadline = add_business_time(new_york(2026, 3, 8), timedelta(hours=24), always)
    assert deadline == new_york(2026, 3, 9, 1)


def test_around_the_clock_ignores_holidays_and_counts_elapsed_time() -> None:
    always = Schedule(
        tz=NEW_YORK, weekly={}, holidays=frozenset({date(2026, 3, 8)}), always_open=True
    )
    start, end = new_york(2026, 3, 7, 12), new_york(2026, 3, 9, 12)
    assert business_time_between(start, end, always) == timedelta(hours=47)
    assert is_open(new_york(2026, 3, 8, 12), always)
    assert next_opening(start, always) == start


def test_a_full_day_span_counts_23_hours_on_the_spring_forward_day_in_new_york() -> None:
    sundays = Schedule(tz=NEW_YORK, weekly={6: ((0, 1440),)})
    counted = business_time_between(new_york(2026, 3, 7), new_york(2026, 3, 10), sundays)
    assert counted == timedelta(hours=23)


def test_a_full_day_span_counts_25_hours_on_the_fall_back_day_in_new_york() -> None:
    sundays = Schedule(tz=NEW_YORK, weekly={6: ((0, 1440),)})
    counted = business_time_between(new_york(2026, 10, 31), new_york(2026, 11, 3), sundays)
    assert counted == timedelta(hours=25)


def test_a_span_ending_at_midnight_runs_straight_into_a_span_starting_at_midnight() -> None:
    late_shift = Schedule(tz=BERLIN, weekly={0: ((20 * 60, 1440),), 1: ((0, 2 * 60),)})
    monday_night = datetime(2026, 2, 9, 23, tzinfo=BERLIN)

    assert add_business_time(monday_night, timedelta(hours=2), late_shift) == datetime(
        2026, 2, 10, 1, tzinfo=BERLIN
    )
    assert is_open(datetime(2026, 2, 10, 0, tzinfo=BERLIN), late_shift)


def test_a_span_starting_inside_the_spring_forward_gap_opens_as_the_clock_leaves_it() -> None:
    sunday_small_hours = Schedule(tz=NEW_YORK, weekly={6: ((2 * 60 + 30, 4 * 60),)})
    sunday = new_york(2026, 3, 8)

    assert next_opening(sunday, sunday_small_hours) == new_york(2026, 3, 8, 3)
    assert business_time_between(sunday, new_york(2026, 3, 9), sunday_small_hours) == (
        timedelta(hours=1)
    )


def test_a_span_in_the_repeated_fall_back_hour_uses_its_first_occurrence() -> None:
    sunday_small_hours = Schedule(tz=NEW_YORK, weekly={6: ((60, 90),)})
    first_pass = datetime(2026, 11, 1, 1, 15, tzinfo=NEW_YORK)
    second_pass = first_pass.replace(fold=1)

    assert is_open(first_pass, sunday_small_hours)
    assert not is_open(second_pass, sunday_small_hours)
    assert business_time_between(
        new_york(2026, 11, 1), new_york(2026, 11, 2), sunday_small_hours
    ) == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("at", "expected_open", "expected_next"),
    [
        (new_york(2026, 2, 10, 8, 59, 59), False, new_york(2026, 2, 10, 9)),
        (new_york(2026, 2, 10, 9), True, new_york(2026, 2, 10, 9)),
        (new_york(2026, 2, 10, 17, 59, 59), True, new_york(2026, 2, 10, 17, 59, 59)),
        (new_york(2026, 2, 10, 18), False, new_york(2026, 2, 11, 9)),
        (new_york(2026, 2, 13, 18), False, new_york(2026, 2, 16, 9)),
        (new_york(2026, 2, 14, 12), False, new_york(2026, 2, 16, 9)),
        (new_york(2026, 11, 26, 10), False, new_york(2026, 11, 27, 9)),
    ],
    ids=[
        "one second before opening",
        "at opening",
        "one second before closing",
        "at closing",
        "friday at closing",
        "saturday",
        "thanksgiving",
    ],
)
def test_is_open_and_next_opening_at_the_edges_of_business_hours(
    at: datetime, expected_open: bool, expected_next: datetime
) -> None:
    assert is_open(at, US_BUSINESS_HOURS) is expected_open
    assert next_opening(at, US_BUSINESS_HOURS) == expected_next


def test_results_are_returned_in_utc() -> None:
    friday = new_york(2026, 2, 6, 16)
    results = [
        add_business_time(friday, timedelta(hours=4), US_BUSINESS_HOURS),
        add_business_time(friday, timedelta(0), US_BUSINESS_HOURS),
        next_opening(friday, US_BUSINESS_HOURS),
    ]
    assert all(result is not None and result.tzinfo is UTC for result in results)


def test_zero_duration_returns_the_start_even_when_the_calendar_is_closed() -> None:
    saturday = new_york(2026, 2, 14, 12)
    assert add_business_time(saturday, timedelta(0), US_BUSINESS_HOURS) == saturday


def test_precision_is_kept_below_the_minute() -> None:
    start = new_york(2026, 2, 10, 9, 0, 0, 500_000)
    assert add_business_time(start, timedelta(hours=1, seconds=1), US_BUSINESS_HOURS) == (
        new_york(2026, 2, 10, 10, 0, 1, 500_000)
    )


def test_business_time_between_is_zero_when_the_end_is_not_after_the_start() -> None:
    later, earlier = new_york(2026, 2, 10, 12), new_york(2026, 2, 10, 10)
    assert business_time_between(later, earlier, US_BUSINESS_HOURS) == timedelta(0)
    assert business_time_between(later, later, US_BUSINESS_HOURS) == timedelta(0)


def test_negative_durations_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(new_york(2026, 2, 10, 12), timedelta(seconds=-1), US_BUSINESS_HOURS)


NAIVE = datetime(2026, 2, 10, 12)  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(NAIVE, timedelta(hours=1), US_BUSINESS_HOURS),
        lambda: business_time_between(NAIVE, new_york(2026, 2, 11), US_BUSINESS_HOURS),
        lambda: business_time_between(new_york(2026, 2, 9), NAIVE, US_BUSINESS_HOURS),
        lambda: is_open(NAIVE, US_BUSINESS_HOURS),
        lambda: next_opening(NAIVE, US_BUSINESS_HOURS),
    ],
    ids=["add", "between start", "between end", "is_open", "next_opening"],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()  # type: ignore[operator]


def test_a_calendar_with_no_spans_never_opens() -> None:
    closed = Schedule(tz=NEW_YORK, weekly={})
    start = new_york(2026, 2, 10, 12)

    with pytest.raises(ValueError, match="calendar never opens"):
        add_business_time(start, timedelta(minutes=1), closed)
    assert add_business_time(start, timedelta(0), closed) == start
    assert next_opening(start, closed) is None
    assert not is_open(start, closed)
    assert business_time_between(start, start + timedelta(days=30), closed) == timedelta(0)


def test_a_decade_of_holidays_counts_as_never_opening_instead_of_looping_forever() -> None:
    mondays = [date(2026, 2, 9) + timedelta(weeks=n) for n in range(CLOSED_DAYS_HORIZON // 7 + 10)]
    blanketed = Schedule(tz=NEW_YORK, weekly={0: ((540, 1080),)}, holidays=frozenset(mondays))
    start = new_york(2026, 2, 9)

    with pytest.raises(CalendarNeverOpensError, match="calendar never opens"):
        add_business_time(start, timedelta(hours=1), blanketed)
    assert next_opening(start, blanketed) is None


def test_long_durations_are_walked_a_day_at_a_time_not_a_minute_at_a_time() -> None:
    start = new_york(2026, 1, 5, 9)
    two_years_of_work = timedelta(hours=9 * 5 * 104)

    began = clock.perf_counter()
    deadline = add_business_time(start, two_years_of_work, US_BUSINESS_HOURS)
    measured = business_time_between(start, deadline, US_BUSINESS_HOURS)
    elapsed = clock.perf_counter() - began

    assert measured == two_years_of_work
    assert elapsed < 2.0


# --- calendar validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ({7: ((540, 1080),)}, "weekday must be an int"),
        ({0: ((600, 540),)}, "0 <= start < end <= 1440"),
        ({0: ((540, 540),)}, "0 <= start < end <= 1440"),
        ({0: ((540, 1441),)}, "0 <= start < end <= 1440"),
        ({0: ((-1, 60),)}, "0 <= start < end <= 1440"),
        ({0: ((540, 720), (700, 1080))}, "sorted and non-overlapping"),
        ({0: ((780, 1080), (540, 720))}, "sorted and non-overlapping"),
        ({0: ((540,),)}, "pair"),
        ({0: ((9.0, 18.0),)}, "integer minutes"),
    ],
    ids=[
        "weekday 7",
        "inverted span",
        "empty span",
        "past midnight",
        "negative start",
        "overlapping",
        "unsorted",
        "not a pair",
        "float minutes",
    ],
)
def test_malformed_calendars_are_rejected_with_a_clear_message(
    weekly: dict[int, tuple[tuple[int, int], ...]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule(tz=NEW_YORK, weekly=weekly)


def test_touching_spans_are_allowed_and_count_as_one_stretch() -> None:
    split_day = Schedule(tz=NEW_YORK, weekly={1: ((540, 720), (720, 1080))})
    tuesday = new_york(2026, 2, 10, 11)
    assert add_business_time(tuesday, timedelta(hours=2), split_day) == new_york(2026, 2, 10, 13)


def test_equal_calendars_compare_and_hash_equal_and_ignore_later_edits_to_their_source() -> None:
    source = {0: ((540, 1080),)}
    calendar = Schedule(tz=NEW_YORK, weekly=source, holidays={THANKSGIVING})  # type: ignore[arg-type]
    source[1] = ((540, 1080),)

    same = Schedule(tz=NEW_YORK, weekly={0: ((540, 1080),), 6: ()}, holidays=[THANKSGIVING])  # type: ignore[arg-type]
    assert calendar == same
    assert hash(calendar) == hash(same)
    assert calendar.weekly[1] == ()

"""Property tests for on-call schedules (issue 16 "Proof"): over a whole year with two DST
changes, exactly one person is on call at every instant of a schedule that covers the
clock, the answer agrees with a plain wall-clock reading of the rota, and overrides win.

The schedules are built in memory (rows with ids, layers and members in the prefetch
cache, as the pages read them) so Hypothesis can try many shapes quickly; the arithmetic
under test is the same `contacts.oncall` the directory, routing and paging use.
"""

from datetime import UTC, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import LayerMember, OnCallShift, Schedule, ScheduleLayer
from contacts.oncall import on_call_at, on_call_entries, wall

User = get_user_model()
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney"]
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
_ids = count(1)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _prefetched(instance, name, rows):
    instance._prefetched_objects_cache = {name: rows}
    return instance


def _people(n):
    return [User(pk=next(_ids), username=f"p{next(_ids)}") for _ in range(n)]


def _layer(position, start, turn, members, weekdays="", window=None):
    layer = ScheduleLayer(
        pk=next(_ids),
        position=position,
        rotation_start=start,
        turn_length=turn,
        weekdays=weekdays,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
    )
    rows = [LayerMember(pk=next(_ids), person=p, position=i) for i, p in enumerate(members)]
    return _prefetched(layer, "members", rows)


def _schedule(tz, layers):
    return _prefetched(Schedule(pk=next(_ids), time_zone=tz), "layers", layers)


def _reading(layer, instant, tz):
    """Who a person reading the rota on a wall clock would name for this layer, or None."""
    local = wall(instant, tz)
    if instant < layer.rotation_start:
        return None
    if layer.window_start is not None:
        opens, closes, now = layer.window_start, layer.window_end, local.time()
        days = layer.weekday_set or set(range(7))
        if opens < closes:
            inside = opens <= now < closes and local.weekday() in days
        else:  # crosses midnight: the night belongs to the day it starts
            inside = (now >= opens and local.weekday() in days) or (
                now < closes and (local - timedelta(days=1)).weekday() in days
            )
        if not inside:
            return None
    turns = (local - wall(layer.rotation_start, tz)) // layer.turn_length
    members = layer.members.all()
    return members[turns % len(members)].person


# Whole hours away from the night hours clocks change at (01:00-03:59 in these zones), so
# a window edge is never a wall-clock time that happens twice or not at all.
_hours = st.integers(min_value=4, max_value=23)
_turns = st.sampled_from([1, 5, 8, 12, 24, 36, 72, 168, 336]).map(lambda h: timedelta(hours=h))


@st.composite
def follow_the_sun(draw):
    """A day layer (1) over an unrestricted base layer (2): someone always answers."""
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    start_hour = draw(_hours)
    base_start = datetime(2025, 11, 3, start_hour, tzinfo=zone)
    opens = draw(_hours)
    closes = draw(_hours.filter(lambda h: h != opens))
    weekdays = "".join(
        str(d) for d in sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=7)))
    )
    day = _layer(
        1,
        datetime(2025, 12, draw(st.integers(1, 28)), opens, tzinfo=zone),
        draw(_turns),
        _people(draw(st.integers(1, 3))),
        weekdays=weekdays,
        window=(time(opens), time(closes)),
    )
    base = _layer(2, base_start, draw(_turns), _people(draw(st.integers(1, 4))))
    return _schedule(tz, [day, base]), zone


def _instants(draw_from):
    """20 instants of the year, to the microsecond."""
    span = int((YEAR_END - YEAR_START).total_seconds() * 1_000_000) - 1
    return draw_from.lists(
        st.integers(0, span).map(lambda us: YEAR_START + timedelta(microseconds=us)),
        min_size=20,
        max_size=20,
    )


@PROPERTY
@given(rota=follow_the_sun(), instants=_instants(st))
def test_exactly_one_person_is_on_call_at_every_instant_of_a_year_with_two_dst_changes(
    rota, instants
):
    schedule, zone = rota
    entries = on_call_entries(schedule, YEAR_START, YEAR_END)
    # Entries follow each other without gap or overlap from the first instant to the last:
    # at every instant of the year exactly one of them, so exactly one person, answers.
    assert entries[0].starts_at == YEAR_START
    assert entries[-1].ends_at == YEAR_END
    for before, after in zip(entries, entries[1:], strict=False):
        assert before.ends_at == after.starts_at
        assert before.starts_at < before.ends_at
    for instant in instants:
        layer_1, layer_2 = schedule.layers.all()
        expected = _reading(layer_1, instant, zone) or _reading(layer_2, instant, zone)
        assert on_call_at(schedule, instant) == expected


@PROPERTY
@given(
    rota=follow_the_sun(),
    overrides=st.lists(
        st.tuples(st.integers(0, 364 * 24), st.integers(1, 24 * 10)), min_size=1, max_size=4
    ),
    instants=_instants(st),
)
def test_overrides_win_and_the_rota_answers_again_outside_them(rota, overrides, instants):
    schedule, _ = rota
    stand_ins = _people(len(overrides))
    shifts = [
        OnCallShift(
            pk=next(_ids),
            person=person,
            is_override=True,
            starts_at=YEAR_START + timedelta(hours=offset),
            ends_at=YEAR_START + timedelta(hours=offset + length),
        )
        for person, (offset, length) in zip(stand_ins, overrides, strict=True)
    ]
    entries = on_call_entries(schedule, YEAR_START, YEAR_END, shifts)
    assert entries[0].starts_at == YEAR_START and entries[-1].ends_at == YEAR_END
    assert all(a.ends_at == b.starts_at for a, b in zip(entries, entries[1:], strict=False))
    probes = instants + [s.starts_at for s in shifts] + [s.ends_at for s in shifts]
    for instant in probes:
        if not YEAR_START <= instant < YEAR_END:
            continue
        covering = [s for s in shifts if s.starts_at <= instant < s.ends_at]
        answer = on_call_at(schedule, instant, shifts)
        if covering:  # the latest-starting override covering the instant answers
            assert answer == max(covering, key=lambda s: (s.starts_at, s.pk)).person
        else:
            assert answer == on_call_at(schedule, instant)

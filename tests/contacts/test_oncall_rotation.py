"""Rotations generated on the fly: who is on call at T, exact across DST (contacts.oncall).

Turns are counted in the schedule's wall-clock time: a weekly turn from Monday 09:00
hands over at 09:00 local on both sides of a DST change, and a 12-hour turn over the
change night is 11 or 13 hours long.
"""

from datetime import UTC, datetime, time, timedelta

import pytest

from contacts.models import ScheduleLayer
from contacts.oncall import on_call_at, on_call_entries, to_instant
from tests.contacts.builders import BERLIN, DAY, NEW_YORK, WEEK, fresh, layer, people, schedule

HOUR = timedelta(hours=1)


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def new_york(*args):
    return datetime(*args, tzinfo=NEW_YORK)


def hand_overs(owner, start, end):
    """(start in the query's zone, username) of each entry."""
    tz = start.tzinfo
    return [
        (e.starts_at.astimezone(tz), e.person.username)
        for e in on_call_entries(fresh(owner), start, end)
    ]


def test_a_weekly_rotation_hands_over_on_the_minute_in_member_order(db):
    alice, bob, carol = people("alice", "bob", "carol")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [alice, bob, carol], start=berlin(2026, 6, 1, 9))
    rota = fresh(rota)
    assert on_call_at(rota, berlin(2026, 6, 1, 8, 59)) is None  # before the rotation starts
    assert on_call_at(rota, berlin(2026, 6, 1, 9)) == alice
    assert on_call_at(rota, berlin(2026, 6, 8, 8, 59, 59)) == alice
    assert on_call_at(rota, berlin(2026, 6, 8, 9)) == bob
    assert on_call_at(rota, berlin(2026, 6, 15, 9)) == carol
    assert on_call_at(rota, berlin(2026, 6, 22, 9)) == alice  # round again
    assert on_call_at(rota, berlin(2027, 6, 7, 9)) == [alice, bob, carol][53 % 3]


@pytest.mark.parametrize(
    ("tz", "first_monday", "change"),
    [
        ("Europe/Berlin", berlin(2026, 3, 23, 9), "spring forward 29 Mar"),
        ("Europe/Berlin", berlin(2026, 10, 19, 9), "fall back 25 Oct"),
        ("America/New_York", new_york(2026, 3, 2, 9), "spring forward 8 Mar"),
        ("America/New_York", new_york(2026, 10, 26, 9), "fall back 1 Nov"),
    ],
)
def test_a_weekly_turn_hands_over_at_9_local_on_both_sides_of_dst(db, tz, first_monday, change):
    alice, bob = people("alice", "bob")
    rota = schedule(tz=tz)
    layer(rota, [alice, bob], start=first_monday)
    zone = first_monday.tzinfo
    entries = on_call_entries(fresh(rota), first_monday, first_monday + 3 * WEEK)
    local = [e.starts_at.astimezone(zone) for e in entries]
    assert [(t.weekday(), t.hour, t.minute) for t in local] == [(0, 9, 0)] * 3, change
    assert [e.person for e in entries] == [alice, bob, alice]
    changed = entries[0].ends_at - entries[0].starts_at
    assert changed in (WEEK - HOUR, WEEK + HOUR), "the turn over the change is an hour off"
    assert entries[1].ends_at - entries[1].starts_at == WEEK


def test_the_berlin_spring_hand_over_is_at_0700_utc_after_0800_utc_before(db):
    alice, bob, carol = people("alice", "bob", "carol")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [alice, bob, carol], start=berlin(2026, 3, 23, 9))
    rota = fresh(rota)
    before = datetime(2026, 3, 30, 6, 59, tzinfo=UTC)
    assert on_call_at(rota, before) == alice
    assert on_call_at(rota, before + timedelta(minutes=1)) == bob  # 09:00 CEST
    assert on_call_at(rota, datetime(2026, 3, 23, 8, tzinfo=UTC)) == alice  # 09:00 CET


def test_a_12_hour_turn_over_the_spring_forward_night_is_11_hours(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [alice, bob], start=berlin(2026, 3, 28, 8), turn=12 * HOUR)
    entries = on_call_entries(fresh(rota), berlin(2026, 3, 28, 8), berlin(2026, 3, 30, 8))
    assert [(e.starts_at.astimezone(BERLIN).hour, e.person.username) for e in entries] == [
        (8, "alice"),
        (20, "bob"),
        (8, "alice"),
        (20, "bob"),
    ]
    assert [e.ends_at - e.starts_at for e in entries] == [
        12 * HOUR,
        11 * HOUR,
        12 * HOUR,
        12 * HOUR,
    ]


def test_a_12_hour_turn_over_the_fall_back_night_in_new_york_is_13_hours(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice, bob], start=new_york(2026, 10, 31, 20), turn=12 * HOUR)
    rota = fresh(rota)
    entries = on_call_entries(rota, new_york(2026, 10, 31, 20), new_york(2026, 11, 1, 20))
    assert [e.ends_at - e.starts_at for e in entries] == [13 * HOUR, 12 * HOUR]
    assert entries[1].starts_at == new_york(2026, 11, 1, 8)  # 08:00 EST, 13:00 UTC
    assert on_call_at(rota, datetime(2026, 11, 1, 12, 59, tzinfo=UTC)) == alice
    assert on_call_at(rota, datetime(2026, 11, 1, 13, tzinfo=UTC)) == bob


def wall_clock(*args):
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


def test_a_wall_clock_time_the_clocks_skip_is_the_moment_they_jump():
    jump = datetime(2026, 3, 29, 1, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
    assert to_instant(wall_clock(2026, 3, 29, 2, 30), BERLIN) == jump
    assert to_instant(wall_clock(2026, 3, 29, 3, 0), BERLIN) == jump
    assert to_instant(wall_clock(2026, 3, 29, 1, 59), BERLIN) == jump - timedelta(minutes=1)
    # A repeated time is its first occurrence (CEST, before the clocks go back).
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert to_instant(wall_clock(2026, 10, 25, 2, 30), BERLIN) == first


def test_an_hourly_turn_the_clocks_skip_does_not_happen_and_nothing_overlaps(db):
    a, b, c = people("a", "b", "c")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [a, b, c], start=berlin(2026, 3, 29, 0), turn=HOUR)
    entries = on_call_entries(fresh(rota), berlin(2026, 3, 29, 0), berlin(2026, 3, 29, 5))
    assert [e.person.username for e in entries] == ["a", "b", "a", "b"]  # c's 02:00 is skipped
    assert all(x.ends_at == y.starts_at for x, y in zip(entries, entries[1:], strict=False))


def test_a_restriction_window_crossing_midnight_belongs_to_the_day_it_starts(db):
    (alice,) = people("alice")
    rota = schedule(tz="Europe/Berlin")
    layer(
        rota,
        [alice],
        start=berlin(2026, 6, 1, 0),
        turn=WEEK,
        weekdays="01234",  # Mon-Fri nights
        window=(time(22), time(6)),
    )
    rota = fresh(rota)
    friday_night, saturday_morning = berlin(2026, 6, 5, 23), berlin(2026, 6, 6, 5, 59)
    assert on_call_at(rota, friday_night) == alice
    assert on_call_at(rota, saturday_morning) == alice  # Friday's window runs over
    assert on_call_at(rota, berlin(2026, 6, 6, 6)) is None
    assert on_call_at(rota, berlin(2026, 6, 6, 23)) is None  # no Saturday window
    assert on_call_at(rota, berlin(2026, 6, 8, 0, 30)) is None  # nor Sunday's
    assert on_call_at(rota, berlin(2026, 6, 8, 22)) == alice
    entries = on_call_entries(rota, berlin(2026, 6, 5, 12), berlin(2026, 6, 9, 12))
    assert [(e.starts_at, e.ends_at) for e in entries] == [
        (berlin(2026, 6, 5, 22), berlin(2026, 6, 6, 6)),
        (berlin(2026, 6, 8, 22), berlin(2026, 6, 9, 6)),
    ]


def test_a_night_window_over_the_spring_forward_night_is_7_hours(db):
    (alice,) = people("alice")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [alice], start=berlin(2026, 3, 1), turn=WEEK, window=(time(22), time(6)))
    entries = on_call_entries(fresh(rota), berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12))
    assert [(e.starts_at, e.ends_at) for e in entries] == [
        (berlin(2026, 3, 28, 22), berlin(2026, 3, 29, 6))
    ]
    assert entries[0].ends_at - entries[0].starts_at == 7 * HOUR


def test_follow_the_sun_is_two_layers_with_day_and_night_windows(db):
    eve, ella, amy, alan = people("eve", "ella", "amy", "alan")
    rota = schedule(tz="Europe/Berlin")
    start = berlin(2026, 6, 1, 7)
    layer(rota, [eve, ella], start=start, turn=DAY, window=(time(7), time(19)), name="Europe")
    layer(
        rota,
        [amy, alan],
        start=start,
        turn=DAY,
        window=(time(19), time(7)),
        position=2,
        name="Americas",
    )
    assert hand_overs(rota, berlin(2026, 6, 1, 7), berlin(2026, 6, 3, 7)) == [
        (berlin(2026, 6, 1, 7), "eve"),
        (berlin(2026, 6, 1, 19), "amy"),
        (berlin(2026, 6, 2, 7), "ella"),
        (berlin(2026, 6, 2, 19), "alan"),
    ]
    entries = on_call_entries(fresh(rota), berlin(2026, 6, 1, 7), berlin(2026, 6, 8, 7))
    assert all(x.ends_at == y.starts_at for x, y in zip(entries, entries[1:], strict=False))
    assert {e.layer.name for e in entries} == {"Europe", "Americas"}


def test_layer_1_wins_and_outside_its_restriction_the_next_layer_answers(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="America/New_York")
    monday = new_york(2026, 6, 1, 0)
    layer(rota, [alice], start=monday, weekdays="01234", window=(time(9), time(17)))
    layer(rota, [bob], start=monday, position=2)
    rota = fresh(rota)
    assert on_call_at(rota, new_york(2026, 6, 2, 10)) == alice  # Tuesday office hours
    assert on_call_at(rota, new_york(2026, 6, 2, 17)) == bob
    assert on_call_at(rota, new_york(2026, 6, 6, 10)) == bob  # Saturday


def test_an_unrestricted_layer_1_hides_every_layer_below_it(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="America/New_York")
    monday = new_york(2026, 6, 1, 0)
    layer(rota, [bob], start=monday, position=1)
    layer(rota, [alice], start=monday, position=2, window=(time(9), time(17)))
    entries = on_call_entries(fresh(rota), monday, monday + WEEK)
    assert [(e.person, e.starts_at, e.ends_at) for e in entries] == [(bob, monday, monday + WEEK)]


def test_a_lower_layer_answers_before_the_upper_ones_rotation_starts(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="Europe/Berlin")
    layer(rota, [alice], start=berlin(2026, 6, 10, 9))
    layer(rota, [bob], start=berlin(2026, 6, 1, 9), position=2)
    rota = fresh(rota)
    assert on_call_at(rota, berlin(2026, 6, 10, 8)) == bob
    assert on_call_at(rota, berlin(2026, 6, 10, 9)) == alice


def test_an_empty_schedule_a_memberless_layer_and_no_schedule_mean_nobody(db):
    rota = schedule()
    at = berlin(2026, 6, 2, 12)
    assert on_call_at(fresh(rota), at) is None
    ScheduleLayer.objects.create(
        schedule=rota, position=1, rotation_start=berlin(2026, 6, 1), turn_length=DAY
    )
    assert on_call_at(fresh(rota), at) is None
    assert on_call_entries(fresh(rota), at, at + WEEK) == []
    assert on_call_at(None, at) is None


def test_entries_follow_each_other_and_cover_exactly_the_span_asked(db):
    alice, bob, carol = people("alice", "bob", "carol")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice, bob, carol], start=new_york(2026, 1, 5, 9), turn=DAY)
    start, end = new_york(2026, 3, 5, 13, 17), new_york(2026, 3, 12, 2)
    entries = on_call_entries(fresh(rota), start, end)
    assert entries[0].starts_at == start and entries[-1].ends_at == end
    assert all(x.ends_at == y.starts_at for x, y in zip(entries, entries[1:], strict=False))
    assert all(x.person != y.person for x, y in zip(entries, entries[1:], strict=False))

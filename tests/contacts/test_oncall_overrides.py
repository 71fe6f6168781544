"""Entered shifts on top of the schedule, and the schedule in routing (contacts.routing).

Precedence: an override shift, then a plain entered shift, then the layers (layer 1
first). Routing, escalation and the API read the same answer.
"""

from datetime import datetime, time, timedelta

from contacts.models import Department, OnCallShift
from contacts.oncall import on_call_at, on_call_entries
from contacts.routing import (
    on_call_now,
    on_call_now_by_department,
    on_call_outlook_by_department,
    route,
)
from tests.contacts.builders import NEW_YORK, WEEK, fresh, layer, people, schedule

HOUR = timedelta(hours=1)


def ny(*args):
    return datetime(*args, tzinfo=NEW_YORK)


def shift(person, start, end, *, override=True, code="security", phone=""):
    return OnCallShift.objects.create(
        department=Department.objects.get(code=code),
        person=person,
        starts_at=start,
        ends_at=end,
        is_override=override,
        phone=phone,
    )


def test_an_override_beats_every_layer_and_hands_back_when_it_ends(db):
    alice, carol = people("alice", "carol")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice], start=ny(2026, 11, 23, 9))
    cover = shift(carol, ny(2026, 11, 29, 12), ny(2026, 11, 29, 14), phone="+1 555 0103")
    entries = on_call_entries(fresh(rota), ny(2026, 11, 29, 0), ny(2026, 11, 30, 0), [cover])
    assert [(e.starts_at.hour, e.person.username, e.source) for e in entries] == [
        (0, "alice", "Layer 1"),
        (12, "carol", "override"),
        (14, "alice", "Layer 1"),
    ]
    assert entries[1].is_override and entries[1].phone == "+1 555 0103"


def test_an_override_beats_a_plain_shift_which_beats_the_layers(db):
    alice, bob, carol = people("alice", "bob", "carol")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice], start=ny(2026, 11, 23, 9))
    plain = shift(bob, ny(2026, 11, 29, 8), ny(2026, 11, 29, 20), override=False)
    cover = shift(carol, ny(2026, 11, 29, 12), ny(2026, 11, 29, 14))
    rota = fresh(rota)
    assert on_call_at(rota, ny(2026, 11, 29, 7), [plain, cover]) == alice
    assert on_call_at(rota, ny(2026, 11, 29, 9), [plain, cover]) == bob
    assert on_call_at(rota, ny(2026, 11, 29, 13), [plain, cover]) == carol
    assert on_call_at(rota, ny(2026, 11, 29, 20), [plain, cover]) == alice


def test_an_override_fills_a_gap_the_layers_leave(db):
    alice, carol = people("alice", "carol")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice], start=ny(2026, 11, 23, 0), window=(time(9), time(17)))
    cover = shift(carol, ny(2026, 11, 29, 20), ny(2026, 11, 29, 23))
    assert on_call_at(fresh(rota), ny(2026, 11, 29, 21), [cover]) == carol
    assert on_call_at(fresh(rota), ny(2026, 11, 29, 23), [cover]) is None


def test_the_department_answer_comes_from_its_schedule_and_shifts(db):
    alice, bob, carol = people("alice", "bob", "carol")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice, bob], start=ny(2026, 11, 23, 9))
    shift(carol, ny(2026, 11, 29, 12), ny(2026, 11, 29, 14))
    security = Department.objects.get(code="security")
    assert on_call_now(security, ny(2026, 11, 29, 13)).person == carol
    entry = on_call_now(security, ny(2026, 11, 29, 15))
    assert (entry.person, entry.ends_at) == (alice, ny(2026, 11, 30, 9))  # the hand-over
    view = on_call_outlook_by_department(ny(2026, 11, 29, 15), [security])[security.pk]
    assert (view.now.person, view.until, view.next.person) == (alice, ny(2026, 11, 30, 9), bob)


def test_an_override_handing_back_to_the_same_person_is_no_hand_over(db):
    (alice,) = people("alice")
    other = people("bob")[0]
    rota = schedule(tz="America/New_York")
    layer(rota, [alice, other], start=ny(2026, 11, 23, 9))
    shift(alice, ny(2026, 11, 29, 12), ny(2026, 11, 29, 14), phone="+1 555 0101")
    security = Department.objects.get(code="security")
    view = on_call_outlook_by_department(ny(2026, 11, 29, 13), [security])[security.pk]
    assert view.now.is_override and view.until == ny(2026, 11, 30, 9)
    assert view.next.person == other


def test_critical_at_3am_sunday_goes_to_the_person_the_schedule_names(db):
    alice, bob = people("alice", "bob")
    rota = schedule(tz="America/New_York")
    layer(rota, [alice, bob], start=ny(2026, 11, 23, 9))
    r = route(Department.objects.get(code="security"), at=ny(2026, 11, 29, 3), critical=True)
    assert (r.is_open, r.on_call.person) == (False, alice)
    assert r.reason == "Outside hours: critical issues go to alice (on call)."


def test_on_call_for_every_department_is_a_fixed_number_of_queries(
    db, django_assert_max_num_queries
):
    now = ny(2026, 11, 29, 3)
    codes = ["security", "operations", "incidents", "technical-support"]
    with django_assert_max_num_queries(4):
        on_call_now_by_department(now)
    for i, code in enumerate(codes):
        team = people(f"a{i}", f"b{i}", f"c{i}")
        rota = schedule(code=code, tz="America/New_York")
        layer(rota, team, start=ny(2026, 11, 2, 9), turn=12 * HOUR)
        layer(rota, team[::-1], start=ny(2026, 11, 2, 9), position=2, window=(time(1), time(5)))
        shift(team[0], now - HOUR, now + HOUR, code=code)
    with django_assert_max_num_queries(4):
        found = on_call_now_by_department(now)
    assert len(found) == len(codes)
    some = list(Department.objects.filter(code__in=codes[:2]))
    with django_assert_max_num_queries(4):
        assert len(on_call_now_by_department(now + WEEK, some)) == 2

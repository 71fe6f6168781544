"""The directory shows who is on call now and next, and links each schedule's iCal feed."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from contacts.models import Department, OnCallShift
from tests.contacts.builders import BERLIN, DAY, NEW_YORK, layer, people, schedule
from tests.factories import UserFactory

DIRECTORY = reverse("contacts:directory")
SUNDAY_3AM = datetime(2026, 11, 29, 3, tzinfo=NEW_YORK)


def feed_url(rota, **query):
    url = reverse("contacts:schedule_ics", args=[rota.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def security_rota(db):
    alice, bob = people("alice", "bob")
    rota = schedule(code="security", tz="America/New_York", name="Security weekly")
    layer(rota, [alice, bob], start=datetime(2026, 11, 23, 9, tzinfo=NEW_YORK))
    return rota


def test_the_directory_shows_who_is_on_call_now_and_next_with_the_hand_over(
    client_as, agent, security_rota
):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        page = client_as(agent).get(DIRECTORY, {"q": "breach"}).content.decode()
    assert "Alice Oncall" in page and "until Mon 30 Nov 09:00 EST" in page
    assert "<strong>Next:</strong> Bob Oncall from Mon 30 Nov 09:00 EST" in page
    assert feed_url(security_rota) in page


def test_the_directory_marks_an_override_and_hands_back_to_the_rotation(
    client_as, agent, security_rota
):
    (carol,) = people("carol")
    OnCallShift.objects.create(
        department=security_rota.department,
        person=carol,
        starts_at=SUNDAY_3AM - timedelta(hours=1),
        ends_at=SUNDAY_3AM + timedelta(hours=2),
        is_override=True,
        phone="+1 555 0103",
    )
    with time_machine.travel(SUNDAY_3AM, tick=False):
        page = client_as(agent).get(DIRECTORY, {"q": "breach"}).content.decode()
    assert "Carol Oncall · +1 555 0103 (override) until Sun 29 Nov 05:00 EST" in page
    assert "Alice Oncall from Sun 29 Nov 05:00 EST" in page


def test_a_department_without_schedule_or_shift_has_nobody_on_call(client_as, agent):
    page = client_as(agent).get(DIRECTORY, {"q": "breach"}).content.decode()
    assert "<strong>On call now:</strong> nobody" in page and ".ics" not in page


def _feed(client, rota, **query):
    response = client.get(feed_url(rota, **query))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_ical_feed_has_one_event_per_entry_for_four_weeks(client_as, agent, security_rota):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        calendar = _feed(client_as(agent), security_rota)
    events = calendar.events
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0"
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]
    assert events[0].start == datetime(2026, 11, 29, tzinfo=NEW_YORK)  # today, from midnight
    assert events[1].start == datetime(2026, 11, 30, 9, tzinfo=NEW_YORK)
    assert events[-1].end == datetime(2026, 12, 27, tzinfo=NEW_YORK)  # four weeks
    assert [str(e["SUMMARY"]) for e in events[:2]] == [
        "On call for Security: Alice Oncall",
        "On call for Security: Bob Oncall",
    ]
    assert all(e.DTSTAMP == SUNDAY_3AM.astimezone(UTC) for e in events)
    assert len({e.uid for e in events}) == len(events)


def test_ical_uids_are_stable_between_downloads(client_as, agent, security_rota):
    client = client_as(agent)
    with time_machine.travel(SUNDAY_3AM, tick=False):
        first = [e.uid for e in _feed(client, security_rota).events]
    with time_machine.travel(SUNDAY_3AM + timedelta(hours=5), tick=False):
        again = [e.uid for e in _feed(client, security_rota).events]
    assert first == again


def test_the_ical_feed_keeps_local_hand_overs_and_overrides_across_dst(client_as, agent):
    eve, amy, carol = people("eve", "amy", "carol")
    rota = schedule(code="operations", tz="Europe/Berlin", name="Follow the sun")
    start = datetime(2026, 3, 23, 7, tzinfo=BERLIN)
    layer(rota, [eve], start=start, turn=DAY, window=(time(7), time(19)), name="Europe")
    layer(rota, [amy], start=start, turn=DAY, window=(time(19), time(7)), position=2)
    OnCallShift.objects.create(
        department=rota.department,
        person=carol,
        starts_at=datetime(2026, 3, 30, 12, tzinfo=BERLIN),
        ends_at=datetime(2026, 3, 30, 16, tzinfo=BERLIN),
        is_override=True,
    )
    with time_machine.travel(datetime(2026, 3, 27, 10, tzinfo=BERLIN), tick=False):
        events = _feed(client_as(agent), rota, weeks=1).events
    starts = [(e.start.astimezone(BERLIN).hour, str(e["SUMMARY"]).split(": ")[1]) for e in events]
    assert starts[:4] == [
        (0, "Amy Oncall"),
        (7, "Eve Oncall"),
        (19, "Amy Oncall"),
        (7, "Eve Oncall"),
    ]
    assert all(hour in (0, 7, 12, 16, 19) for hour, _ in starts)
    override = next(e for e in events if "Carol" in str(e["SUMMARY"]))
    assert "Source: override" in str(override["DESCRIPTION"])


@pytest.mark.parametrize(
    ("weeks", "days"), [("1", 7), ("999", 84), ("zzz", 28), ("-1", 28), ("²", 28), ("１", 28)]
)
def test_the_feed_length_is_bounded(client_as, agent, security_rota, weeks, days):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        events = _feed(client_as(agent), security_rota, weeks=weeks).events
    assert events[-1].end - events[0].start == timedelta(days=days)


def test_the_feed_needs_a_login_and_a_directory_reading_role(client, client_as, security_rota):
    response = client.get(feed_url(security_rota))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_as(UserFactory(username="norole")).get(feed_url(security_rota)).status_code == 403


def test_an_unknown_schedule_is_404(client_as, agent):
    assert client_as(agent).get(reverse("contacts:schedule_ics", args=[999999])).status_code == 404


def test_the_directory_and_the_feed_cost_a_fixed_number_of_queries(
    client_as, agent, security_rota, django_assert_max_num_queries
):
    client = client_as(agent)
    with time_machine.travel(SUNDAY_3AM, tick=False):
        client.get(DIRECTORY)
        with django_assert_max_num_queries(15) as directory:
            client.get(DIRECTORY)
        with django_assert_max_num_queries(8) as feed:
            client.get(feed_url(security_rota))
    for i, code in enumerate(["operations", "incidents", "technical-support", "support-l3"]):
        team = people(f"a{i}", f"b{i}", f"c{i}")
        rota = schedule(code=code, tz="Europe/Berlin")
        layer(rota, team, start=datetime(2026, 11, 2, 9, tzinfo=BERLIN), turn=DAY)
        layer(rota, team[::-1], start=datetime(2026, 11, 2, tzinfo=BERLIN), position=2)
        OnCallShift.objects.create(
            department=Department.objects.get(code=code),
            person=team[0],
            starts_at=SUNDAY_3AM,
            ends_at=SUNDAY_3AM + DAY,
            is_override=True,
        )
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_assert_max_num_queries(len(directory.captured_queries)):
            assert client.get(DIRECTORY).status_code == 200
        with django_assert_max_num_queries(len(feed.captured_queries)):
            assert client.get(feed_url(rota)).status_code == 200

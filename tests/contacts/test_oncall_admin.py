"""Directory admins keep schedules in the admin: layers inline, members one per line.

Junk (NUL bytes, huge durations, dates past 9999, unknown zones or people) is refused with
a message and saves nothing; other roles read but cannot write; pages cost fixed queries.
"""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from contacts.models import Department, LayerMember, Schedule, ScheduleLayer
from core import roles
from tests.contacts.builders import BERLIN, DAY, layer, people, schedule

ADD = reverse("admin:contacts_schedule_add")


def layer_data(i, **fields):
    values = {
        "position": i + 1,
        "name": "",
        "rotation_start_0": "2026-03-23",
        "rotation_start_1": "09:00:00",
        "turn_length": "7 00:00:00",
        "rota": "alice\nbob +49 30 1234567",
        "window_start": "",
        "window_end": "",
    }
    values.update(fields)
    return {f"layers-{i}-{k}": v for k, v in values.items()}


def schedule_form(*layers, **fields):
    data = {
        "department": Department.objects.get(code="security").pk,
        "name": "Security rota",
        "time_zone": "Europe/Berlin",
        "description": "",
        "layers-TOTAL_FORMS": len(layers),
        "layers-INITIAL_FORMS": 0,
        "layers-MIN_NUM_FORMS": 0,
        "layers-MAX_NUM_FORMS": 1000,
    }
    for layer_fields in layers:
        data.update(layer_fields)
    data.update(fields)
    return data


@pytest.fixture
def team(db):
    return people("alice", "bob", "carol")


def test_a_directory_admin_builds_a_follow_the_sun_schedule_on_one_page(
    client_as, directory_admin, team
):
    data = schedule_form(
        layer_data(0, name="Europe", window_start="07:00", window_end="19:00", rota="alice"),
        layer_data(
            1,
            name="Americas",
            window_start="19:00",
            window_end="07:00",
            rota="carol +1 555 0103\nbob",
            weekdays=["0", "1", "2", "3", "4"],
        ),
    )
    response = client_as(directory_admin).post(ADD, data)
    assert response.status_code == 302, response.context["errors"]
    rota = Schedule.objects.get()
    europe, americas = rota.layers.order_by("position")
    # The page reads times in the schedule's zone: Monday 09:00 Berlin.
    assert europe.rotation_start == datetime(2026, 3, 23, 9, tzinfo=BERLIN)
    assert americas.weekdays == "01234" and americas.restriction_text() == (
        "Mon, Tue, Wed, Thu, Fri 19:00-07:00"
    )
    members = [(m.person.username, m.phone) for m in americas.members.order_by("position")]
    assert members == [("carol", "+1 555 0103"), ("bob", "")]
    assert rota.history.latest().history_user == directory_admin
    assert {h.history_user for h in LayerMember.history.all()} == {directory_admin}


def test_reordering_the_rotation_rewrites_members_in_place(client_as, directory_admin, team):
    alice, bob, _ = team
    rota = schedule()
    made = layer(rota, [alice, bob], start=datetime(2026, 3, 23, 9, tzinfo=BERLIN))
    url = reverse("admin:contacts_schedule_change", args=[rota.pk])
    data = schedule_form(
        {**layer_data(0, rota="bob\nalice\ncarol"), "layers-0-id": made.pk},
        **{"layers-INITIAL_FORMS": 1},
    )
    response = client_as(directory_admin).post(url, data)
    assert response.status_code == 302, response.context["errors"]
    order = made.members.order_by("position").values_list("person__username", flat=True)
    assert list(order) == ["bob", "alice", "carol"]
    assert LayerMember.objects.count() == 3


JUNK = [
    ({"name": "Rota\x00"}, "NUL character"),
    ({"time_zone": "Mars/Olympus_Mons"}, "is not a known time zone"),
    ({"time_zone": "../../etc/passwd"}, "is not a known time zone"),
    ({"layers-0-turn_length": "999999999 00:00:00"}, "A turn lasts from 1 hour to 366 days"),
    ({"layers-0-turn_length": "9" * 40}, "must be between"),
    ({"layers-0-turn_length": "00:10:00"}, "A turn lasts from 1 hour to 366 days"),
    ({"layers-0-turn_length": "-1 00:00:00"}, "A turn lasts from 1 hour to 366 days"),
    ({"layers-0-rotation_start_0": "9999-12-31"}, "Choose a date between 1970 and 2199"),
    ({"layers-0-rotation_start_0": "10000-01-01"}, "Enter a valid date"),
    ({"layers-0-rota": ""}, "This field is required"),
    ({"layers-0-rota": "alice\nnobody-here"}, "No active user is called nobody-here"),
    ({"layers-0-rota": "alice\x00"}, "NUL character"),
    ({"layers-0-rota": "alice call-me-maybe"}, "is not a phone number"),
    ({"layers-0-window_start": "09:00"}, "both a start and an end"),
    ({"layers-0-window_start": "09:00", "layers-0-window_end": "09:00"}, "ambiguous"),
    ({"layers-0-weekdays": ["7"]}, "Select a valid choice"),
    ({"layers-0-position": "99999999"}, "Ensure this value is less than or equal to 99"),
]


@pytest.mark.parametrize(("junk", "message"), JUNK, ids=[m for _, m in JUNK])
def test_junk_in_the_schedule_form_is_refused_and_saves_nothing(
    client_as, directory_admin, team, junk, message
):
    data = schedule_form(layer_data(0))
    data.update(junk)
    response = client_as(directory_admin).post(ADD, data)
    # A NUL byte is refused before any form sees it (core.middleware), with a message too.
    assert response.status_code == (400 if message == "NUL character" else 200)
    assert message in response.content.decode()
    assert not Schedule.objects.exists() and not ScheduleLayer.objects.exists()
    assert not LayerMember.objects.exists()


def test_two_layers_with_one_number_and_a_second_schedule_are_refused(
    client_as, directory_admin, team
):
    client = client_as(directory_admin)
    response = client.post(ADD, schedule_form(layer_data(0), layer_data(1, position=1)))
    assert response.status_code == 200 and not Schedule.objects.exists()
    schedule(code="security")
    response = client.post(ADD, schedule_form(layer_data(0)))
    assert "already has a schedule" in response.content.decode()
    assert Schedule.objects.count() == 1


def test_agents_and_leads_read_schedules_but_cannot_change_them(client_as, agent, lead, team):
    rota = schedule()
    layer(rota, team[:2], start=datetime(2026, 3, 23, 9, tzinfo=BERLIN))
    url = reverse("admin:contacts_schedule_change", args=[rota.pk])
    for user in (agent, lead):
        client = client_as(user)
        assert client.get(url).status_code == 200
        assert client.post(url, schedule_form(name="Hijacked")).status_code == 403
        assert client.post(ADD, schedule_form(layer_data(0))).status_code == 403
    assert Schedule.objects.get().name == "Rota"


def test_the_change_page_previews_the_generated_rota(client_as, directory_admin, team):
    rota = schedule()
    layer(rota, team, start=datetime(2026, 3, 23, 9, tzinfo=BERLIN), turn=DAY)
    page = client_as(directory_admin).get(reverse("admin:contacts_schedule_change", args=[rota.pk]))
    text = page.content.decode()
    assert "Layer 1" in text and "Add an override" in text
    assert "alice\nbob\ncarol" in text  # the rotation, one member per line


def test_schedule_pages_cost_a_fixed_number_of_queries(
    client_as, directory_admin, team, django_assert_max_num_queries
):
    client = client_as(directory_admin)
    rota = schedule()
    start = datetime(2026, 3, 23, 9, tzinfo=BERLIN)
    layer(rota, team[:1], start=start)
    change = reverse("admin:contacts_schedule_change", args=[rota.pk])
    listing = reverse("admin:contacts_schedule_changelist")
    client.get(listing)
    with django_assert_max_num_queries(25) as few_list:
        client.get(listing)
    with django_assert_max_num_queries(30) as few_change:
        client.get(change)
    for position in range(2, 7):
        layer(rota, people(f"x{position}", f"y{position}"), start=start, position=position)
    for code in ("operations", "incidents", "billing", "legal"):
        layer(schedule(code=code), team, start=start - timedelta(days=3), turn=DAY)
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        assert client.get(listing).status_code == 200
    with django_assert_max_num_queries(len(few_change.captured_queries)):
        assert client.get(change).status_code == 200


def test_the_roles_hold_the_schedule_permissions_from_the_migration(db):
    def grants(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    models = ("schedule", "schedulelayer", "layermember")
    admin_grants = grants(roles.DIRECTORY_ADMIN)
    for model in models:
        assert {f"{verb}_{model}" for verb in ("add", "change", "delete", "view")} <= admin_grants
        assert f"change_historical{model}" not in admin_grants
    for role in (roles.AGENT, roles.LEAD, roles.AUDITOR):
        assert {f"view_{m}" for m in models} <= grants(role)
        assert not {f"change_{m}" for m in models} & grants(role)

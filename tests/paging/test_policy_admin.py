"""Directory admins keep escalation policies in the admin, levels inline. Junk (a delay
past a day, a level with both a schedule and a person or neither, a repeat past 5) is
refused with a message and saves nothing; other roles read; pages cost fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Department, EscalationLevel, EscalationPolicy

ADD = reverse("admin:contacts_escalationpolicy_add")


def policy_form(billing, *levels, **fields):
    data = {
        "department": billing.pk,
        "repeat": 1,
        "pagerduty_service": "",
        "is_active": "on",
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": 0,
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
    }
    for i, level in enumerate(levels):
        values = {"position": i + 1, "delay_minutes": 0, "schedule": "", "person": ""}
        values.update(level)
        data.update({f"levels-{i}-{k}": v for k, v in values.items()})
    data.update(fields)
    return data


def test_a_directory_admin_sets_up_a_policy_on_one_page(
    client_as, directory_admin, billing, alice_and_bob, carol
):
    rota = billing.schedules.get()
    data = policy_form(
        billing, {"schedule": rota.pk}, {"delay_minutes": 15, "person": carol.pk}, repeat=2
    )
    response = client_as(directory_admin).post(ADD, data)
    assert response.status_code == 302, response.context["errors"]
    policy = EscalationPolicy.objects.get(department=billing)
    assert policy.repeat == 2
    assert [(lv.delay_minutes, lv.schedule, lv.person) for lv in policy.levels.all()] == [
        (0, rota, None),
        (15, None, carol),
    ]
    assert policy.history.latest().history_user == directory_admin


@pytest.mark.parametrize(
    ("level", "fields", "message"),
    [
        ({"delay_minutes": 1441, "person": "carol"}, {}, "less than or equal to 1440"),
        ({"delay_minutes": -5, "person": "carol"}, {}, "greater than or equal to 0"),
        ({"schedule": "rota", "person": "carol"}, {}, "exactly one"),
        ({"delay_minutes": 10}, {}, "exactly one"),  # neither a schedule nor a person
        ({"person": "carol"}, {"repeat": 6}, "less than or equal to 5"),
    ],
)
def test_junk_in_the_policy_form_is_refused_and_saves_nothing(
    client_as, directory_admin, billing, alice_and_bob, carol, level, fields, message
):
    names = {"carol": carol.pk, "rota": billing.schedules.get().pk}
    level = {k: names.get(v, v) if isinstance(v, str) else v for k, v in level.items()}
    response = client_as(directory_admin).post(ADD, policy_form(billing, level, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EscalationPolicy.objects.exists() and not EscalationLevel.objects.exists()


def test_agents_read_policies_but_cannot_change_them(client_as, agent, policy):
    client = client_as(agent)
    url = reverse("admin:contacts_escalationpolicy_change", args=[policy.pk])
    assert client.get(ADD).status_code == 403
    page = client.get(url)
    assert page.status_code in (200, 403)
    if page.status_code == 200:
        assert b'name="repeat"' not in page.content  # read-only


def test_the_policy_page_costs_the_same_queries_for_two_levels_or_six(
    client_as, directory_admin, policy, carol
):
    client = client_as(directory_admin)
    url = reverse("admin:contacts_escalationpolicy_change", args=[policy.pk])
    lists = reverse("admin:contacts_escalationpolicy_changelist")
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as two_listed:
        assert client.get(lists).status_code == 200
    for position in range(3, 7):
        EscalationLevel.objects.create(
            policy=policy, position=position, delay_minutes=5, person=carol
        )
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as six_listed:
        assert client.get(lists).status_code == 200
    assert len(six) == len(two)
    assert len(six_listed) == len(two_listed)


def test_the_department_page_links_its_schedule_and_policy_or_offers_to_add_them(
    client_as, directory_admin, policy, billing
):
    page = reverse("admin:contacts_department_change", args=[billing.pk])
    html = client_as(directory_admin).get(page).content.decode()
    schedule = billing.schedules.get()
    assert reverse("admin:contacts_schedule_change", args=[schedule.pk]) in html
    assert reverse("admin:contacts_escalationpolicy_change", args=[policy.pk]) in html
    other = Department.objects.get(code="security")
    html = (
        client_as(directory_admin)
        .get(reverse("admin:contacts_department_change", args=[other.pk]))
        .content.decode()
    )
    assert "Add a schedule" in html and "Add an escalation policy" in html
    assert f"?department={other.pk}" in html

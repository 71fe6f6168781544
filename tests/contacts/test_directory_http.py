"""Directory admins keep the directory in the admin; agents look it up at /desk/directory/."""

import time_machine
from django.urls import reverse

from contacts.models import ContactChannel, Department, OnCallShift
from tests.contacts.test_routing import ny
from tests.factories import UserFactory

DIRECTORY = reverse("contacts:directory")


def department_form(department, **changes):
    data = {
        "code": department.code,
        "name": department.name,
        "purpose": department.purpose,
        "handles": department.handles,
        "calendar": department.calendar_id or "",
        "response_time": "",
        "response_time_note": department.response_time_note,
        "lead": "",
        "members": [],
        "channels-TOTAL_FORMS": 0,
        "channels-INITIAL_FORMS": 0,
        "shifts-TOTAL_FORMS": 0,
        "shifts-INITIAL_FORMS": 0,
        "jira_target-TOTAL_FORMS": 0,
        "jira_target-INITIAL_FORMS": 0,
    }
    if department.critical_around_the_clock:
        data["critical_around_the_clock"] = "on"
    data.update(changes)
    return data


def test_directory_admin_edits_a_department_and_agents_see_it_at_once(
    client_as, directory_admin, agent
):
    billing = Department.objects.get(code="billing")
    url = reverse("admin:contacts_department_change", args=[billing.pk])
    data = department_form(
        billing,
        handles="refunds, invoices, dunning letters",
        **{
            "channels-TOTAL_FORMS": 1,
            "channels-0-kind": "chat",
            "channels-0-value": "#billing-escalations",
            "channels-0-position": 5,
        },
    )
    response = client_as(directory_admin).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    billing.refresh_from_db()
    assert billing.history.latest().history_user == directory_admin
    page = client_as(agent).get(DIRECTORY, {"q": "dunning"}).content.decode()
    assert "Billing" in page and "#billing-escalations" in page


def test_a_bad_email_in_the_admin_is_refused_and_nothing_changes(client_as, directory_admin):
    billing = Department.objects.get(code="billing")
    url = reverse("admin:contacts_department_change", args=[billing.pk])
    data = department_form(
        billing,
        handles="changed",
        **{
            "channels-TOTAL_FORMS": 1,
            "channels-0-kind": "email",
            "channels-0-value": "billing at example",
            "channels-0-position": 0,
        },
    )
    response = client_as(directory_admin).post(url, data)
    assert response.status_code == 200
    assert "is not a valid email" in response.content.decode()
    billing.refresh_from_db()
    assert billing.handles != "changed"
    assert not ContactChannel.objects.filter(value="billing at example").exists()


def test_directory_admin_adds_an_on_call_shift(client_as, directory_admin, engineer):
    response = client_as(directory_admin).post(
        reverse("admin:contacts_oncallshift_add"),
        {
            "department": Department.objects.get(code="security").pk,
            "person": engineer.pk,
            "starts_at_0": "2026-11-29",
            "starts_at_1": "08:00:00",
            "ends_at_0": "2026-11-30",
            "ends_at_1": "08:00:00",
            "phone": "+1 555 0199",
        },
    )
    assert response.status_code == 302
    assert OnCallShift.objects.get().person == engineer


def test_agents_and_leads_read_but_do_not_edit_the_directory(client_as, agent, lead):
    billing = Department.objects.get(code="billing")
    url = reverse("admin:contacts_department_change", args=[billing.pk])
    for user in (agent, lead):
        client = client_as(user)
        listing = client.get(reverse("admin:contacts_department_changelist"))
        assert billing in listing.context["cl"].result_list
        assert billing.handles in client.get(url).content.decode()
        assert client.post(url, department_form(billing, handles="x")).status_code == 403
    assert Department.objects.get(pk=billing.pk).handles == billing.handles


def test_directory_page_search_shows_open_state_and_who_is_on_call(client_as, agent):
    security = Department.objects.get(code="security")
    OnCallShift.objects.create(
        department=security,
        person=UserFactory(username="oncall", first_name="Olga", last_name="Oncall"),
        starts_at=ny(2026, 11, 28, 8),
        ends_at=ny(2026, 11, 30, 8),
        phone="+1 555 0123",
    )
    client = client_as(agent)
    with time_machine.travel(ny(2026, 11, 29, 3), tick=False):
        page = client.get(DIRECTORY, {"q": "breach"}).content.decode()
    assert "Security" in page and "Billing" not in page
    assert "Olga Oncall" in page and "+1 555 0123" in page
    assert "Closed · opens Mon 30 Nov 09:00" in page
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        page = client.get(DIRECTORY, {"q": "Legal"}).content.decode()
    assert "Open now" in page and "legal@example.com" in page


def test_directory_page_says_when_nothing_matches(client_as, agent):
    page = client_as(agent).get(DIRECTORY, {"q": "zzz-nothing"}).content.decode()
    assert "No department handles" in page


def test_directory_page_does_a_fixed_number_of_queries(
    client_as, agent, django_assert_max_num_queries
):
    client = client_as(agent)
    client.get(DIRECTORY)
    with django_assert_max_num_queries(12) as captured:
        client.get(DIRECTORY)
    for i in range(10):
        d = Department.objects.create(code=f"extra-{i}", name=f"Extra {i}")
        ContactChannel.objects.create(department=d, kind="email", value=f"x{i}@example.com")
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert client.get(DIRECTORY).status_code == 200


def test_directory_page_needs_a_login(client):
    response = client.get(DIRECTORY)
    assert response.status_code == 302 and "login" in response["Location"]


def test_directory_page_is_refused_to_users_without_a_role(db, client_as):
    assert client_as(UserFactory(username="norole")).get(DIRECTORY).status_code == 403

"""Each role can and cannot do what DESIGN.md says, through real requests to the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import roles
from escalation.models import Category, TicketState
from tests.factories import CustomerFactory

TICKETS = reverse("admin:escalation_ticket_changelist")
CUSTOMERS = reverse("admin:escalation_customer_changelist")
CATEGORIES = reverse("admin:escalation_category_changelist")
OUTBOX = reverse("admin:outbox_outboxmessage_changelist")
USERS = reverse("admin:auth_user_changelist")


def category_change_url(code="feature-request"):
    return reverse("admin:escalation_category_change", args=[Category.objects.get(code=code).pk])


def category_post(code="feature-request", **changes):
    c = Category.objects.get(code=code)
    data = {
        "code": c.code,
        "name": c.name,
        "group": c.group,
        "default_priority": c.default_priority,
        "route_to": c.route_to_id,
        "copy_to": [d.pk for d in c.copy_to.all()],
        "required_info": c.required_info,
        "verification_level": c.verification_level,
        "guidance": c.guidance,
        "is_active": "on",
    }
    if c.troubleshooting_required:
        data["troubleshooting_required"] = "on"
    data.update(changes)
    return data


def test_role_groups_exist_with_tiers_from_the_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_PERMISSIONS)
    assert roles.ROLE_TIERS == {roles.AGENT: 1, roles.SENIOR: 2, roles.SPECIALIST: 3, roles.LEAD: 4}


def test_user_tier_comes_from_the_group(agent, senior, engineer, lead, auditor):
    assert [roles.user_tier(u) for u in (agent, senior, engineer, lead, auditor)] == [
        1,
        2,
        3,
        4,
        None,
    ]


def test_auditor_holds_only_view_permissions(db):
    codenames = Group.objects.get(name=roles.AUDITOR).permissions.values_list("codename", flat=True)
    assert codenames and all(c.startswith("view_") for c in codenames)


@pytest.fixture
def a_row_in_every_list(make_ticket):
    """One ticket (hence one customer) and one outbox message; categories are seeded."""
    from outbox.services import outbox_enqueue

    outbox_enqueue(event_key="roles", recipient="someone@example.com", subject="s", body="b")
    return make_ticket()


def listed(response) -> list:
    """The rows an admin list page shows."""
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("url", [TICKETS, CUSTOMERS, CATEGORIES])
def test_agent_works_tickets_and_reads_the_matrix(client_as, agent, a_row_in_every_list, url):
    rows = listed(client_as(agent).get(url))
    expected = {
        TICKETS: [a_row_in_every_list],
        CUSTOMERS: [a_row_in_every_list.customer],
        CATEGORIES: list(Category.objects.all()),
    }[url]
    assert sorted(rows, key=lambda r: r.pk) == sorted(expected, key=lambda r: r.pk)


def test_agent_cannot_edit_the_decision_matrix(client_as, agent):
    client = client_as(agent)
    response = client.post(category_change_url(), category_post(name="Hacked"))
    assert response.status_code == 403
    assert not Category.objects.filter(name="Hacked").exists()


@pytest.mark.parametrize("url", [OUTBOX, USERS])
def test_agent_cannot_see_the_outbox_or_users(client_as, agent, url):
    assert client_as(agent).get(url).status_code == 403


def test_lead_edits_the_decision_matrix_and_it_is_in_the_history(client_as, lead):
    response = client_as(lead).post(
        category_change_url(),
        category_post(guidance="Thank them and log it.", required_info=["use_case"]),
    )
    assert response.status_code == 302, response.content
    c = Category.objects.get(code="feature-request")
    assert c.guidance == "Thank them and log it." and c.required_info == ["use_case"]
    assert c.history.latest().history_user == lead


def test_lead_sees_outbox_and_users(client_as, lead, agent, a_row_in_every_list):
    client = client_as(lead)
    assert [m.recipient for m in listed(client.get(OUTBOX))] == ["someone@example.com"]
    assert {u.username for u in listed(client.get(USERS))} >= {"agent1", "lead1"}


@pytest.mark.parametrize("url", [TICKETS, CUSTOMERS, CATEGORIES, OUTBOX, USERS])
def test_auditor_reads_everything(client_as, auditor, agent, a_row_in_every_list, url):
    response = client_as(auditor).get(url)
    model = response.context["cl"].model
    assert len(listed(response)) == model.objects.count() > 0


def test_auditor_changes_nothing(client_as, auditor, make_ticket):
    ticket = make_ticket(state="open")
    client = client_as(auditor)
    assert client.get(reverse("admin:escalation_ticket_add")).status_code == 403
    assert client.post(category_change_url(), category_post(name="X")).status_code == 403
    change = reverse("admin:escalation_ticket_change", args=[ticket.pk])
    response = client.post(change, {"subject": "changed by auditor"})
    assert response.status_code == 403
    act = reverse("admin:escalation_ticket_action", args=[ticket.pk, "resolve"])
    assert client.post(act, {"summary": "x"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.subject != "changed by auditor" and ticket.state == TicketState.OPEN
    page = client.get(change)
    assert page.status_code == 200 and b"ticket-action" not in page.content


@pytest.mark.parametrize("url", [TICKETS, CUSTOMERS, CATEGORIES, OUTBOX])
def test_directory_admin_sees_no_tickets_or_customers(client_as, directory_admin, url):
    assert client_as(directory_admin).get(url).status_code == 403


def test_directory_admin_logs_in_to_the_admin(client_as, directory_admin):
    response = client_as(directory_admin).get(reverse("admin:index"))
    assert response.status_code == 200
    apps = [app["app_label"] for app in response.context["app_list"]]
    assert "escalation" not in apps and "outbox" not in apps


def test_anonymous_is_sent_to_login(client):
    response = client.get(TICKETS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_approval_queue_does_a_fixed_number_of_queries(
    client_as, lead, agent, django_assert_max_num_queries
):
    # Belongs with the verification admin's tests (tests/verification/), owned elsewhere.
    from verification import services as verify
    from verification.models import SensitiveAction

    def awaiting():
        request = verify.verification_start(
            subject=CustomerFactory(),
            actor=agent,
            action=SensitiveAction.objects.get(code="data-deletion"),
        )
        for kind, method in [
            ("email_control", "code_sent"),
            ("payment_last4", "asked_and_compared"),
            ("photo_id", "id_on_video"),
        ]:
            verify.verification_record_factor(
                request=request, actor=agent, kind=kind, matched=True, method=method
            )

    url = reverse("admin:verification_approvalqueue_changelist")
    client = client_as(lead)
    awaiting()
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(8):
        awaiting()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["cl"].result_count == 9

"""Issue 14: after signing in each role lands on its own start page; leads on a home that
says what needs them now, each figure a link to the list that shows exactly those rows."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from escalation import services
from escalation.models import Escalation
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff
from tests.verification.conftest import action
from verification import services as verification

LOGIN = reverse("admin:login")
HOME = reverse("desk:home")


def sign_in(client, user, **params):
    url = LOGIN + (f"?next={params['next']}" if "next" in params else "")
    page = client.get(url).content.decode()
    response = client.post(url, {"username": user.username, "password": "pw", **params})
    return page, response


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("agent", "/desk/"),
        ("senior", "/desk/"),
        ("engineer", "/desk/"),
        ("lead", "/desk/home/"),
        ("auditor", "/admin/audit/accessevent/trail/"),
        ("directory_admin", "/admin/contacts/"),
    ],
)
def test_after_signing_in_each_role_lands_on_its_start_page(db, client, request, role, start):
    # `db` is named so pytest-django runs this before the tests that empty the seeded roles.
    user = request.getfixturevalue(role)
    _page, response = sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/"
    landed = client.get("/")
    assert landed.status_code == 302 and landed["Location"] == start
    assert client.get(start).status_code == 200


def test_a_sign_in_asked_for_by_a_page_goes_back_to_that_page(client, lead):
    _page, response = sign_in(client, lead, next="/desk/search/")
    assert response["Location"] == "/desk/search/"


def test_the_start_page_asks_a_stranger_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_desk_and_admin_link_to_each_other(client_as, agent, lead, auditor):
    desk = client_as(agent).get(reverse("desk:queue")).content.decode()
    assert f'href="{reverse("admin:index")}"' in desk
    for user in (agent, lead):
        admin_page = client_as(user).get(reverse("admin:index")).content.decode()
        assert '<a href="/">Desk</a>' in admin_page
    assert (
        '<a href="/">Desk</a>'
        not in client_as(auditor).get(reverse("admin:index")).content.decode()
    )


def test_agents_opening_the_lead_home_land_on_their_queue_others_are_refused(
    client_as, agent, auditor
):
    assert client_as(agent).get(HOME)["Location"] == reverse("desk:queue")
    assert client_as(auditor).get(HOME).status_code == 403
    assert client_as(auditor).post(HOME).status_code == 405


def _world(make_ticket, agent, senior, lead, customer, n):
    """At 09:00 Monday: n breached-by-12:30 critical tickets, n at-risk ones, n hand-offs
    waiting, an approval waiting, an incident running and a resolved one."""
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        for _ in range(n):
            make_ticket(code="fraud", customer=CustomerFactory())  # first response 09:30
            make_ticket(code="feature-request", priority="high", customer=CustomerFactory())
            ticket = make_ticket(state="open", customer=CustomerFactory())
            services.ticket_escalate(
                ticket=ticket, actor=agent, to_tier=2, reason="DB", handoff=full_handoff(ticket)
            )
        make_ticket(code="feature-request", priority="medium")  # on track
        request = verification.verification_start(
            subject=customer, action=action("data-deletion"), actor=agent
        )
        for kind, method in [
            ("email_control", "code_sent"),
            ("payment_last4", "asked_and_compared"),
            ("photo_id", "id_on_video"),
        ]:
            verification.verification_record_factor(
                request=request, actor=agent, kind=kind, matched=True, method=method
            )
        for title in ("Sync outage", "Old outage"):
            incident = services.incident_declare(
                actor=lead, title=title, affected_service="Sync", holding_message="On it."
            )
        resolved = incident
    return resolved


def test_the_lead_home_says_what_needs_a_lead_now_each_a_link_to_those_rows(
    client_as, make_ticket, agent, senior, lead, customer
):
    resolved = _world(make_ticket, agent, senior, lead, customer, n=2)
    services.incident_advance(incident=resolved, actor=lead, step="identify")
    services.incident_advance(incident=resolved, actor=lead, step="monitor")
    services.incident_advance(
        incident=resolved, actor=lead, step="resolve", message="Fixed, {customer_name}."
    )
    client = client_as(lead)
    with time_machine.travel(ny(2026, 11, 2, 12, 30), tick=False):
        response = client.get(HOME)
        needs = {n.key: n for n in response.context["needs"]}
        assert {k: n.count for k, n in needs.items()} == {
            "four_eyes": 0,
            "approvals": 1,
            "breached": 2,
            "at_risk": 2,
            "handoffs": 2,
            "incidents": 1,
        }
        assert "2 past the acknowledgement target" in needs["handoffs"].detail
        page = response.content.decode()
        for need in needs.values():
            assert f'href="{need.link.replace("&", "&amp;")}"' in page
            listed = client.get(need.link)
            assert listed.status_code == 200, need.key
            assert listed.context["cl"].result_count == need.count, need.key
    assert "hx-get" in page and "every 30s" in page  # refreshes itself
    assert "Breached 3 h ago" in words(page)
    assert "At risk: 30 min left" in words(page)
    assert Escalation.objects.count() == 2


def words(html: str) -> str:
    return " ".join(strip_tags(html).split())


@pytest.mark.parametrize("n", [3, 30])
def test_the_lead_home_costs_the_same_queries_for_3_or_30_rows(
    client_as, make_ticket, agent, senior, lead, customer, n, django_assert_max_num_queries
):
    _world(make_ticket, agent, senior, lead, customer, n=n)
    client = client_as(lead)
    with time_machine.travel(ny(2026, 11, 2, 12, 30), tick=False):
        client.get(HOME)  # the session's idle renewal is not the page's cost
        # session, user, roles, permissions (2), four-eyes requests, approvals, SLA counts,
        # SLA settings, hand-offs, incidents, the most urgent tickets
        with django_assert_max_num_queries(12):
            response = client.get(HOME)
    assert response.status_code == 200
    assert len(response.context["urgent"]) == min(2 * n, 10)

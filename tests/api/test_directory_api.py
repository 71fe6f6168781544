"""The directory and "route now" over the API (issue 15): the desk directory's answers,
read-only, for roles that read the directory."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Department, OnCallShift
from tests.factories import UserFactory

NY = ZoneInfo("America/New_York")
SUNDAY_3AM = datetime(2026, 11, 29, 3, tzinfo=NY)


def test_the_directory_lists_channels_opening_and_who_is_on_call_now(api_as):
    operations = Department.objects.get(code="operations")
    person = UserFactory(username="oncall1")
    OnCallShift.objects.create(
        department=operations,
        person=person,
        starts_at=SUNDAY_3AM - timedelta(hours=2),
        ends_at=SUNDAY_3AM + timedelta(hours=6),
        phone="+1 555 0100",
    )
    api = api_as("Agent")
    with time_machine.travel(SUNDAY_3AM, tick=False), CaptureQueriesContext(connection) as q:
        rows = {d["code"]: d for d in api.get("/api/v1/directory/").json()}
    ops = rows["operations"]
    assert ops["on_call_now"] == {
        "person": "oncall1",
        "phone": "+1 555 0100",
        "until": (SUNDAY_3AM + timedelta(hours=6)).isoformat(),
    }
    assert "operations@example.com" in {c["value"] for c in ops["channels"]}
    assert len(rows) == Department.objects.count() and len(q) < 20


def test_route_now_for_a_ticket_is_the_directorys_answer(api_as, make_ticket, agent):
    ticket = make_ticket(owner=agent, state="open")
    route = api_as("Agent").get(f"/api/v1/tickets/{ticket.reference}/route/").json()
    assert route["department"] == ticket.category.route_to.code
    assert route["reason"]


def test_a_role_that_does_not_read_the_directory_is_refused(db, lead):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(UserFactory(username="nobody"))
    response = api.get("/api/v1/directory/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"

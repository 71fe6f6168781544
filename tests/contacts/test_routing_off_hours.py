"""A department without a calendar (003: Operations, "Immediately for outages") is open
around the clock through its channels; but outside the organisation's business hours
(the standard SLA policy's calendar: Mon-Fri 9am-6pm New York, holidays off) a critical
request goes to its person on call, when it has one. Its on-call rota is how a department
without hours says that on-call covers the hours nobody watches its channel.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from contacts.models import Department, OnCallShift
from contacts.routing import off_hours, route
from escalation import services
from outbox.models import OutboxMessage
from tests.factories import UserFactory

NY = ZoneInfo("America/New_York")
SUNDAY_3AM = datetime(2026, 11, 29, 3, tzinfo=NY)
TUESDAY_10AM = datetime(2026, 11, 24, 10, tzinfo=NY)
THANKSGIVING_NOON = datetime(2026, 11, 26, 12, tzinfo=NY)


def department(code):
    return Department.objects.get(code=code)


def on_call(code, username="oncall1"):
    person = UserFactory(username=username)
    OnCallShift.objects.create(
        department=department(code),
        person=person,
        starts_at=datetime(2026, 11, 20, tzinfo=NY),
        ends_at=datetime(2026, 12, 5, tzinfo=NY),
    )
    return person


def test_off_hours_are_outside_the_standard_business_hours(db):
    assert off_hours(SUNDAY_3AM) and off_hours(THANKSGIVING_NOON)
    assert not off_hours(TUESDAY_10AM)


@pytest.mark.parametrize("instant", [SUNDAY_3AM, THANKSGIVING_NOON])
def test_critical_off_hours_without_a_calendar_goes_to_the_person_on_call(db, instant):
    person = on_call("operations")
    r = route(department("operations"), at=instant, critical=True)
    assert (r.is_open, r.on_call.person) == (True, person)
    assert r.reason == (
        "Open around the clock; outside business hours critical issues go to oncall1 (on call)."
    )


def test_critical_in_business_hours_without_a_calendar_uses_the_channel(db):
    on_call("operations")
    r = route(department("operations"), at=TUESDAY_10AM, critical=True)
    assert (r.on_call, r.channel.value, r.reason) == (None, "operations@example.com", "Open now.")


def test_not_critical_off_hours_without_a_calendar_uses_the_channel(db):
    on_call("operations")
    r = route(department("operations"), at=SUNDAY_3AM)
    assert (r.on_call, r.channel.value) == (None, "operations@example.com")


def test_critical_off_hours_without_a_calendar_and_nobody_on_call_uses_the_channel(db):
    r = route(department("operations"), at=SUNDAY_3AM, critical=True)
    assert (r.on_call, r.channel.value, r.is_open) == (None, "operations@example.com", True)


def test_the_rota_itself_covers_the_night_without_the_24_7_flag(db):
    product = department("product")  # no calendar, not flagged 24/7 for critical issues
    assert product.calendar is None and not product.critical_around_the_clock
    person = on_call("product")
    assert route(product, at=SUNDAY_3AM, critical=True).on_call.person == person


def test_a_critical_outage_request_at_night_is_sent_to_the_person_on_call(make_ticket, agent):
    on_call("operations")
    with time_machine.travel(SUNDAY_3AM, tick=False):
        ticket = make_ticket(code="critical-feature-down", state="open")
        request = services.department_request_open(
            ticket=ticket,
            actor=agent,
            needed="Restore the export service",
            customer_impact="No exports for any customer",
            findings="5xx since 02:40",
        )
    assert request.channel_used.startswith("on call: oncall1 (oncall1@example.com)")
    sent = OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:open")
    assert sent.recipient == "oncall1@example.com"

"""003 Team Contact Directory: open or closed, on call, and the channel to use right now."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from contacts.models import ContactChannel, Department, OnCallShift, Restriction
from contacts.routing import on_call_now, open_status, route
from core.choices import Priority
from escalation.models import Plan
from escalation.selectors import ticket_route
from tests.factories import CustomerFactory, UserFactory

NY = ZoneInfo("America/New_York")


def ny(*args):
    return datetime(*args, tzinfo=NY)


def dept(code):
    return Department.objects.get(code=code)


@pytest.mark.parametrize(
    ("instant", "is_open", "opens"),
    [
        (ny(2026, 11, 24, 8, 59), False, ny(2026, 11, 24, 9)),  # a minute before opening
        (ny(2026, 11, 24, 9, 0), True, None),  # the opening minute
        (ny(2026, 11, 24, 17, 59), True, None),  # the last open minute
        (ny(2026, 11, 24, 18, 0), False, ny(2026, 11, 25, 9)),  # the closing minute
        (ny(2026, 11, 26, 10, 0), False, ny(2026, 11, 27, 9)),  # Thanksgiving
        (ny(2026, 11, 1, 1, 30), False, ny(2026, 11, 2, 9)),  # DST change: Mon 09:00 EST
        (ny(2026, 3, 8, 12, 0), False, ny(2026, 3, 9, 9)),  # spring forward: Mon 09:00 EDT
    ],
)
def test_billing_hours_are_mon_fri_9_to_6_new_york(db, instant, is_open, opens):
    result, next_open = open_status(dept("billing"), instant)
    assert result is is_open
    if not is_open:
        assert next_open == opens


def test_legal_closes_at_5(db):
    assert open_status(dept("legal"), ny(2026, 11, 24, 16, 59))[0] is True
    assert open_status(dept("legal"), ny(2026, 11, 24, 17, 0))[0] is False


def test_a_department_without_calendar_is_always_open(db):
    assert open_status(dept("operations"), ny(2026, 11, 29, 3))[0] is True


@pytest.fixture
def rotation(db):
    security = dept("security")
    alice, bob, carol = (UserFactory(username=n) for n in ("alice", "bob", "carol"))
    OnCallShift.objects.create(
        department=security,
        person=alice,
        starts_at=ny(2026, 11, 28, 8),
        ends_at=ny(2026, 11, 29, 8),
        phone="+1 555 0101",
    )
    OnCallShift.objects.create(
        department=security,
        person=bob,
        starts_at=ny(2026, 11, 29, 8),
        ends_at=ny(2026, 11, 30, 8),
        phone="+1 555 0102",
    )
    return security, alice, bob, carol


def test_rotation_hands_over_on_the_minute(rotation):
    security, alice, bob, _ = rotation
    assert on_call_now(security, ny(2026, 11, 29, 7, 59)).person == alice
    assert on_call_now(security, ny(2026, 11, 29, 8, 0)).person == bob


def test_an_override_beats_the_rotation(rotation):
    security, _, bob, carol = rotation
    OnCallShift.objects.create(
        department=security,
        person=carol,
        starts_at=ny(2026, 11, 29, 12),
        ends_at=ny(2026, 11, 29, 14),
        is_override=True,
    )
    assert on_call_now(security, ny(2026, 11, 29, 13)).person == carol
    assert on_call_now(security, ny(2026, 11, 29, 14)).person == bob


def test_on_call_lookup_is_a_fixed_number_of_queries(rotation, django_assert_max_num_queries):
    # Shifts, then schedules with their layers and members (contacts.selectors).
    with django_assert_max_num_queries(4):
        assert on_call_now(rotation[0], ny(2026, 11, 29, 3)).person == rotation[1]


def test_critical_at_3am_sunday_goes_to_the_person_on_call(rotation):
    security, alice, *_ = rotation
    r = route(security, at=ny(2026, 11, 29, 3), critical=True)
    assert (r.is_open, r.on_call.person) == (False, alice)
    assert r.reason == "Outside hours: critical issues go to alice (on call)."


def test_critical_outside_hours_with_an_empty_rotation_says_so(db):
    r = route(dept("security"), at=ny(2026, 11, 29, 3), critical=True)
    assert r.on_call is None and r.channel.value == "security@example.com"
    assert (
        r.reason == "Closed; opens Mon 30 Nov 09:00 EST. Nobody is on call: use the channel "
        "and alert a lead."
    )


def test_non_critical_outside_hours_uses_the_channel_and_says_when_it_opens(rotation):
    r = route(dept("billing"), at=ny(2026, 11, 29, 3))
    assert (r.channel.value, r.on_call) == ("billing@example.com", None)
    assert r.reason == "Closed; opens Mon 30 Nov 09:00 EST."


def test_tuesday_10am_uses_the_preferred_channel(db):
    r = route(dept("technical-support"), at=ny(2026, 11, 24, 10), critical=True)
    assert (r.is_open, r.channel.value, r.reason) == (True, "tech-support@example.com", "Open now.")


def test_enterprise_customers_get_the_enterprise_only_billing_phone(db):
    billing = dept("billing")
    assert route(billing, at=ny(2026, 11, 24, 10), enterprise=True).channel.value == "+1 555 0100"
    assert route(billing, at=ny(2026, 11, 24, 10)).channel.value == "billing@example.com"


def test_a_department_with_no_channel_for_this_customer_says_so(db):
    billing = dept("billing")
    billing.channels.exclude(restriction=Restriction.ENTERPRISE).delete()
    r = route(billing, at=ny(2026, 11, 24, 10))
    assert r.channel is None
    assert r.reason == "Open now, but no channel is available for this customer."


def test_ticket_route_names_department_channel_and_copies(make_ticket, lead):
    fraud = make_ticket(
        code="fraud", customer=CustomerFactory(plan=Plan.ENTERPRISE, success_manager=lead)
    )
    r = ticket_route(fraud, at=ny(2026, 11, 24, 10))
    assert (r.department.code, r.channel.value) == ("billing", "+1 555 0100")
    assert r.copies == ["security@example.com", "lead1@example.com"]  # fraud: + security, CSM


def test_ticket_route_at_3am_sunday_for_a_critical_security_ticket(make_ticket, rotation):
    ticket = make_ticket(code="account-breach")
    assert ticket.priority == Priority.CRITICAL
    r = ticket_route(ticket, at=ny(2026, 11, 29, 3))
    assert r.on_call.person == rotation[1] and r.on_call.phone == "+1 555 0101"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("email", "billing(at)example.com", "is not a valid email"),
        ("portal", "feedback.example", "is not a valid portal"),
        ("chat", "tech support", "Enter a chat channel"),
        ("tracker", "tech support", "Enter a tracker project key"),
        ("phone", "call me", "Enter a phone number"),
    ],
)
def test_bad_channel_values_are_refused_with_a_message(db, kind, value, message):
    from django.core.exceptions import ValidationError

    channel = ContactChannel(department=dept("billing"), kind=kind, value=value)
    with pytest.raises(ValidationError, match=message):
        channel.full_clean()


def test_a_shift_must_end_after_it_starts(db):
    from django.core.exceptions import ValidationError

    shift = OnCallShift(
        department=dept("security"),
        person=UserFactory(),
        starts_at=ny(2026, 11, 29, 8),
        ends_at=ny(2026, 11, 29, 8) - timedelta(1),
    )
    with pytest.raises(ValidationError, match="must end after it starts"):
        shift.full_clean()

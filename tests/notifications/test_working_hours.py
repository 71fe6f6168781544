"""Notifications respect the recipient's hours (issue 16; Zammad and OTOBO users ask for it):
a non-critical email alert to a person off duty waits for their next working hour; a
critical one goes at once and whoever is on call for their department gets a copy; pages
never wait. The in-app bell is silent and shows everything at once."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from contacts.models import Department, OnCallShift, WorkingHours
from core import roles
from outbox import services
from outbox.models import OutboxMessage
from sla.models import BusinessCalendar, OpeningSpan
from tests.contacts.builders import BERLIN
from tests.factories import UserFactory

# Sunday 29 March 2026, 03:00 in Berlin: the night the clocks spring forward.
SUNDAY_3AM = datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)
MONDAY_9AM = datetime(2026, 3, 30, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def office_hours(db):
    calendar = BusinessCalendar.objects.create(name="Berlin office", time_zone="Europe/Berlin")
    for weekday in range(5):
        OpeningSpan.objects.create(
            calendar=calendar, weekday=weekday, opens=time(9), closes=time(17)
        )
    return calendar


@pytest.fixture
def billing(db):
    return Department.objects.get(code="billing")


@pytest.fixture
def dana(office_hours, billing):
    """A Billing senior agent who works Mon-Fri 09:00-17:00 Berlin time."""
    person = UserFactory(username="dana", first_name="Dana", last_name="Day", role=roles.SENIOR)
    WorkingHours.objects.create(person=person, calendar=office_hours)
    billing.members.add(person)
    return person


@pytest.fixture
def night_owl(billing):
    """Billing's on-call person this weekend."""
    person = UserFactory(username="owl", first_name="Nora", last_name="Night", role=roles.SENIOR)
    OnCallShift.objects.create(
        department=billing,
        person=person,
        starts_at=SUNDAY_3AM - timedelta(days=1),
        ends_at=MONDAY_9AM,
    )
    return person


def enqueue(to, *, urgent=False, key="ticket:7:escalated"):
    return services.outbox_enqueue(
        event_key=key, recipient=to, subject="ESC-7 waits for L2", body="Look.", urgent=urgent
    )


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_non_critical_alert_to_someone_off_duty_waits_for_their_next_working_hour(
    dana, django_capture_on_commit_callbacks
):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue(dana.email)
        services.outbox_drain()
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert message.next_attempt_at == MONDAY_9AM.astimezone(UTC)
    assert message.held_for.startswith("Waits for Dana Day's working hours (Berlin office")
    assert message.attempts == 0 and message.last_error == ""  # waiting is not failing

    with time_machine.travel(MONDAY_9AM - timedelta(minutes=1), tick=False):
        assert services.outbox_drain() == 0
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert services.outbox_drain() == 1
    assert sent_to() == [dana.email]


def test_a_critical_alert_goes_at_once_and_pages_whoever_is_on_call_for_them(
    dana, night_owl, django_capture_on_commit_callbacks
):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(dana.email, urgent=True)
    assert sent_to() == sorted([dana.email, night_owl.email])
    copy = next(m for m in mail.outbox if m.to == [night_owl.email])
    assert copy.subject == "On call for Dana Day: ESC-7 waits for L2"
    assert copy.body.startswith("Dana Day is off duty (Berlin office, Europe/Berlin)")


def test_someone_at_work_or_without_hours_gets_the_alert_at_once(
    dana, agent, django_capture_on_commit_callbacks
):
    tuesday_10am = datetime(2026, 3, 31, 10, 0, tzinfo=BERLIN)
    with time_machine.travel(tuesday_10am, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(dana.email)
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(agent.email, key="ticket:8:escalated")  # no working hours recorded
    assert sent_to() == sorted([dana.email, agent.email])
    assert not OutboxMessage.objects.exclude(held_for="").exists()


def test_a_calendar_that_never_opens_does_not_hold_alerts_forever(
    dana, office_hours, django_capture_on_commit_callbacks
):
    office_hours.spans.all().delete()
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(dana.email)
    assert sent_to() == [dana.email]


def test_a_hand_off_alert_waits_on_a_high_ticket_and_goes_at_once_on_a_critical_one(
    make_ticket, senior, office_hours, django_capture_on_commit_callbacks
):
    """001: the receiving tier is alerted by email; at 03:00 Sunday a High ticket's alert
    waits for the senior agent's Monday, a Critical one wakes them."""
    WorkingHours.objects.create(person=senior, calendar=office_hours)
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            high = make_ticket(state="escalated", priority="high")
            critical = make_ticket(state="escalated", priority="critical")
    to_senior = OutboxMessage.objects.filter(recipient=senior.email)
    waiting = to_senior.get(event_key__startswith=f"ticket:{high.pk}:")
    assert waiting.state == OutboxMessage.State.PENDING
    assert waiting.next_attempt_at == MONDAY_9AM.astimezone(UTC)
    woken = to_senior.get(event_key__startswith=f"ticket:{critical.pk}:")
    assert woken.state == OutboxMessage.State.SENT and woken.held_for == ""


def test_pages_never_wait_for_working_hours(dana, django_capture_on_commit_callbacks):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.outbox_enqueue(
                event_key="department-request:1:page:0",
                recipient=dana.email,
                subject="[Page] Billing is needed",
                body="Acknowledge the request.",
                urgent=True,
            )
    assert sent_to() == [dana.email]


def test_a_directory_admin_records_working_hours_and_an_agent_cannot(
    client_as, directory_admin, agent, dana, office_hours
):
    hours = WorkingHours.objects.get(person=dana)
    page = f"/admin/contacts/workinghours/{hours.pk}/change/"
    form = {"person": dana.pk, "calendar": office_hours.pk, "note": "No Fridays"}
    response = client_as(directory_admin).post(page, form)
    assert response.status_code == 302, response.content[:500]
    hours.refresh_from_db()
    assert hours.note == "No Fridays"
    assert hours.history.latest().history_user == directory_admin

    refused = client_as(agent).post(page, {**form, "note": "changed by an agent"})
    assert refused.status_code == 403
    hours.refresh_from_db()
    assert hours.note == "No Fridays"

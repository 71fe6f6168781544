"""Issue 16 "Done when": a critical department request at 03:00 on a Sunday pages the
person on call and escalates to the next level when nobody acknowledges; pages wake
people whatever their working hours (003: "On-call: available 24/7 for Critical issues")."""

from datetime import UTC, datetime, time, timedelta

import time_machine
from django.core import mail

from contacts.models import WorkingHours
from escalation import services
from outbox.models import OutboxMessage
from sla import services as sla
from sla.models import BusinessCalendar, OpeningSpan
from tests.contacts.builders import BERLIN
from tests.paging.conftest import ASK

# Sunday 29 March 2026, 03:00 Berlin (the spring-forward night): Alice's weekly turn.
SUNDAY_3AM = datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)


def test_a_critical_request_at_3am_sunday_pages_the_on_call_person_then_the_next_level(
    policy, billing, alice_and_bob, carol, make_ticket, agent, django_capture_on_commit_callbacks
):
    alice, _ = alice_and_bob
    office = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Berlin")
    OpeningSpan.objects.create(calendar=office, weekday=0, opens=time(9), closes=time(17))
    for person in (alice, carol):  # both off duty by their hours: pages still reach them
        WorkingHours.objects.create(person=person, calendar=office)

    with time_machine.travel(SUNDAY_3AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = make_ticket(state="open", priority="critical")
            request = services.department_request_open(
                ticket=ticket, actor=agent, department=billing, **ASK
            )
    assert [m.to for m in mail.outbox if "[Page]" in m.subject] == [[alice.email]]

    for minutes in (14, 15):  # not acknowledged: level 2 (Carol) after its 15 minutes
        with time_machine.travel(SUNDAY_3AM + timedelta(minutes=minutes), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                sla.sweep()
    paged = [m.to[0] for m in mail.outbox if "[Page]" in m.subject]
    assert paged == [alice.email, carol.email, alice.email]  # and level 1 again (repeat)
    assert "level 2" in next(m.subject for m in mail.outbox if m.to == [carol.email])

    with time_machine.travel(SUNDAY_3AM + timedelta(minutes=20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.department_request_acknowledge(request=request, actor=agent)
    with time_machine.travel(SUNDAY_3AM + timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sla.sweep()
    assert len([m for m in mail.outbox if "[Page]" in m.subject]) == 3  # acknowledged: stop
    assert (
        not OutboxMessage.objects.filter(
            event_key__startswith=f"department-request:{request.pk}:page:"
        )
        .exclude(held_for="")
        .exists()
    )
    assert request.created_at == SUNDAY_3AM.astimezone(UTC)

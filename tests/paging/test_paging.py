"""Escalation policies (issue 16): a request to a department with an active policy pages
its levels in order, each after its delay, the list repeated N times, by email to the
person (the rota's on-call person at that moment) and the department's chat channels;
an acknowledgement stops the pages still to come."""

from datetime import timedelta

from contacts.models import ContactChannel, EscalationPolicy, OnCallShift
from escalation import services
from outbox.models import OutboxMessage
from paging.services import PAGE_TIMER
from sla.models import Timer
from sla.services import timers_plan
from tests.paging.conftest import OPENED


def pages(request) -> list[tuple[str, str, str]]:
    """(step, recipient, channel) of every page of the request, in order."""
    prefix = f"department-request:{request.pk}:page:"
    return [
        (m.event_key.removeprefix(prefix), m.recipient, m.channel)
        for m in OutboxMessage.objects.filter(event_key__startswith=prefix).order_by("pk")
    ]


def test_level_one_is_paged_at_once_by_email_to_whoever_is_on_call(policy, ask, alice_and_bob):
    alice, _ = alice_and_bob
    request = ask()
    assert pages(request) == [("0", alice.email, "email")]
    message = OutboxMessage.objects.get(event_key=f"department-request:{request.pk}:page:0")
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert "level 1" in message.subject and "Refund the duplicate charge" in message.body
    # The later levels wait as SLA timers: level 2, then the repeat of levels 1 and 2.
    due = Timer.objects.filter(kind=PAGE_TIMER, fired_at__isnull=True).order_by("due_at", "pk")
    assert [t.payload["step"] for t in due] == [1, 2, 3]
    assert [t.due_at - request.created_at for t in due] == [
        timedelta(minutes=15),
        timedelta(minutes=15),
        timedelta(minutes=30),
    ]


def test_level_two_is_paged_after_its_delay_then_the_levels_repeat(
    policy, ask, later, alice_and_bob, carol
):
    alice, _ = alice_and_bob
    request = ask()
    assert later(14) == 0
    assert later(15) == 2  # level 2, and level 1 again (its delay after level 2 is 0)
    assert pages(request)[1:] == [("1", carol.email, "email"), ("2", alice.email, "email")]
    assert later(30) == 1
    assert pages(request)[3:] == [("3", carol.email, "email")]
    later(24 * 60)  # repeated once: nothing more (the ticket's own SLA timers may fire)
    assert len(pages(request)) == 4
    assert not Timer.objects.filter(kind=PAGE_TIMER, fired_at__isnull=True).exists()


def test_a_schedule_level_pages_whoever_is_on_call_when_it_is_due(
    policy, ask, later, alice_and_bob, billing
):
    alice, bob = alice_and_bob
    # Bob takes over from 10:10 (an override): the repeat of level 1 at 10:15 pages him.
    OnCallShift.objects.create(
        department=billing,
        person=bob,
        starts_at=OPENED + timedelta(minutes=10),
        ends_at=OPENED + timedelta(hours=8),
        is_override=True,
    )
    request = ask()
    later(15)
    assert [(step, who) for step, who, _ in pages(request)] == [
        ("0", alice.email),
        ("1", policy.levels.get(position=2).person.email),
        ("2", bob.email),
    ]


def test_chat_channels_of_the_department_are_paged_too(policy, ask, billing):
    ContactChannel.objects.create(department=billing, kind="chat", value="#billing-oncall")
    request = ask()
    assert [(r, c) for _, r, c in pages(request)][1:] == [("#billing-oncall", "chat")]


def test_acknowledging_stops_the_pages_still_to_come(
    policy, ask, later, at, agent, django_capture_on_commit_callbacks
):
    request = ask()
    with at(request.created_at + timedelta(minutes=5)):
        with django_capture_on_commit_callbacks(execute=True):
            services.department_request_acknowledge(request=request, actor=agent)
    assert not Timer.objects.filter(kind=PAGE_TIMER, fired_at__isnull=True).exists()
    later(60)
    assert [step for step, _, _ in pages(request)] == ["0"]


def test_a_page_due_after_the_answer_is_not_sent(policy, ask, later, agent, at):
    """Even a timer the cancel missed (set by hand here) pages nobody once answered."""
    request = ask()
    Timer.objects.filter(kind=PAGE_TIMER).delete()
    with at(request.created_at + timedelta(minutes=1)):
        services.department_request_answer(request=request, actor=agent, answer="Refunded")
    timers_plan(subject=request, kind=PAGE_TIMER, plan=[(request.created_at, {"step": 1})])
    later(60)
    assert [step for step, _, _ in pages(request)] == ["0"]


def test_an_inactive_policy_pages_nobody(policy, ask):
    EscalationPolicy.objects.filter(pk=policy.pk).update(is_active=False)
    request = ask()
    assert pages(request) == []
    assert not Timer.objects.filter(kind=PAGE_TIMER).exists()

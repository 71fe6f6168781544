"""003 "For fraud: Also alert security@": a request to a department copies the departments
the category copies, each through its own channel as routed now, and records whom."""

from datetime import timedelta

import time_machine

from contacts.models import Department, OnCallShift
from escalation import services
from escalation.models import DepartmentRequest
from outbox.models import OutboxMessage
from tests.escalation.sla.conftest import ny


def ask(ticket, actor, **kwargs):
    return services.department_request_open(
        ticket=ticket,
        actor=actor,
        needed="Reverse the transaction",
        customer_impact="Charged $900 by someone else",
        findings="Card used from another country",
        **kwargs,
    )


def messages(request):
    rows = OutboxMessage.objects.filter(event_key__startswith=f"department-request:{request.pk}:")
    return {m.event_key.removeprefix(f"department-request:{request.pk}:"): m for m in rows}


def test_003_a_fraud_request_to_billing_copies_security_with_its_own_message(make_ticket, agent):
    security = Department.objects.get(code="security")
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        ticket = make_ticket(code="fraud", state="open")
        request = ask(ticket, agent)
    assert request.department.code == "billing"
    sent = messages(request)
    assert set(sent) == {"open", f"copy:{security.pk}"}
    assert sent["open"].recipient == "billing@example.com"
    assert "Copied: Security" in sent["open"].body
    copy = sent[f"copy:{security.pk}"]
    assert copy.recipient == "security@example.com" and copy.subject.endswith("(copy to Security)")
    assert "Card used from another country" in copy.body
    request = DepartmentRequest.objects.get(pk=request.pk)
    assert list(request.copied_to.all()) == [security]
    assert request.copy_channels == "Security: Email: security@example.com · Open now."
    row = request.history.get()
    assert row.history_change_reason == "open: to Billing, copied Security"
    assert row.copy_channels == request.copy_channels  # who was copied is in the trail


def test_003_the_copy_goes_where_routing_sends_that_department_now(make_ticket, agent, engineer):
    security = Department.objects.get(code="security")  # 24/7 for critical issues
    OnCallShift.objects.create(
        department=security,
        person=engineer,
        starts_at=ny(2026, 11, 28, 8),
        ends_at=ny(2026, 11, 28, 8) + timedelta(days=2),
    )
    with time_machine.travel(ny(2026, 11, 29, 3), tick=False):  # Sunday night
        ticket = make_ticket(code="fraud", state="open")  # critical
        request = ask(ticket, agent)
    sent = messages(request)
    assert sent["open"].recipient == "billing@example.com"  # billing has no night cover
    assert sent[f"copy:{security.pk}"].recipient == "engineer1@example.com"
    assert request.copy_channels.startswith("Security: on call: engineer1")


def test_a_category_without_copies_sends_one_message_and_copies_nobody(make_ticket, agent):
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        ticket = make_ticket(code="incorrect-charge", state="open")
        request = ask(ticket, agent)
    assert set(messages(request)) == {"open"}
    assert not request.copied_to.exists() and request.copy_channels == ""


def test_asking_the_copied_department_itself_does_not_copy_it_twice(make_ticket, agent):
    security = Department.objects.get(code="security")
    with time_machine.travel(ny(2026, 11, 24, 10), tick=False):
        ticket = make_ticket(code="fraud", state="open")
        request = ask(ticket, agent, department=security)
    assert set(messages(request)) == {"open"}
    assert messages(request)["open"].recipient == "security@example.com"
    assert not request.copied_to.exists()

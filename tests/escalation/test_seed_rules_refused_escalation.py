"""001 "VIP account with any priority ticket" meets 003 "Verify identity first": an
automatic escalation refused because the customer's identity is not verified is never
silent. It is recorded once per ticket and rule (what the metrics count), written into
the ticket's history by the system actor, and told to the owner and the leads."""

from datetime import timedelta
from html import unescape

import time_machine
from django.urls import reverse
from django.utils import timezone

from escalation import services
from escalation.metrics.report import Report
from escalation.metrics.scope import scope_from
from escalation.models import (
    Escalation,
    Metric,
    Plan,
    RefusalCause,
    RefusedEscalation,
    Ticket,
    TicketState,
    Trigger,
)
from escalation.services.automation import escalate_automatically
from outbox.models import OutboxMessage
from tests.factories import CustomerFactory

REFUSED = "auto-escalation-refused"


def vip(lead):
    return CustomerFactory(plan=Plan.ENTERPRISE, is_vip=True, success_manager=lead)


def test_001_vip_escalation_refused_for_unverified_identity_is_recorded_told_and_counted(
    make_ticket, lead
):
    start = timezone.now()
    ticket = make_ticket(customer=vip(lead), code="locked-out-2fa")  # verify identity first
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW and not Escalation.objects.exists()
    refusal = RefusedEscalation.objects.get()
    assert (refusal.ticket, refusal.trigger, refusal.cause) == (
        ticket,
        Trigger.AUTO_VIP,
        RefusalCause.VERIFICATION,
    )
    assert refusal.reason.startswith("Verify the customer's identity first")
    row = Ticket.history.filter(id=ticket.pk).latest()
    assert row.history_user.username == "system"
    assert row.history_change_reason == (
        f"Automatic escalation refused (VIP account): {refusal.reason}"
    )
    told = OutboxMessage.objects.filter(event_key=f"ticket:{ticket.pk}:{REFUSED}:auto_vip")
    assert {m.recipient for m in told} == {"agent1@example.com", "lead1@example.com"}
    assert "Verify the customer's identity first" in told[0].body
    # Countable: the refusals of a period, and those waiting on a verification.
    later = timezone.now() + timedelta(seconds=1)
    assert RefusedEscalation.objects.between(start, later).awaiting_verification().count() == 1
    assert Ticket.objects.filter(refused_escalations__cause=RefusalCause.VERIFICATION).count() == 1


def test_a_refused_rule_is_recorded_and_told_once_per_ticket_and_rule(make_ticket, lead, agent):
    ticket = make_ticket(customer=vip(lead), code="locked-out-2fa")
    rows = Ticket.history.filter(id=ticket.pk).count()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert escalate_automatically(ticket, Trigger.AUTO_VIP, "VIP account") is False
    assert RefusedEscalation.objects.count() == 1
    assert Ticket.history.filter(id=ticket.pk).count() == rows
    assert OutboxMessage.objects.filter(event_key__contains=REFUSED).count() == 2
    # Another rule refused on the same ticket is its own record and message.
    ticket = services.ticket_open(ticket=ticket, actor=agent)
    for body in ("one", "two", "three"):
        services.communication_log(
            ticket=ticket, actor=agent, direction="inbound", channel="email", body=body
        )
    assert set(RefusedEscalation.objects.values_list("trigger", flat=True)) == {
        Trigger.AUTO_VIP,
        Trigger.AUTO_REPEATED_CONTACT,
    }
    assert OutboxMessage.objects.filter(
        event_key=f"ticket:{ticket.pk}:{REFUSED}:auto_repeated_contact"
    ).exists()


def test_a_rule_that_may_not_fire_records_nothing(make_ticket, agent):
    ticket = make_ticket(state="open", code="locked-out-2fa")
    ticket = services.ticket_resolve(
        ticket=ticket, actor=agent, summary="Unlocked", customer_confirmed=True
    )
    assert escalate_automatically(ticket, Trigger.AUTO_STALE, "stale") is False  # resolved
    assert not RefusedEscalation.objects.exists()


def test_001_a_refused_escalation_shows_on_the_desk_the_admin_and_the_metrics(
    make_ticket, lead, client_as
):
    ticket = make_ticket(customer=vip(lead), code="locked-out-2fa")
    refusal = RefusedEscalation.objects.get(ticket=ticket)
    client = client_as(lead)

    desk = unescape(client.get(reverse("desk:ticket", args=[ticket.pk])).content.decode())
    assert "Automatic escalation refused: act on it by hand" in desk
    assert f"{Trigger.AUTO_VIP.label}</strong>" in desk and refusal.reason in desk
    assert "Automatic escalation refused (VIP account)" in desk  # the timeline, in words
    assert "[auto_vip]" not in desk

    admin_page = client.get(reverse("admin:escalation_ticket_change", args=[ticket.pk]))
    assert refusal.reason in unescape(admin_page.content.decode())

    scope, _ = scope_from({"period": "7"})
    figure = next(
        f for f in Report(scope).headline() if f.metric == Metric.AUTO_ESCALATIONS_REFUSED
    )
    assert figure.value == 100.0
    assert figure.basis == "1 of 1 automatic escalations (1 for identity not verified)"
    listed = client.get(
        reverse("admin:escalation_ticket_changelist"),
        {"metric": "auto_refused", "m_period": "7"},
    ).context["cl"]
    assert [t.pk for t in listed.result_list] == [ticket.pk]


def test_a_ticket_without_refusals_says_so_in_the_admin_and_shows_no_warning_on_the_desk(
    make_ticket, lead, client_as
):
    ticket = make_ticket(state="open")
    client = client_as(lead)
    assert (
        "act on it by hand"
        not in client.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    )
    admin_page = client.get(reverse("admin:escalation_ticket_change", args=[ticket.pk]))
    assert "every automatic rule that fired could act" in admin_page.content.decode()

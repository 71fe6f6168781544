"""A mass breach reaches each lead as one digest (issue 18): owners still hear of each
of their tickets, and a lead still hears of each critical ticket on its own."""

import time_machine

from escalation.sla_handlers import DIGEST_FROM
from outbox.models import OutboxMessage
from sla import services as sla
from sla.models import Timer
from tests.escalation.sla.conftest import ny


def _missed(make_ticket, *, high: int, critical: int = 0) -> list:
    """`high` high-priority tickets (first response: 4 business hours) and `critical`
    critical ones (30 minutes) opened at 9:00, swept once at 13:01, after both targets."""
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        tickets = [make_ticket(priority="high", subject=f"Sync stopped {n}") for n in range(high)]
        tickets += [make_ticket(code="fraud", subject=f"Card fraud {n}") for n in range(critical)]
    with time_machine.travel(ny(2026, 11, 2, 13, 1), tick=False):
        sla.sweep()
    return tickets


def _breach_mail(recipient: str):
    return OutboxMessage.objects.filter(recipient=recipient, subject__contains="breached")


def test_a_lead_gets_one_digest_of_a_mass_breach_and_each_critical_ticket_alone(make_ticket, lead):
    tickets = _missed(make_ticket, high=DIGEST_FROM, critical=2)
    high, critical = tickets[:DIGEST_FROM], tickets[DIGEST_FROM:]
    to_lead = _breach_mail(lead.email)
    digest = to_lead.get(event_key__startswith="sla-breach-digest:")
    assert digest.subject == f"{DIGEST_FROM} SLA targets breached"
    for ticket in high:
        assert f"{ticket.reference} · [High] First response due" in digest.body
        assert f"/admin/escalation/ticket/{ticket.pk}/change/" in digest.body
    assert not [t for t in critical if t.reference in digest.body]
    # Critical tickets: one message each, as before; nothing else reached the lead.
    alone = to_lead.exclude(pk=digest.pk)
    missed = Timer.objects.filter(
        subject_id__in=[t.pk for t in critical],
        kind__in=["first_response.breach", "resolution.breach"],
        fired_at__isnull=False,
    )
    assert missed.count() >= len(critical)
    assert sorted(alone.values_list("event_key", flat=True)) == sorted(
        f"ticket:{t.subject_id}:{t.key}" for t in missed
    )
    # Each owner still hears of each of their tickets.
    owner = high[0].owner
    told = _breach_mail(owner.email).values_list("event_key", flat=True)
    assert {k.split(":")[1] for k in told} == {str(t.pk) for t in tickets}


def test_a_few_breaches_still_reach_a_lead_one_by_one(make_ticket, lead):
    tickets = _missed(make_ticket, high=DIGEST_FROM - 1)
    to_lead = _breach_mail(lead.email)
    assert not to_lead.filter(event_key__startswith="sla-breach-digest:").exists()
    assert sorted(to_lead.values_list("event_key", flat=True)) == sorted(
        f"ticket:{t.pk}:" + Timer.objects.get(subject_id=t.pk, kind="first_response.breach").key
        for t in tickets
    )

"""`seed_demo` gives every role a login and realistic data, and is safe to run twice.

The demo must follow the rules real tickets follow: its stays, repeat escalations and
SLA columns are checked here against the same rules the services apply.
"""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F, Min, Sum
from django.urls import reverse

from escalation import clocks, services
from escalation.accounting import CustomerHandoffs, is_repeat_escalation
from escalation.demo.words import DEMO_USERS
from escalation.metrics.report import Report
from escalation.metrics.scope import scope_from
from escalation.models import (
    ACTIVE_STATES,
    Customer,
    DepartmentRequest,
    Escalation,
    EscalationState,
    StayEnd,
    Ticket,
    TicketState,
)
from escalation.selectors import ticket_list_queryset
from outbox.models import OutboxMessage
from sla import services as sla
from sla.models import Clock
from tests.escalation.metrics.pages import cells
from tests.factories import UserFactory


def sign_in(rf, username: str, password: str):
    """The user a sign-in with these credentials gets, or None."""
    return authenticate(rf.post("/admin/login/"), username=username, password=password)


def test_seed_demo_creates_a_login_for_every_role(db, rf):
    call_command("seed_demo", tickets=40, verbosity=0)
    for username, role, *_ in DEMO_USERS:
        user = sign_in(rf, username, "demo")
        assert user is not None and user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [role]


def test_seed_demo_says_what_it_made_and_who_can_log_in(db):
    out = io.StringIO()
    call_command("seed_demo", tickets=40, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Demo data ready: 20 customers, 40 tickets (40 new)." in text
    for username, role, *_ in DEMO_USERS:
        assert re.search(rf"^  {username} +{role}$", text, re.M)


def test_seed_demo_twice_creates_no_duplicates(db):
    call_command("seed_demo", tickets=40, verbosity=0)
    counts = (Ticket.objects.count(), Customer.objects.count())
    out = io.StringIO()
    call_command("seed_demo", tickets=40, stdout=out)
    assert (Ticket.objects.count(), Customer.objects.count()) == counts == (40, 20)
    assert "(0 new)" in out.getvalue()


def test_seed_demo_history_names_the_system_actor(db):
    call_command("seed_demo", tickets=5, verbosity=0)
    rows = Ticket.history.all()
    assert rows.count() == 5
    assert {r.history_user.username for r in rows} == {"system"}


def test_seed_demo_refuses_to_mix_with_real_tickets(make_ticket):
    make_ticket()
    with pytest.raises(CommandError, match="not demo data"):
        call_command("seed_demo", tickets=5, verbosity=0)
    call_command("seed_demo", tickets=5, allow_real_data=True, verbosity=0)
    assert Ticket.objects.count() == 6


def test_seed_demo_refuses_a_negative_count(db):
    with pytest.raises(CommandError, match="--tickets must be zero or more"):
        call_command("seed_demo", tickets=-1, verbosity=0)
    assert not Ticket.objects.exists()


def test_demo_password_comes_from_the_environment(db, rf, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo", tickets=0, verbosity=0)
    assert sign_in(rf, "lead", "s3cret-demo") is not None
    assert sign_in(rf, "lead", "demo") is None


def test_demo_tickets_carry_sla_clocks_without_flooding_the_outbox(db):
    call_command("seed_demo", tickets=200, verbosity=0)
    active = Ticket.objects.filter(state__in=ACTIVE_STATES)
    assert Clock.objects.filter(subject_id__in=active.values("pk"), kind="resolution").count() == (
        active.count()
    )
    statuses = set(ticket_list_queryset().values_list("sla_status", flat=True))
    assert {"breached", "on_track", "paused", "none"} <= statuses
    assert sla.sweep() == 0  # past deadlines were recorded as breached, not queued to fire
    assert not OutboxMessage.objects.exists()


def test_demo_sla_columns_are_what_the_clocks_would_set(db):
    call_command("seed_demo", tickets=200, verbosity=0)
    tickets = list(Ticket.objects.order_by("pk"))
    assert any(t.sla_paused for t in tickets) and any(t.sla_due_at for t in tickets)
    for ticket in tickets:
        seeded = [getattr(ticket, name) for name in clocks.SLA_FIELDS]
        clocks.refresh(ticket)  # the services' rule, from the stored clocks
        assert seeded == [getattr(ticket, name) for name in clocks.SLA_FIELDS], ticket.pk


def test_demo_stays_at_a_tier_follow_the_stay_rule(db):
    call_command("seed_demo", tickets=300, verbosity=0)
    stays = Escalation.objects.filter(state=EscalationState.ACCEPTED)
    ended = stays.filter(left_at__isnull=False)
    assert {s.left_by for s in ended} == {StayEnd.ESCALATED, StayEnd.RESOLVED}
    for stay in ended:  # no demo ticket came back to a tier: one stretch each
        assert stay.time_at_tier == stay.left_at - stay.accepted_at, stay.pk
    assert not stays.filter(left_at__isnull=True, time_at_tier__isnull=False).exists()
    # A resolved ticket's last stay ended when it was resolved.
    for stay in ended.filter(left_by=StayEnd.RESOLVED).select_related("ticket"):
        assert stay.left_at == stay.ticket.resolved_at


def test_demo_repeat_escalations_follow_the_repeat_rule(db):
    call_command("seed_demo", tickets=600, verbosity=0)
    handoffs: dict[int, list] = {}
    for customer, ticket, at, trigger in Escalation.objects.values_list(
        "ticket__customer_id", "ticket_id", "requested_at", "trigger"
    ):
        handoffs.setdefault(customer, []).append((ticket, at, trigger))
    repeats = Ticket.objects.filter(repeat_escalation=True)
    assert repeats.exists()
    for t in repeats:
        own = min((at, trig) for pk, at, trig in handoffs[t.customer_id] if pk == t.pk)
        earlier = CustomerHandoffs(
            trigger=own[1],
            others=tuple(h for h in handoffs[t.customer_id] if h[0] != t.pk),
        )
        assert is_repeat_escalation(at=t.first_escalated_at, earlier=earlier), t.pk
    first = dict(
        Escalation.objects.values("ticket_id")
        .annotate(at=Min("requested_at"))
        .values_list("ticket_id", "at")
    )
    for t in Ticket.objects.filter(first_escalated_at__isnull=False):
        assert t.first_escalated_at == first[t.pk]
        assert t.escalated_after == t.first_escalated_at - t.created_at


def test_demo_escalated_tickets_can_be_accepted_by_the_next_tier(db):
    call_command("seed_demo", tickets=150, verbosity=0)
    ticket = Ticket.objects.filter(state=TicketState.ESCALATED).order_by("pk").first()
    assert Escalation.objects.get(ticket=ticket, state="requested").to_tier == ticket.tier
    role = {2: "Senior agent", 3: "Technical specialist"}[ticket.tier]
    accepted = services.ticket_accept_escalation(
        ticket=ticket, actor=UserFactory(username="acceptor", role=role)
    )
    assert accepted.state == TicketState.OPEN
    # One hand-off per tier climbed (an L3 ticket went L1 → L2 → L3).
    climbed = Ticket.objects.filter(tier__gt=1).aggregate(n=Sum(F("tier") - 1))["n"]
    assert Escalation.objects.filter(ticket__tier__gt=1).exclude(state="returned").count() == (
        climbed
    )


def test_demo_data_gives_every_metric_something_to_show(db, client):
    """A lead opening the metrics page on the demo sees each figure with a value."""
    call_command("seed_demo", tickets=600, verbosity=0)
    assert Escalation.objects.filter(state="returned").exists()
    assert DepartmentRequest.objects.filter(answered_at__isnull=False).exists()
    finished = Clock.objects.filter(stopped_at__isnull=False)
    assert finished.filter(met=True).exists() and finished.filter(met=False).exists()
    scope, _ = scope_from({"period": "90"})
    shown = Report(scope).headline()
    assert all(f.value is not None for f in shown), [f.label for f in shown if f.value is None]
    client.force_login(get_user_model().objects.get(username="lead"))
    page = client.get(reverse("metrics:dashboard"), {"period": "90"}).content.decode()
    current = {row[0]: row[1] for row in cells(page, "figures")[1:]}
    assert set(current) == {f.label for f in shown}
    assert all(value and value != "—" for value in current.values()), current

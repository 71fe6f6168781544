"""`seed_demo` gives every role a login and realistic data, and is safe to run twice."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from escalation.management.commands.seed_demo import DEMO_USERS
from escalation.models import Customer, Ticket


def test_seed_demo_creates_a_login_for_every_role(db):
    call_command("seed_demo", tickets=40)
    for username, role, *_ in DEMO_USERS:
        user = authenticate(username=username, password="demo")
        assert user is not None and user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [role]


def test_seed_demo_twice_creates_no_duplicates(db):
    call_command("seed_demo", tickets=40)
    counts = (Ticket.objects.count(), Customer.objects.count())
    call_command("seed_demo", tickets=40)
    assert (Ticket.objects.count(), Customer.objects.count()) == counts == (40, 20)


def test_seed_demo_history_names_the_system_actor(db):
    call_command("seed_demo", tickets=5)
    rows = Ticket.history.all()
    assert rows.count() == 5
    assert {r.history_user.username for r in rows} == {"system"}


def test_seed_demo_refuses_to_mix_with_real_tickets(make_ticket):
    make_ticket()
    with pytest.raises(CommandError, match="not demo data"):
        call_command("seed_demo", tickets=5)
    call_command("seed_demo", tickets=5, allow_real_data=True)
    assert Ticket.objects.count() == 6


def test_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo", tickets=0)
    assert authenticate(username="lead", password="s3cret-demo") is not None


def test_demo_tickets_carry_sla_clocks_without_flooding_the_outbox(db):
    from escalation.models import ACTIVE_STATES
    from escalation.selectors import ticket_list_queryset
    from outbox.models import OutboxMessage
    from sla import services as sla
    from sla.models import Clock

    call_command("seed_demo", tickets=200, verbosity=0)
    active = Ticket.objects.filter(state__in=ACTIVE_STATES)
    assert Clock.objects.filter(subject_id__in=active.values("pk"), kind="resolution").count() == (
        active.count()
    )
    statuses = set(ticket_list_queryset().values_list("sla_status", flat=True))
    assert {"breached", "on_track", "paused", "none"} <= statuses
    assert sla.sweep() == 0  # past deadlines were recorded as breached, not queued to fire
    assert not OutboxMessage.objects.exists()


def test_demo_escalated_tickets_can_be_accepted_by_the_next_tier(db):
    from escalation import services
    from escalation.models import Escalation, TicketState
    from tests.factories import UserFactory

    call_command("seed_demo", tickets=150, verbosity=0)
    ticket = Ticket.objects.filter(state=TicketState.ESCALATED).order_by("pk").first()
    assert Escalation.objects.get(ticket=ticket, state="requested").to_tier == ticket.tier
    role = {2: "Senior agent", 3: "Technical specialist"}[ticket.tier]
    accepted = services.ticket_accept_escalation(
        ticket=ticket, actor=UserFactory(username="acceptor", role=role)
    )
    assert accepted.state == TicketState.OPEN
    # One hand-off per tier climbed (an L3 ticket went L1 → L2 → L3).
    from django.db.models import F, Sum

    climbed = Ticket.objects.filter(tier__gt=1).aggregate(n=Sum(F("tier") - 1))["n"]
    assert Escalation.objects.filter(ticket__tier__gt=1).exclude(state="returned").count() == (
        climbed
    )


def test_demo_data_gives_every_metric_something_to_show(db, client):
    """A lead opening the metrics page on the demo sees each figure with a value."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from escalation.metrics import figures
    from escalation.metrics.scope import scope_from
    from escalation.models import DepartmentRequest, Escalation
    from sla.models import Clock

    call_command("seed_demo", tickets=600, verbosity=0)
    assert Escalation.objects.filter(state="returned").exists()
    assert DepartmentRequest.objects.filter(answered_at__isnull=False).exists()
    finished = Clock.objects.filter(stopped_at__isnull=False)
    assert finished.filter(met=True).exists() and finished.filter(met=False).exists()
    scope, _ = scope_from({"period": "90"})
    shown = figures.Report(scope).headline()
    assert all(f.value is not None for f in shown), [f.label for f in shown if f.value is None]
    client.force_login(get_user_model().objects.get(username="lead"))
    page = client.get(reverse("metrics:dashboard"), {"period": "90"}).content.decode()
    assert "Off target" in page or "On target" in page

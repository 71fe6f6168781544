"""Nothing secret in the trail, and no change without someone (or the system) behind it."""

from datetime import timedelta
from io import StringIO

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.selectors import history_sources
from contacts.models import OnCallShift
from sla import services as sla
from tests.audit.conftest import TRAIL_CSV, csv_rows
from tests.verification.test_verification_http import decide_url, walk_high_risk

LOGIN = reverse("admin:login")
OLD_PASSWORD = "Correct-Horse-Battery-41"
WRONG_PASSWORD = "Wrong-Guess-Staple-52"
NEW_PASSWORD = "Fresh-Lantern-Quartz-63"


def history_and_access_dump() -> str:
    """Every history table (m2m ones included) and the access events, as dumpdata writes them."""
    labels = ["audit.accessevent"]
    for source in history_sources().values():
        labels.append(source.history._meta.label)
        labels += [getattr(source.history, f.name).model._meta.label for f in source.m2m_fields]
    out = StringIO()
    call_command("dumpdata", *labels, stdout=out)
    return out.getvalue()


def test_nothing_secret_reaches_the_trail(client, client_as, agent, lead, auditor, make_ticket):
    hashes = {agent.password}
    agent.set_password(OLD_PASSWORD)
    agent.save()
    hashes.add(agent.password)
    assert client.post(LOGIN, {"username": "agent1", "password": OLD_PASSWORD}).status_code == 302
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": OLD_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    hashes.add(agent.password)
    client.post(reverse("admin:logout"))
    client.post(LOGIN, {"username": "agent1", "password": WRONG_PASSWORD})
    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    client_as(lead).post(decide_url(request, "approve"), {"reason": "ok"})
    hashes |= set(get_user_model().objects.values_list("password", flat=True))

    dump = history_and_access_dump()
    assert '"model": "verification.historicalfactorcheck"' in dump
    assert '"detail": "password changed"' in dump
    assert '"kind": "login_failed"' in dump
    exported = "\n".join(",".join(r) for r in csv_rows(client_as(auditor).get(TRAIL_CSV)))
    assert "password changed" in exported
    for text in (dump, exported):
        for secret in (OLD_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD):
            assert secret not in text
        for hashed in hashes:
            assert hashed not in text
            assert hashed.rsplit("$", 1)[-1] not in text  # nor the digest alone


def rows_without_actor(before: dict[str, int]) -> dict[str, int]:
    """History rows written since `before` (max history_id per table) that name nobody."""
    missing = {}
    for label, source in history_sources().items():
        n = source.history.objects.filter(
            history_id__gt=before[label], history_user__isnull=True
        ).count()
        if n:
            missing[label] = n
    return missing


def high_water() -> dict[str, int]:
    return {
        label: source.history.objects.order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
        or 0
        for label, source in history_sources().items()
    }


def test_seed_demo_rows_name_the_system_actor(db):
    before = high_water()
    call_command("seed_demo", tickets=12, verbosity=0)
    missing = rows_without_actor(before)
    assert missing == {}
    written = {
        label
        for label, source in history_sources().items()
        if source.history.objects.filter(history_id__gt=before[label]).exists()
    }
    assert {"escalation.ticket", "escalation.customer"} <= written


def test_seed_demo_department_rows_name_the_system_actor(db):
    before = high_water()
    call_command("seed_demo", tickets=0, verbosity=0)
    assert "contacts.department" not in rows_without_actor(before)


def test_seed_demo_on_call_shifts_are_in_the_trail(db):
    call_command("seed_demo", tickets=0, verbosity=0)
    assert OnCallShift.objects.exists()
    assert OnCallShift.history.filter(history_type="+").count() == OnCallShift.objects.count()


def sweep_escalating(make_ticket):
    make_ticket(state="open", priority="high")
    before = high_water()
    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):
        assert sla.sweep() > 0
    return before


def test_sla_sweep_changes_name_the_system_actor(make_ticket):
    before = sweep_escalating(make_ticket)
    missing = rows_without_actor(before)
    assert missing == {}
    from escalation.models import Ticket

    latest = Ticket.history.latest()
    assert latest.history_user.username == "system"
    assert latest.history_change_reason.startswith("escalate: to L2 senior: automatic")


def test_sla_sweep_outbox_rows_name_the_system_actor(make_ticket):
    before = sweep_escalating(make_ticket)
    assert "core.outboxmessage" not in rows_without_actor(before)

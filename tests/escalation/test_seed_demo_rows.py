"""The seed writes its rows straight to the database (`core.rows`), so they must
be exactly the rows `bulk_create` and the history's bulk writer would have stored; and
the command shows its progress only where someone watches.
"""

import io
from copy import copy
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from core import rows
from core.actors import system_user
from escalation.models import Escalation, Ticket
from sla.models import Clock


def stored(model, pk, *, skip=()):
    """The row as the database holds it, without the `skip` columns."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE "{column}" = %s', [pk])  # noqa: S608
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    return {n: v for n, v in zip(names, row, strict=True) if n not in skip}


def copies(clock: Clock, subject_id: int) -> Clock:
    twin = copy(clock)
    twin.pk, twin.subject_id = None, subject_id
    twin._state = copy(clock._state)
    twin._state.adding = True
    return twin


def test_direct_rows_are_the_rows_bulk_create_writes(make_ticket):
    ticket = make_ticket(state="open", priority="high")
    clock = Clock.objects.filter(subject_id=ticket.pk).first()
    assert clock is not None
    # Every kind of column: instants in two zones, durations, JSON, a null boolean.
    clock.started_at = clock.started_at.astimezone(ZoneInfo("Asia/Kolkata"))
    clock.stopped_at = clock.started_at + timedelta(hours=3, microseconds=7)
    clock.business_taken = timedelta(hours=2, seconds=1)
    clock.met = None
    direct, usual = copies(clock, 10**9), copies(clock, 10**9 + 1)
    rows.insert_reserving_ids(Clock, [direct])
    Clock.objects.bulk_create([usual])
    assert direct.pk is not None and direct.pk > clock.pk
    mine, theirs = (stored(Clock, c.pk, skip=("id", "subject_id")) for c in (direct, usual))
    assert mine == theirs
    assert Clock.objects.get(pk=direct.pk).started_at == clock.started_at


def test_rows_given_as_values_are_the_rows_bulk_create_writes(make_ticket):
    ticket = make_ticket(state="open", priority="high")
    clock = Clock.objects.filter(subject_id=ticket.pk).first()
    assert clock is not None
    clock.started_at = clock.started_at.astimezone(ZoneInfo("Asia/Kolkata"))
    clock.business_taken = timedelta(hours=2, seconds=1)
    usual = copies(clock, 10**9 + 1)
    Clock.objects.bulk_create([usual])
    # Only some columns given: the others (paused time, cycle's default) take defaults.
    given = [f.attname for f in Clock._meta.concrete_fields if f.attname != "id"]
    given = [n for n in given if n not in ("paused_business", "paused_calendar")]
    values = {n: getattr(clock, n) for n in given}
    first, second = rows.insert_values(
        Clock, given, [list({**values, "subject_id": s}.values()) for s in (10**9 + 2, 10**9)]
    )
    assert second == first + 1 and first > usual.pk
    mine = stored(Clock, second, skip=("id", "subject_id"))
    assert mine == stored(Clock, usual.pk, skip=("id", "subject_id"))
    assert Clock.objects.get(pk=second).paused_business == timedelta(0)


def test_rows_given_as_values_refuse_unknown_columns_and_self_filling_ones(db):
    with pytest.raises(ValueError, match="no column nope"):
        rows.insert_values(Clock, ["nope"], [[1]])
    with pytest.raises(ValueError, match="fills itself"):
        rows.insert_values(Ticket, ["subject"], [["Sync stopped"]])


def test_direct_history_rows_are_the_ones_the_history_writer_makes(make_ticket):
    ticket = Ticket.objects.get(pk=make_ticket(state="open").pk)
    actor = system_user()
    before = set(Ticket.history.values_list("history_id", flat=True))
    rows.insert_history(Ticket, [ticket], user_id=actor.pk, reason="demo data")
    Ticket.history.bulk_history_create(
        [ticket], default_user=actor, default_change_reason="demo data"
    )
    new = sorted(set(Ticket.history.values_list("history_id", flat=True)) - before)
    assert len(new) == 2
    mine, theirs = (
        stored(Ticket.history.model, pk, skip=("history_id", "history_date")) for pk in new
    )
    assert mine == theirs


def test_the_seed_shows_progress_only_when_asked(db):
    quiet = io.StringIO()
    call_command("seed_demo", tickets=30, verbosity=0, stderr=quiet)
    assert quiet.getvalue() == ""
    logged = io.StringIO()  # not a terminal: a plain line per batch, no carriage returns
    call_command("seed_demo", tickets=60, stdout=io.StringIO(), stderr=logged)
    assert "30/30" in logged.getvalue() and "\r" not in logged.getvalue()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_seed_draws_a_bar_on_a_terminal(db):
    screen = Terminal()
    call_command("seed_demo", tickets=30, stdout=io.StringIO(), stderr=screen)
    assert screen.getvalue().startswith("\r  tickets [")
    assert "] 30/30" in screen.getvalue() and screen.getvalue().endswith("\n")


def test_the_seed_leaves_planner_statistics(db):
    call_command("seed_demo", tickets=30, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'escalation_ticket'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'escalation_ticket'")
        assert cursor.fetchone()[0] > 0


def test_a_row_planned_with_its_ticket_keeps_it_without_a_query(
    make_ticket, django_assert_num_queries
):
    # Setting only `ticket_id` dropped the cached ticket: the seed then read each
    # hand-off's ticket again, one round trip each (the PostgreSQL seed took 390 s, not 220).
    fresh = Ticket.objects.get(pk=make_ticket(state="open").pk)
    saved_as, fresh.pk = fresh.pk, None
    handoff = Escalation(ticket=fresh, from_tier=1, to_tier=2)  # planned before its id
    fresh.pk = saved_as  # the ticket's row is in
    rows._link([Escalation._meta.get_field("ticket")], [handoff])
    assert handoff.ticket_id == saved_as
    with django_assert_num_queries(0):
        assert handoff.ticket is fresh

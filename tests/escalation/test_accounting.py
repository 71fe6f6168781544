"""The pure rules behind time at tier, repeat escalations and a ticket's SLA columns.

The first tests need no database: plain values in, plain values out. The last ones
check that the services and the clocks, which the demo generator must agree with, give
the same answers as these functions on real rows.
"""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from escalation import accounting, clocks, rules, services
from escalation.accounting import (
    REPEAT_WINDOW,
    RunningTarget,
    SlaSummary,
    Stay,
    ended_stay,
    first_escalation,
    is_repeat_escalation,
    resumed_stay,
    sla_summary,
)
from escalation.models import Escalation, StayEnd, Trigger
from sla import services as sla
from sla.models import ClockKind
from tests.factories import full_handoff

UTC = ZoneInfo("UTC")
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)


# --- stays at a tier ------------------------------------------------------------------


def test_a_first_stay_lasts_from_acceptance_to_leaving():
    stay = ended_stay(Stay(accepted_at=T0), at=T0 + 3 * H, how=StayEnd.ESCALATED)
    assert stay == Stay(
        accepted_at=T0, time_at_tier=3 * H, left_at=T0 + 3 * H, left_by=StayEnd.ESCALATED
    )


def test_a_resumed_stay_adds_the_new_stretch_and_not_the_time_away():
    first = ended_stay(Stay(accepted_at=T0), at=T0 + 2 * H, how=StayEnd.RESOLVED)
    back = resumed_stay(first, at=T0 + 50 * H)  # reopened two days later
    assert back == Stay(accepted_at=T0, time_at_tier=2 * H, resumed_at=T0 + 50 * H)
    again = ended_stay(back, at=T0 + 51 * H, how=StayEnd.RESOLVED)
    assert again.time_at_tier == 3 * H and again.resumed_at is None
    assert (again.left_at, again.left_by) == (T0 + 51 * H, StayEnd.RESOLVED)


def test_a_stay_that_never_left_has_nothing_to_resume():
    assert resumed_stay(Stay(accepted_at=T0), at=T0 + H) is None


def test_a_stay_reads_from_and_writes_back_to_a_hand_off_row():
    row = SimpleNamespace(
        accepted_at=T0, time_at_tier=None, left_at=None, left_by="", resumed_at=None
    )
    changed = ended_stay(Stay.of(row), at=T0 + H, how=StayEnd.ESCALATED).apply(row)
    assert changed == ["time_at_tier", "left_at", "left_by", "resumed_at"]
    assert (row.time_at_tier, row.left_at, row.left_by) == (H, T0 + H, StayEnd.ESCALATED)


# --- repeat escalations ---------------------------------------------------------------


D = timedelta(days=1)


@pytest.mark.parametrize(
    ("trigger", "others", "repeat"),
    [
        (Trigger.LACKS_EXPERTISE, [], False),
        (Trigger.LACKS_EXPERTISE, [(1, T0 - D, Trigger.CONFIRMED_BUG)], False),  # two: not 3+
        (
            Trigger.LACKS_EXPERTISE,
            [(1, T0 - 29 * D, Trigger.CONFIRMED_BUG), (2, T0 - H, Trigger.NEEDS_ACCESS)],
            True,  # three tickets in 30 days, counting this one
        ),
        (
            Trigger.LACKS_EXPERTISE,
            [(1, T0 - REPEAT_WINDOW, Trigger.CONFIRMED_BUG), (2, T0, Trigger.NEEDS_ACCESS)],
            True,  # the window's first instant, and the same instant, count
        ),
        (
            Trigger.LACKS_EXPERTISE,
            [
                (1, T0 - REPEAT_WINDOW - timedelta(seconds=1), Trigger.CONFIRMED_BUG),
                (2, T0 - H, Trigger.NEEDS_ACCESS),
            ],
            False,
        ),
        (
            Trigger.LACKS_EXPERTISE,
            [(1, T0 - 2 * H, Trigger.CONFIRMED_BUG), (1, T0 - H, Trigger.AUTO_TIER_TIME)],
            False,  # one other ticket climbing two tiers is one escalated ticket
        ),
        (
            Trigger.LACKS_EXPERTISE,
            [(1, T0 - H, Trigger.CONFIRMED_BUG), (2, T0 + timedelta(seconds=1), Trigger.LEGAL)],
            False,  # after it: not before
        ),
        (
            Trigger.LACKS_EXPERTISE,
            [(1, T0 - H, Trigger.AUTO_VIP), (2, T0 - 2 * H, Trigger.AUTO_TIER_TIME)],
            False,  # VIP auto-escalations never count
        ),
        (
            Trigger.AUTO_VIP,  # nor does this one, if it is one
            [(1, T0 - H, Trigger.CONFIRMED_BUG), (2, T0 - 2 * H, Trigger.AUTO_TIER_TIME)],
            False,
        ),
    ],
)
def test_003_a_repeat_escalation_makes_3_escalated_tickets_of_the_customer_in_30_days(
    trigger, others, repeat
):
    earlier = accounting.CustomerHandoffs(trigger=trigger, others=tuple(others))
    assert is_repeat_escalation(at=T0, earlier=earlier) is repeat


def test_the_first_escalation_sets_when_how_long_after_opening_and_whether_a_repeat():
    earlier = accounting.CustomerHandoffs(
        trigger=Trigger.LACKS_EXPERTISE,
        others=((1, T0 - H, Trigger.LACKS_EXPERTISE), (2, T0 - 2 * H, Trigger.CONFIRMED_BUG)),
    )
    fields = first_escalation(created_at=T0 - 4 * H, at=T0, earlier=earlier)
    assert fields == {
        "first_escalated_at": T0,
        "escalated_after": 4 * H,
        "repeat_escalation": True,
    }


def test_the_repeat_window_is_the_one_the_repeat_rule_alerts_on():
    assert accounting.REPEAT_WINDOW == rules.REPEAT_WINDOW == timedelta(days=30)


# --- the ticket's SLA columns ---------------------------------------------------------


def test_the_soonest_counting_target_gives_the_sla_columns():
    running = [
        RunningTarget(due_at=T0 + 8 * H, warn_at=T0 + 6 * H),
        RunningTarget(due_at=T0 + 2 * H, warn_at=T0 + H),
        RunningTarget(due_at=T0 + H, paused=True),  # paused: does not count
    ]
    assert sla_summary(running) == SlaSummary(due_at=T0 + 2 * H, warn_at=T0 + H, paused=False)


def test_a_ticket_whose_targets_are_all_paused_is_paused_with_no_deadline():
    summary = sla_summary([RunningTarget(due_at=T0, paused=True)])
    assert summary.columns() == {"sla_due_at": None, "sla_warn_at": None, "sla_paused": True}


def test_a_ticket_with_no_running_target_owes_nothing():
    assert sla_summary([]) == SlaSummary(due_at=None, warn_at=None, paused=False)


def test_only_the_soonest_targets_warning_is_read():
    class Lazy:
        def __init__(self, due_at, warn_at=None):
            self.due_at, self.paused, self._warn = due_at, False, warn_at

        @property
        def warn_at(self):
            if self._warn is None:
                raise AssertionError("read the warning of a target that is not the soonest")
            return self._warn

    summary = sla_summary([Lazy(T0 + 5 * H), Lazy(T0 + H, warn_at=T0)])
    assert summary.warn_at == T0


def test_sla_columns_are_set_on_the_ticket_by_name():
    ticket = SimpleNamespace()
    names = SlaSummary(due_at=T0, warn_at=None, paused=False).apply(ticket)
    assert names == clocks.SUMMARY_FIELDS == clocks.SLA_FIELDS[: len(names)]
    assert (ticket.sla_due_at, ticket.sla_warn_at, ticket.sla_paused) == (T0, None, False)


# --- the services give the same answers -----------------------------------------------


def _escalate(ticket, actor, to_tier=2):
    handoff = full_handoff(ticket)
    return services.ticket_escalate(
        ticket=ticket, actor=actor, to_tier=to_tier, reason="Needs access", handoff=handoff
    )


def test_the_services_record_the_stay_the_rule_computes(make_ticket, agent, senior, engineer):
    with time_machine.travel(T0, tick=False):
        ticket = _escalate(make_ticket(state="open"), agent)
        ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    row = Escalation.objects.get(ticket=ticket, to_tier=2)
    expected = Stay.of(row)
    with time_machine.travel(T0 + 2 * H, tick=False):
        ticket = _escalate(ticket, senior, to_tier=3)
    expected = ended_stay(expected, at=T0 + 2 * H, how=StayEnd.ESCALATED)
    row.refresh_from_db()
    assert Stay.of(row) == expected
    with time_machine.travel(T0 + 3 * H, tick=False):
        ticket = services.ticket_return_escalation(ticket=ticket, actor=engineer, reason="Thin")
    expected = resumed_stay(expected, at=T0 + 3 * H)
    row.refresh_from_db()
    assert Stay.of(row) == expected
    with time_machine.travel(T0 + 4 * H, tick=False):
        services.ticket_resolve(
            ticket=ticket, actor=senior, summary="Done", customer_confirmed=True
        )
    row.refresh_from_db()
    assert Stay.of(row) == ended_stay(expected, at=T0 + 4 * H, how=StayEnd.RESOLVED)
    assert row.time_at_tier == 3 * H  # 2 h, then 1 h after the return; not the hour away


def test_the_services_mark_repeats_as_the_rule_does(make_ticket, agent):
    tickets = []
    for n in range(3):
        with time_machine.travel(T0 + n * 5 * H, tick=False):
            tickets.append(_escalate(make_ticket(state="open"), agent))
    third = tickets[2]
    earlier = accounting.CustomerHandoffs(
        trigger=Trigger.LACKS_EXPERTISE,
        others=tuple((t.pk, t.first_escalated_at, Trigger.LACKS_EXPERTISE) for t in tickets[:2]),
    )
    assert third.repeat_escalation is is_repeat_escalation(
        at=third.first_escalated_at, earlier=earlier
    )
    assert [t.repeat_escalation for t in tickets] == [False, False, True]


@pytest.mark.parametrize(
    ("state", "paused", "due"),
    [
        ("new", False, True),
        ("open", False, True),
        ("waiting_on_customer", True, False),
        ("resolved", False, False),
    ],
)
def test_the_clocks_set_the_sla_columns_the_rule_computes(make_ticket, state, paused, due):
    ticket = make_ticket(state=state)
    running = [
        RunningTarget(
            due_at=c.due_at,
            paused=c.is_paused,
            warn_at=(c.warning_times() or [(None, None)])[0][1],
        )
        for c in sla.running_clocks(ticket, ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)
    ]
    expected = sla_summary(running).columns()
    assert {name: getattr(ticket, name) for name in expected} == expected
    assert (expected["sla_paused"], expected["sla_due_at"] is not None) == (paused, due)

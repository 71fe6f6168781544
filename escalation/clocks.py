"""Which SLA clocks run on a ticket, driven by its transitions (issue: SLA engine).

Called by escalation.services inside their transaction, with the ticket locked.
Targets are copied onto the clocks when they start (sla.services.targets_for), so a
later policy edit never rewrites a running ticket; `reapply` does so on purpose.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from functools import cached_property

from django.utils import timezone

from sla import services as sla
from sla.businesstime import add_business_time
from sla.models import Clock, ClockKind, ClockPause, SlaPolicy, SlaSettings

from .accounting import sla_summary
from .models import Ticket, TicketState

CUSTOMER_FACING = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)
STALE_TIMER = "ticket.stale"
ACK_FOLLOW_UP_TIMER = "acknowledgement.lead"


def targets(ticket: Ticket) -> sla.Targets:
    return sla.targets_for(
        priority=ticket.priority,
        enterprise=ticket.customer.is_enterprise,
        category_response=ticket.category.sla_response_target,
    )


def _start(ticket: Ticket, kind: str, target, at: datetime, t: sla.Targets, warn=True, cycle=1):
    return sla.clock_start(
        subject=ticket,
        kind=kind,
        calendar=t.calendar,
        target=target,
        at=at,
        cycle=cycle,
        warning_thresholds=t.warning_thresholds if warn else [],
        policy_version=t.policy_version,
    )


def _stop(ticket: Ticket, at: datetime, *kinds: str) -> None:
    for clock in sla.running_clocks(ticket, *kinds):
        sla.clock_stop(clock=clock, at=at)


def _start_tier_clock(ticket: Ticket, at: datetime, t: sla.Targets) -> None:
    allowed = sla.tier_time_allowed(priority=ticket.priority, tier=ticket.tier)
    if allowed is not None:
        _start(
            ticket,
            ClockKind.TIER,
            allowed,
            at,
            t,
            warn=False,
            cycle=sla.next_cycle(ticket, ClockKind.TIER),
        )


def _arm_stale(ticket: Ticket, at: datetime) -> None:
    if ticket.state == TicketState.OPEN:
        sla.timer_set(subject=ticket, kind=STALE_TIMER, due_at=at + SlaSettings.load().stale_after)
    else:
        sla.timers_cancel(subject=ticket, kinds=[STALE_TIMER])


def plan_start(ticket: Ticket, at: datetime) -> None:
    """Set the SLA columns a new ticket will have once `start` runs, before it is saved,
    so its creation is one history row. The same arithmetic as `sla.clock_start`."""
    t = targets(ticket)
    schedule = t.calendar.schedule()
    drafts = [
        Clock(
            calendar=t.calendar,
            target=target,
            started_at=at,
            due_at=add_business_time(at, target, schedule),
            warning_thresholds=sorted(t.warning_thresholds),
        )
        for target in (t.first_response, t.resolution)
    ]
    _summarise(ticket, drafts)


def start(ticket: Ticket, at: datetime) -> None:
    """A new ticket: first response, resolution and time at L1 start now."""
    t = targets(ticket)
    _start(ticket, ClockKind.FIRST_RESPONSE, t.first_response, at, t)
    _start(ticket, ClockKind.RESOLUTION, t.resolution, at, t)
    _start_tier_clock(ticket, at, t)
    refresh(ticket)


def on_transition(ticket: Ticket, code: str, at: datetime) -> None:
    """Move the clocks for a transition that has just been applied to `ticket`."""
    if code == "open":
        _stop(ticket, at, ClockKind.FIRST_RESPONSE)
        _start_update_cycle(ticket, at)
    elif code == "escalate":
        _stop(ticket, at, ClockKind.TIER)
        ack = SlaSettings.load().acknowledgement_target
        t = targets(ticket)
        _start(
            ticket,
            ClockKind.ACKNOWLEDGEMENT,
            ack,
            at,
            t,
            warn=False,
            cycle=sla.next_cycle(ticket, ClockKind.ACKNOWLEDGEMENT),
        )
    elif code in ("accept_escalation", "return_escalation"):
        _stop(ticket, at, ClockKind.ACKNOWLEDGEMENT)
        sla.timers_cancel(subject=ticket, kinds=[ACK_FOLLOW_UP_TIMER])
        _start_tier_clock(ticket, at, targets(ticket))
    elif code == "wait_on_customer":
        policy = SlaPolicy.objects.get(priority=ticket.priority)
        if policy.pause_when_waiting_on_customer:
            paused = (ClockKind.RESOLUTION, ClockKind.NEXT_UPDATE, ClockKind.TIER)
            for clock in sla.running_clocks(ticket, *paused):
                sla.clock_pause(clock=clock, at=at, reason=ClockPause.Reason.WAITING_ON_CUSTOMER)
    elif code == "resume":
        for clock in sla.running_clocks(ticket):
            sla.clock_resume(clock=clock, at=at)
    elif code == "resolve":
        _stop(
            ticket,
            at,
            ClockKind.FIRST_RESPONSE,
            ClockKind.RESOLUTION,
            ClockKind.NEXT_UPDATE,
            ClockKind.TIER,
        )
        if ticket.tier > 1:  # escalated tickets get a root-cause analysis (001: within 48 h)
            _start(
                ticket,
                ClockKind.RCA,
                SlaSettings.load().rca_due_after,
                at,
                _around_the_clock(targets(ticket)),
                warn=False,
                cycle=sla.next_cycle(ticket, ClockKind.RCA),
            )
    elif code == "reopen":
        _stop(ticket, at, ClockKind.RCA)  # not resolved any more: no RCA due yet
        t = targets(ticket)
        _start(
            ticket,
            ClockKind.RESOLUTION,
            t.resolution,
            at,
            t,
            cycle=sla.next_cycle(ticket, ClockKind.RESOLUTION),
        )
        _start_tier_clock(ticket, at, t)
        _start_update_cycle(ticket, at)
    elif code in ("close", "cancel"):
        kinds = [k for k in ClockKind.values if k != ClockKind.RCA or code == "cancel"]
        # A cancelled ticket (spam, duplicate) owes nothing: its targets count neither way.
        _stop(ticket, at, *kinds)
        if code == "cancel":
            sla.clocks_void(subject=ticket)
        sla.timers_cancel(subject=ticket, kinds=[STALE_TIMER, ACK_FOLLOW_UP_TIMER])
    _arm_stale(ticket, at)
    refresh(ticket)


def _around_the_clock(t: sla.Targets) -> sla.Targets:
    return replace(t, calendar=sla.around_the_clock_calendar() or t.calendar)


def _start_update_cycle(ticket: Ticket, at: datetime) -> None:
    t = targets(ticket)
    if t.update_every is None:
        return
    _stop(ticket, at, ClockKind.NEXT_UPDATE)
    _start(
        ticket,
        ClockKind.NEXT_UPDATE,
        t.update_every,
        at,
        t,
        warn=False,
        cycle=sla.next_cycle(ticket, ClockKind.NEXT_UPDATE),
    )


def rca_documented(ticket: Ticket, at: datetime) -> None:
    _stop(ticket, at, ClockKind.RCA)


def first_response_given(ticket: Ticket, at: datetime) -> None:
    """The customer got their first answer: the first-response target is met (or missed)."""
    _stop(ticket, at, ClockKind.FIRST_RESPONSE)


def customer_updated(ticket: Ticket, at: datetime) -> None:
    """The customer got a status update: the cadence starts over."""
    if ticket.state in (TicketState.OPEN, TicketState.ESCALATED, TicketState.WAITING_ON_DEPARTMENT):
        _start_update_cycle(ticket, at)
    _arm_stale(ticket, at)


def reapply(ticket: Ticket) -> int | None:
    """Re-target the running customer-facing clocks to the current policy version."""
    t = targets(ticket)
    for clock in sla.running_clocks(ticket, *CUSTOMER_FACING, ClockKind.NEXT_UPDATE):
        target = {
            ClockKind.FIRST_RESPONSE: t.first_response,
            ClockKind.RESOLUTION: t.resolution,
            ClockKind.NEXT_UPDATE: t.update_every,
        }[ClockKind(clock.kind)]
        if target is None:
            continue
        sla.clock_retarget(
            clock=clock,
            target=target,
            calendar=t.calendar,
            warning_thresholds=t.warning_thresholds if clock.kind in CUSTOMER_FACING else [],
            policy_version=t.policy_version,
        )
    for clock in sla.running_clocks(ticket, ClockKind.TIER):  # the matrix cell may differ too
        allowed = sla.tier_time_allowed(priority=ticket.priority, tier=ticket.tier)
        if allowed is None:
            sla.clock_stop(clock=clock, at=timezone.now())
        else:
            sla.clock_retarget(
                clock=clock,
                target=allowed,
                calendar=t.calendar,
                warning_thresholds=[],
                policy_version=t.policy_version,
            )
    refresh(ticket)
    return t.policy_version


def refresh(ticket: Ticket) -> None:
    """Copy the soonest customer-facing deadline onto the ticket (the caller saves)."""
    _summarise(ticket, sla.running_clocks(ticket, *CUSTOMER_FACING))


class _ClockTarget:
    """A clock as `accounting.sla_summary` reads it; the first warning is worked out only
    for the soonest target (it needs the calendar's business-time arithmetic)."""

    def __init__(self, clock: Clock):
        self.due_at, self.paused, self._clock = clock.due_at, clock.is_paused, clock

    @cached_property
    def warn_at(self) -> datetime | None:
        warnings = self._clock.warning_times()
        return warnings[0][1] if warnings else None


def _summarise(ticket: Ticket, running: Iterable[Clock]) -> None:
    sla_summary(_ClockTarget(c) for c in running).apply(ticket)


SLA_FIELDS = ["sla_due_at", "sla_warn_at", "sla_paused"]

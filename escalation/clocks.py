"""Which SLA clocks run on a ticket, driven by its transitions (issue: SLA engine).

Called by escalation.services inside their transaction, with the ticket locked.
A ticket's targets are fixed when its resolution clock starts (created, reopened):
copied onto its clocks (sla.services.targets_for), and what no clock holds (the status-
update cadence, whether waiting on the customer pauses it) onto the ticket. Every later
clock of that cycle (acknowledgement, time at tier, customer update, RCA) starts from
those (`kept`), so a later policy edit never changes a running ticket; a lead's
`reapply` moves it to the current version on purpose.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property

from django.utils import timezone

from sla import services as sla
from sla.businesstime import add_business_time
from sla.models import BusinessCalendar, Clock, ClockKind, ClockPause, SlaSettings

from .accounting import sla_summary
from .models import Ticket, TicketState

CUSTOMER_FACING = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)
STALE_TIMER = "ticket.stale"
ACK_FOLLOW_UP_TIMER = "acknowledgement.lead"


def targets(ticket: Ticket) -> sla.Targets:
    """The targets of the current policy version for this ticket (to start or re-apply)."""
    return sla.targets_for(
        priority=ticket.priority,
        enterprise=ticket.customer.is_enterprise,
        category_response=ticket.category.sla_response_target,
    )


@dataclass(frozen=True)
class Kept:
    """What a running ticket keeps of the policy version it runs under, for the clocks it
    starts later: their calendar and version, and the update cadence. (Whether waiting on
    the customer pauses it is read off the ticket: `sla_pause_when_waiting`.)"""

    calendar: BusinessCalendar
    policy_version: int | None
    update_every: timedelta | None


def kept(ticket: Ticket) -> Kept:
    """The version the ticket runs under: its latest resolution clock's calendar and
    version, and the cadence copied onto it (`_keep`). A ticket whose clocks never started
    (none in practice) runs under the current version."""
    clock = sla.latest_clock(ticket, ClockKind.RESOLUTION)
    if clock is None:
        t = targets(ticket)
        return Kept(t.calendar, t.policy_version, t.update_every)
    return Kept(clock.calendar, clock.policy_version, ticket.sla_update_every)


def _keep(ticket: Ticket, t: sla.Targets) -> None:
    """Copy onto the ticket what no clock holds of `t` (the caller saves `SLA_FIELDS`)."""
    ticket.sla_update_every = t.update_every
    ticket.sla_pause_when_waiting = t.pause_when_waiting_on_customer


def _start(
    ticket: Ticket,
    kind: str,
    target: timedelta,
    at: datetime,
    terms: Kept | sla.Targets,
    *,
    thresholds: list[int] | None = None,
    cycle: int = 1,
) -> Clock:
    return sla.clock_start(
        subject=ticket,
        kind=kind,
        calendar=terms.calendar,
        target=target,
        at=at,
        cycle=cycle,
        warning_thresholds=thresholds or [],
        policy_version=terms.policy_version,
    )


def _stop(ticket: Ticket, at: datetime, *kinds: str) -> None:
    for clock in sla.running_clocks(ticket, *kinds):
        sla.clock_stop(clock=clock, at=at)


def _start_tier_clock(ticket: Ticket, at: datetime, terms: Kept | sla.Targets) -> None:
    allowed = sla.tier_time_allowed(priority=ticket.priority, tier=ticket.tier)
    if allowed is not None:
        _start(
            ticket, ClockKind.TIER, allowed, at, terms, cycle=sla.next_cycle(ticket, ClockKind.TIER)
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
    _keep(ticket, t)


def start(ticket: Ticket, at: datetime) -> None:
    """A new ticket: first response, resolution and time at L1 start now."""
    t = targets(ticket)
    warn = t.warning_thresholds
    _start(ticket, ClockKind.FIRST_RESPONSE, t.first_response, at, t, thresholds=warn)
    _start(ticket, ClockKind.RESOLUTION, t.resolution, at, t, thresholds=warn)
    _start_tier_clock(ticket, at, t)
    _keep(ticket, t)
    refresh(ticket)


def on_transition(ticket: Ticket, code: str, at: datetime) -> None:
    """Move the clocks for a transition that has just been applied to `ticket`."""
    if code == "open":
        _stop(ticket, at, ClockKind.FIRST_RESPONSE)
        _start_update_cycle(ticket, at)
    elif code == "escalate":
        _stop(ticket, at, ClockKind.TIER)
        _start(
            ticket,
            ClockKind.ACKNOWLEDGEMENT,
            SlaSettings.load().acknowledgement_target,
            at,
            kept(ticket),
            cycle=sla.next_cycle(ticket, ClockKind.ACKNOWLEDGEMENT),
        )
    elif code in ("accept_escalation", "return_escalation"):
        _stop(ticket, at, ClockKind.ACKNOWLEDGEMENT)
        sla.timers_cancel(subject=ticket, kinds=[ACK_FOLLOW_UP_TIMER])
        _start_tier_clock(ticket, at, kept(ticket))
    elif code == "wait_on_customer":
        pause_while_waiting(ticket, at)
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
                _around_the_clock(kept(ticket)),
                cycle=sla.next_cycle(ticket, ClockKind.RCA),
            )
    elif code == "reopen":
        # A new resolution cycle: like a new ticket, it runs under the current version
        # (its priority or category may have been edited while it was resolved).
        _stop(ticket, at, ClockKind.RCA)  # not resolved any more: no RCA due yet
        t = targets(ticket)
        _start(
            ticket,
            ClockKind.RESOLUTION,
            t.resolution,
            at,
            t,
            thresholds=t.warning_thresholds,
            cycle=sla.next_cycle(ticket, ClockKind.RESOLUTION),
        )
        _keep(ticket, t)
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
    hold_for_incident(ticket, at)
    refresh(ticket)


def pause_while_waiting(ticket: Ticket, at: datetime) -> None:
    """A ticket waiting on its customer stops its clocks if its kept policy version says so
    (not today's policy); also after an incident that held them lets go (issue 17)."""
    if ticket.state != TicketState.WAITING_ON_CUSTOMER or not ticket.sla_pause_when_waiting:
        return
    paused = (ClockKind.RESOLUTION, ClockKind.NEXT_UPDATE, ClockKind.TIER)
    for clock in sla.running_clocks(ticket, *paused):
        sla.clock_pause(clock=clock, at=at, reason=ClockPause.Reason.WAITING_ON_CUSTOMER)


def hold_for_incident(ticket: Ticket, at: datetime) -> None:
    """A running major incident governs the ticket: every clock a transition or an update
    (re)started waits for it too, and so does the stale-ticket rule (issue 17; lifted by
    escalation.services.incident_children)."""
    incident = ticket.incident if ticket.incident_id and ticket.is_active else None
    if incident is not None and incident.is_running:
        sla.clocks_suspend(subject=ticket, at=at, reason=ClockPause.Reason.INCIDENT)
        sla.timers_cancel(subject=ticket, kinds=[STALE_TIMER])


def _around_the_clock(terms: Kept) -> Kept:
    return replace(terms, calendar=sla.around_the_clock_calendar() or terms.calendar)


def _start_update_cycle(ticket: Ticket, at: datetime) -> None:
    """The customer-update cadence starts over, at the ticket's kept cadence."""
    terms = kept(ticket)
    if terms.update_every is None:
        return
    _stop(ticket, at, ClockKind.NEXT_UPDATE)
    _start(
        ticket,
        ClockKind.NEXT_UPDATE,
        terms.update_every,
        at,
        terms,
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
    hold_for_incident(ticket, at)


def reapply(ticket: Ticket) -> int | None:
    """Move the ticket to the current policy version: re-target its running clocks and
    keep the version's update cadence and pause setting (the caller saves `SLA_FIELDS`).
    A customer-update clock stops when the version has no cadence any more."""
    t = targets(ticket)
    _keep(ticket, t)
    for clock in sla.running_clocks(ticket, *CUSTOMER_FACING, ClockKind.NEXT_UPDATE):
        target = {
            ClockKind.FIRST_RESPONSE: t.first_response,
            ClockKind.RESOLUTION: t.resolution,
            ClockKind.NEXT_UPDATE: t.update_every,
        }[ClockKind(clock.kind)]
        if target is None:
            sla.clock_stop(clock=clock, at=timezone.now())
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


# The ticket's SLA columns: the summary lists sort by, then what it keeps of its version.
SUMMARY_FIELDS = ["sla_due_at", "sla_warn_at", "sla_paused"]
SLA_FIELDS = [*SUMMARY_FIELDS, "sla_update_every", "sla_pause_when_waiting"]

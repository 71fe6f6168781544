"""The SLA targets of the demo tickets and hand-offs, planned for one bulk insert.

Apart from the hand-offs because targets come from the SLA policy (cached per priority,
plan and category) and feed the ticket's SLA columns, which follow the same rule as a
real ticket's (`escalation.accounting.sla_summary`, as `escalation.clocks` applies).
"""

from datetime import datetime, timedelta
from typing import cast

from django.contrib.contenttypes.models import ContentType

from escalation.accounting import RunningTarget, sla_summary
from escalation.models import ACTIVE_STATES, Escalation, Ticket, TicketState
from sla import services as sla
from sla.businesstime import Schedule, add_business_time, business_time_between
from sla.models import BusinessCalendar, ClockKind, SlaSettings

# How far back `before` first looks for open time: a business week holds about a quarter
# of the week's hours, plus room for a holiday week; doubled until enough is found.
_LOOK_BACK = 4
_LOOK_BACK_SLACK = timedelta(days=7)
_LOOK_BACK_TRIES = 6


class TargetPlanner:
    """Plans clocks for tickets not yet inserted; `enterprise`: the enterprise customers'
    IDs (their targets are shorter). Targets and business calendars are cached per run."""

    def __init__(self, enterprise: set[int]):
        self.enterprise = enterprise
        self.ticket_type = ContentType.objects.get_for_model(Ticket).pk
        self.acknowledgement = SlaSettings.load().acknowledgement_target
        self._targets: dict[tuple, sla.Targets] = {}
        self._schedules: dict[int, Schedule] = {}

    def targets_for(self, ticket: Ticket) -> sla.Targets:
        key = (
            ticket.priority,
            ticket.customer_id in self.enterprise,
            ticket.category.sla_response_target,
        )
        if key not in self._targets:
            self._targets[key] = sla.targets_for(
                priority=key[0], enterprise=key[1], category_response=key[2]
            )
        return self._targets[key]

    def schedule(self, calendar: BusinessCalendar) -> Schedule:
        """The calendar's schedule, cached for the run (the clock plans share the cache)."""
        schedule = self._schedules.get(calendar.pk)
        if schedule is None:
            schedule = self._schedules[calendar.pk] = calendar.schedule()
        return schedule

    def after(self, start: datetime, open_time: timedelta, calendar: BusinessCalendar) -> datetime:
        """When `open_time` of the calendar's open time has passed since `start`: how a
        finished demo ticket is answered or resolved within (or past) its target."""
        return add_business_time(start, open_time, self.schedule(calendar))

    def before(self, end: datetime, open_time: timedelta, calendar: BusinessCalendar) -> datetime:
        """The instant that leaves `open_time` of the calendar's open time until `end`.

        How old a working demo ticket is, so that its clock (which counts open time) has
        used exactly the share of its target the demo drew: on track, at risk or breached
        by construction, whatever the calendar. The business-time module only counts
        forwards, so this looks back far enough and counts forwards from there.
        """
        schedule = self.schedule(calendar)
        if schedule.always_open:
            return end - open_time
        span = open_time * _LOOK_BACK + _LOOK_BACK_SLACK
        for _ in range(_LOOK_BACK_TRIES):
            start = end - span
            available = business_time_between(start, end, schedule)
            if available >= open_time:
                return add_business_time(start, available - open_time, schedule)
            span *= 2
        return end - span  # a calendar that hardly opens: as far back as was looked

    def ticket_clocks(self, ticket: Ticket, now: datetime) -> list[sla.ClockPlan]:
        """SLA clocks of a demo ticket, and its SLA columns (before it is inserted).

        Active tickets get running clocks (paused while waiting on the customer);
        finished ones a first response and a resolution that were met or missed, so the
        metrics have a history to show. The plans' `subject_id` is set once inserted.
        """
        t = self.targets_for(ticket)
        # What the ticket keeps of its policy version, as `escalation.clocks` copies it.
        ticket.sla_update_every = t.update_every
        ticket.sla_pause_when_waiting = t.pause_when_waiting_on_customer
        if ticket.state == TicketState.CANCELLED:
            return []
        finished = ticket.state not in ACTIVE_STATES
        kinds = [(ClockKind.RESOLUTION, t.resolution, ticket.resolved_at)]
        if ticket.state == TicketState.NEW or finished:
            kinds.insert(0, (ClockKind.FIRST_RESPONSE, t.first_response, ticket.first_response_at))
        paused = ticket.state == TicketState.WAITING_ON_CUSTOMER
        plans = [
            sla.clock_plan(
                sla.ClockPlan(
                    subject_type_id=self.ticket_type,
                    subject_id=None,
                    kind=kind,
                    calendar=t.calendar,
                    target=target,
                    started_at=ticket.created_at,
                    warning_thresholds=t.warning_thresholds,
                    policy_version=t.policy_version,
                    paused_since=now - (now - ticket.created_at) / 2 if paused else None,
                    stopped_at=stopped if finished else None,
                ),
                self._schedules,
            )
            for kind, target, stopped in kinds
        ]
        running = [
            RunningTarget(
                due_at=cast(datetime, p.due_at),  # clock_plan has set it
                paused=p.paused_since is not None,
                warn_at=p.warn_at,
            )
            for p in plans
            if p.stopped_at is None
        ]
        sla_summary(running).apply(ticket)
        return plans

    def acknowledgements(self, escalations: list[Escalation]) -> list[sla.ClockPlan]:
        """The 15-minute acknowledgement target of every answered hand-off."""
        plans: list[sla.ClockPlan] = []
        cycles: dict[int, int] = {}
        for e in escalations:
            answered = e.accepted_at or e.returned_at
            if answered is None:
                continue
            t = self.targets_for(e.ticket)
            cycles[e.ticket_id] = cycles.get(e.ticket_id, 0) + 1
            plans.append(
                sla.clock_plan(
                    sla.ClockPlan(
                        subject_type_id=self.ticket_type,
                        subject_id=e.ticket_id,
                        kind=ClockKind.ACKNOWLEDGEMENT,
                        calendar=t.calendar,
                        target=self.acknowledgement,
                        started_at=e.requested_at,
                        warning_thresholds=[],
                        policy_version=t.policy_version,
                        stopped_at=answered,
                        cycle=cycles[e.ticket_id],
                    ),
                    self._schedules,
                )
            )
        return plans

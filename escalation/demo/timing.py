"""When a demo ticket was opened, first answered and resolved, drawn against its own SLA
targets.

Apart from the ticket's other columns because this is where the demo's breach share comes
from. Times are drawn as shares of the ticket's own targets, counted in the target's
business time (`TargetPlanner.after` / `before`), so the shares of tickets on track, at
risk and breached are the ones `words` states, whatever the priority, plan or calendar.
Ages drawn in plain days (as before) left four tickets in ten breached, because a
critical ticket's targets are minutes and hours.
"""

import random
from datetime import datetime, timedelta

from escalation.models import ACTIVE_STATES, Ticket, TicketState
from sla import services as sla

from .targets import TargetPlanner
from .words import (
    ACTIVE_OUTCOMES,
    BREACHED_BY,
    LATE_BY,
    LATE_FIRST_RESPONSE,
    LATE_RESOLUTION,
    ON_TIME_RESOLUTION,
)

FINISHED_SPREAD = timedelta(days=90)  # finished work spreads over the last quarter
MIN_AGE = timedelta(minutes=2)
# A waiting-on-customer ticket's clock is paused (it shows no status): any share will do.
PAUSED_SHARE = (0.05, 0.9)
FIRST_RESPONSE_SHARE = (0.05, 0.9)


def times_draw(rng: random.Random, ticket: Ticket, now: datetime, planner: TargetPlanner) -> bool:
    """Set the ticket's created, first-response, resolved and closed times from its state
    and targets (its priority, customer and category are drawn already); whether it
    missed a target it has finished with (an unhappy customer is likelier then)."""
    targets = planner.targets_for(ticket)
    if ticket.state in ACTIVE_STATES:
        _working(rng, ticket, now, planner, targets)
        return False
    return _finished(rng, ticket, now, planner, targets)


def _working(
    rng: random.Random, ticket: Ticket, now: datetime, planner: TargetPlanner, t: sla.Targets
) -> None:
    """A ticket still being worked: as old as the share of its running target drawn.

    A new ticket's soonest target is its first response; the others' their resolution.
    """
    new = ticket.state == TicketState.NEW
    target = t.first_response if new else t.resolution
    if ticket.state == TicketState.WAITING_ON_CUSTOMER:
        share = rng.uniform(*PAUSED_SHARE)
    else:
        share = _share(rng, t.warning_thresholds)
    created = min(planner.before(now, target * share, t.calendar), now - MIN_AGE)
    ticket.created_at = created
    if not new:
        answered = planner.after(
            created, t.first_response * rng.uniform(*FIRST_RESPONSE_SHARE), t.calendar
        )
        ticket.first_response_at = min(answered, created + (now - created) / 2)


def _share(rng: random.Random, thresholds: list[int]) -> float:
    """How much of its target a working ticket has used: on track (before the policy's
    first warning), at risk (past it) or breached, in the shares `words` states."""
    outcome = rng.choices(list(ACTIVE_OUTCOMES), weights=list(ACTIVE_OUTCOMES.values()))[0]
    warn = min(thresholds) / 100 if thresholds else 1.0
    if outcome == "breached":
        return rng.uniform(*BREACHED_BY)
    if outcome == "at_risk" and warn < 0.95:
        return rng.uniform(warn + 0.01, 0.97)
    return rng.uniform(0.02, min(warn, 1.0) * 0.95)


def _finished(
    rng: random.Random, ticket: Ticket, now: datetime, planner: TargetPlanner, t: sla.Targets
) -> bool:
    """A finished ticket: answered and resolved within its targets, or a few past them
    (later tiers take longer and miss more often)."""
    created = now - timedelta(minutes=rng.randint(5, int(FINISHED_SPREAD.total_seconds() // 60)))
    ticket.created_at = created
    first = t.first_response * rng.uniform(*FIRST_RESPONSE_SHARE)
    if ticket.state not in (TicketState.RESOLVED, TicketState.CLOSED):  # cancelled
        ticket.first_response_at = min(planner.after(created, first, t.calendar), now)
        return False
    late_answer = rng.random() < LATE_FIRST_RESPONSE
    if late_answer:
        first = t.first_response * rng.uniform(*LATE_BY)
    tier = min(ticket.tier, max(LATE_RESOLUTION))
    late = rng.random() < LATE_RESOLUTION[tier]
    share = rng.uniform(*LATE_BY) if late else rng.uniform(*ON_TIME_RESOLUTION[tier])
    resolved = min(planner.after(created, t.resolution * share, t.calendar), now - MIN_AGE / 2)
    ticket.first_response_at = min(planner.after(created, first, t.calendar), resolved)
    ticket.resolved_at = resolved
    ticket.resolved_after = resolved - created
    if ticket.state == TicketState.CLOSED:
        ticket.closed_at = resolved + (now - resolved) * rng.uniform(0.1, 1)
    return late_answer or late

"""One demo ticket drawn at random: its state, tier, owner and the times it went through.

Apart from hand-offs and SLA targets because a ticket's own columns come first: the
planners in `handoffs` and `targets` read them to decide what happened around it.
"""

import random
from datetime import datetime, timedelta

from core.choices import Tier
from escalation.models import ACTIVE_STATES, Sentiment, Ticket, TicketState
from escalation.rules import LOW_CSAT

from .people import Staff
from .words import STATES, SUBJECTS


def ticket_draw(
    rng: random.Random, now: datetime, categories: list, customer_ids: list[int], staff: Staff
) -> Ticket:
    """An unsaved ticket whose columns agree with its state (resolved ones have a
    resolution time, escalated ones wait at the tier above their owner's)."""
    category = rng.choice(categories)
    state = rng.choice(STATES)
    # Roughly one ticket in six goes above L1 (001's target is under 15%).
    tier = rng.choice([Tier.L1] * 15 + [Tier.L2] * 2 + [Tier.L3])
    if state == TicketState.ESCALATED:
        tier = rng.choice([Tier.L2, Tier.L3])
    # While an escalation waits for acceptance, its requester (a tier below) still owns it.
    owner_tier = tier - 1 if state == TicketState.ESCALATED else tier
    # Work in progress is recent; finished work spreads over the last quarter.
    recent = state in ACTIVE_STATES
    created = now - timedelta(minutes=rng.randint(5, (4 if recent else 90) * 24 * 60))
    age = now - created
    responded = None if state == TicketState.NEW else created + age * rng.uniform(0, 0.1)
    resolved = closed = None
    csat = None
    if state in (TicketState.RESOLVED, TicketState.CLOSED):
        # First answer within hours, resolution within about a day (sometimes much later).
        answered = min(created + timedelta(minutes=rng.randint(5, 300)), now)
        took = timedelta(minutes=int(rng.expovariate(1 / (60 * 18 * tier))))
        responded = answered
        resolved = min(answered + took, now - timedelta(minutes=1))
        csat = rng.choice([None, 2, 3, 4, 4, 5, 5, 5])
        if state == TicketState.RESOLVED and csat is not None and csat < LOW_CSAT:
            csat = None  # 001: rated below 3, it would have been reopened and escalated
        if state == TicketState.CLOSED:
            closed = resolved + (now - resolved) * rng.uniform(0.1, 1)
    return Ticket(
        customer_id=rng.choice(customer_ids),
        category=category,
        priority=category.default_priority
        if rng.random() < 0.8
        else rng.choice(["critical", "high", "medium", "low"]),
        tier=tier,
        owner=rng.choice(staff[owner_tier]),
        subject=rng.choice(SUBJECTS),
        description="Demo ticket.",
        sentiment=rng.choice([Sentiment.CALM] * 6 + [Sentiment.FRUSTRATED] * 3 + [Sentiment.ANGRY]),
        state=state,
        created_at=created,
        first_response_at=responded,
        resolved_at=resolved,
        resolved_after=resolved - created if resolved else None,
        closed_at=closed,
        resolution_summary="Resolved (demo)." if resolved else "",
        csat=csat,
        resolved_by_specialist=rng.random() < 0.85 if closed and tier > Tier.L1 else None,
        first_level_possible=rng.random() < 0.12 if closed and tier > Tier.L1 else None,
        external_reference=f"ZD-{rng.randint(100000, 999999)}" if rng.random() < 0.5 else "",
    )

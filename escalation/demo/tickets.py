"""One demo ticket drawn at random: its category, words, state, tier, owner and times.

Apart from hand-offs and SLA targets because a ticket's own columns come first: the
planners in `handoffs` and `targets` read them to decide what happened around it. The
category comes first of all, since what the customer wrote, how they feel and how urgent
it is all follow from it.
"""

import random
from datetime import datetime

from core.choices import PRIORITY_RANK, Tier
from escalation.models import Category, Sentiment, Ticket, TicketState
from escalation.rules import LOW_CSAT

from .people import Staff
from .stories import resolution_text, ticket_text
from .targets import TargetPlanner
from .timing import times_draw
from .words import CATEGORY_WEIGHTS, GROUP_WEIGHTS, STATES

BY_RANK = [p.value for p in sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__)]  # urgent first
SENTIMENTS = [Sentiment.CALM] * 6 + [Sentiment.FRUSTRATED] * 3 + [Sentiment.ANGRY]
# Customers who complain, ask for a manager or threaten to leave are rarely calm.
UPSET = [Sentiment.FRUSTRATED] * 3 + [Sentiment.ANGRY] * 2
CSAT = [None, 2, 3, 4, 4, 5, 5, 5]
CSAT_AFTER_A_MISS = [None, 1, 2, 2, 3, 3, 4]


def category_weights(categories: list[Category]) -> list[float]:
    """How often each category comes in (`words.GROUP_WEIGHTS`): a group's weight is
    shared by its categories, so adding a category does not make its group commoner."""
    sizes: dict[str, int] = {}
    for c in categories:
        if c.code not in CATEGORY_WEIGHTS:
            sizes[c.group] = sizes.get(c.group, 0) + 1
    return [
        CATEGORY_WEIGHTS.get(c.code) or GROUP_WEIGHTS.get(c.group, 1) / sizes[c.group]
        for c in categories
    ]


def ticket_draw(
    rng: random.Random,
    now: datetime,
    categories: list[Category],
    weights: list[float],
    customer_ids: list[int],
    staff: Staff,
    targets: TargetPlanner,
) -> Ticket:
    """An unsaved ticket whose columns agree with its category and state (resolved ones
    have a resolution time, escalated ones wait at the tier above their owner's)."""
    category = rng.choices(categories, weights)[0]
    state = rng.choice(STATES)
    # Roughly one ticket in six goes above L1 (001's target is under 15%).
    tier = rng.choice([Tier.L1] * 15 + [Tier.L2] * 2 + [Tier.L3])
    if state == TicketState.ESCALATED:
        tier = rng.choice([Tier.L2, Tier.L3])
    # While an escalation waits for acceptance, its requester (a tier below) still owns it.
    owner_tier = tier - 1 if state == TicketState.ESCALATED else tier
    subject, description, fill = ticket_text(rng, category.code, category.group)
    upset = category.group == "frustrated_customer"
    ticket = Ticket(
        customer_id=rng.choice(customer_ids),
        category=category,
        priority=_priority(rng, category.default_priority),
        tier=tier,
        owner=rng.choice(staff[owner_tier]),
        subject=subject,
        description=description,
        sentiment=rng.choice(UPSET if upset else SENTIMENTS),
        state=state,
        external_reference=f"ZD-{rng.randint(100000, 999999)}" if rng.random() < 0.5 else "",
    )
    missed = times_draw(rng, ticket, now, targets)
    if ticket.resolved_at is not None:
        ticket.resolution_summary = resolution_text(fill, category.code, category.group)
        ticket.csat = _csat(rng, state, missed)
    if ticket.closed_at is not None and tier > Tier.L1:
        ticket.resolved_by_specialist = rng.random() < 0.85
        ticket.first_level_possible = rng.random() < 0.12
    return ticket


def _priority(rng: random.Random, default: str) -> str:
    """Mostly the category's; an agent sometimes sets it a step higher or lower."""
    roll = rng.random()
    rank = BY_RANK.index(default)
    if roll < 0.1:
        rank = max(0, rank - 1)
    elif roll < 0.2:
        rank = min(len(BY_RANK) - 1, rank + 1)
    return BY_RANK[rank]


def _csat(rng: random.Random, state: str, missed: bool) -> int | None:
    csat = rng.choice(CSAT_AFTER_A_MISS if missed else CSAT)
    if state == TicketState.RESOLVED and csat is not None and csat < LOW_CSAT:
        return None  # 001: rated below 3, it would have been reopened and escalated
    return csat

"""A few automatic escalations the demo's rules could not make, as a real desk has them.

A customer writes a third time about a locked account before anyone verified who they
are: 003 forbids the automatic hand-off, and the ticket, its owner and the metrics say so
(issue 14: "never silent"). Without some of these the lead's dashboard would show an
empty figure and the ticket page's warning would never be seen in a demo.
"""

import random
from datetime import datetime

from core.choices import RiskLevel, Tier
from escalation.models import RefusalCause, RefusedEscalation, Ticket, TicketState, Trigger
from verification.rules import RULES

SHARE = 0.3  # of the tickets that could be refused: L1, still new or open, verify first
WAITING = {TicketState.NEW, TicketState.OPEN}


def refusals_plan(
    rng: random.Random, batch: list[Ticket], escalated: set[int], now: datetime
) -> list[RefusedEscalation]:
    """For tickets still at L1 in a category that needs identity verification first: the
    "customer wrote 3+ times" rule fired and was refused for want of a verification."""
    planned = []
    for ticket in batch:
        level = ticket.category.verification_level
        if (
            ticket.tier != Tier.L1
            or ticket.state not in WAITING
            or level == RiskLevel.NONE
            or ticket.pk in escalated
            or rng.random() >= SHARE
        ):
            continue
        refused_at = ticket.created_at + (now - ticket.created_at) * rng.uniform(0.3, 0.9)
        planned.append(
            RefusedEscalation(
                ticket=ticket,
                trigger=Trigger.AUTO_REPEATED_CONTACT,
                cause=RefusalCause.VERIFICATION,
                reason=(
                    f"Verify the customer's identity first: this needs a {level}-risk "
                    f"verification ({RULES[RiskLevel(level)].describe()}); none is valid "
                    "for this customer."
                ),
                refused_at=refused_at,
            )
        )
    return planned

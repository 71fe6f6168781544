"""Escalation data: customers, the decision matrix, tickets (and, next to them, hand-offs)."""

from core.choices import Priority, RiskLevel, Tier

from .tickets import (
    ACTIVE_STATES,
    REFERENCE_PREFIX,
    WORK,
    Category,
    CategoryGroup,
    Customer,
    HandoffInfo,
    Plan,
    Sentiment,
    SlaStatus,
    Ticket,
    TicketState,
    validate_handoff_items,
)

__all__ = [
    "ACTIVE_STATES",
    "Category",
    "CategoryGroup",
    "Customer",
    "HandoffInfo",
    "Plan",
    "Priority",
    "REFERENCE_PREFIX",
    "RiskLevel",
    "Sentiment",
    "SlaStatus",
    "Ticket",
    "TicketState",
    "Tier",
    "WORK",
    "validate_handoff_items",
]

"""Escalation data: customers, the decision matrix, tickets (and, next to them, hand-offs)."""

from core.choices import Priority, RiskLevel, Tier

from .approvals import (
    APPROVE_PERMISSION,
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalState,
)
from .categories import Category, CategoryGroup, HandoffInfo, validate_handoff_items
from .communications import (
    PLACEHOLDERS,
    Channel,
    Communication,
    CommunicationTemplate,
    Direction,
    render_template,
    template_placeholders,
)
from .customers import Customer, Plan
from .department_requests import DepartmentRequest, DepartmentRequestState
from .handoffs import (
    AUTOMATIC_TRIGGERS,
    Escalation,
    EscalationState,
    EscalationType,
    RefusalCause,
    RefusedEscalation,
    StayEnd,
    Trigger,
)
from .incidents import UPDATE_CADENCE, IncidentState, IncidentUpdate, MajorIncident
from .metrics import UNITS, Comparison, Metric, MetricTarget
from .resolution import RootCauseAnalysis
from .rollups import (
    ClockRollup,
    HandoffRollup,
    RefusalRollup,
    RollupDay,
    RollupLevel,
    StayRollup,
    TicketRollup,
)
from .tickets import (
    ACTIVE_STATES,
    REFERENCE_PREFIX,
    WORK,
    Sentiment,
    SlaStatus,
    Ticket,
    TicketState,
)

__all__ = [
    "APPROVE_PERMISSION",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalRule",
    "ApprovalState",
    "UNITS",
    "Comparison",
    "Metric",
    "MetricTarget",
    "IncidentState",
    "IncidentUpdate",
    "MajorIncident",
    "UPDATE_CADENCE",
    "RootCauseAnalysis",
    "ClockRollup",
    "HandoffRollup",
    "RollupLevel",
    "RefusalRollup",
    "RollupDay",
    "StayRollup",
    "TicketRollup",
    "AUTOMATIC_TRIGGERS",
    "PLACEHOLDERS",
    "Channel",
    "Communication",
    "CommunicationTemplate",
    "DepartmentRequest",
    "DepartmentRequestState",
    "Direction",
    "Escalation",
    "EscalationState",
    "EscalationType",
    "RefusalCause",
    "RefusedEscalation",
    "StayEnd",
    "Trigger",
    "render_template",
    "template_placeholders",
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

"""Which rows each figure counts, in one place, so a figure and its click-through agree.

The dashboard's aggregates (`report`), the customer summary (`customers`) and the
ticket-list filter behind a figure (`admin.MetricFilter`) all start from these
querysets and conditions: a figure can never count rows its ticket list leaves out.
Tickets count by when they were opened; hand-offs, stays at a tier, SLA targets and
department requests by when they started.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q

from core.choices import Tier
from sla.models import Clock, ClockKind

from ..models import (
    AUTOMATIC_TRIGGERS,
    DepartmentRequest,
    DepartmentRequestState,
    Escalation,
    EscalationState,
    Metric,
    RefusedEscalation,
    StayEnd,
    Ticket,
    TicketState,
)
from .scope import Scope

# The SLA targets the metrics report on, and the figure each one feeds.
SLA_KINDS = {
    ClockKind.FIRST_RESPONSE: Metric.SLA_FIRST_RESPONSE,
    ClockKind.NEXT_UPDATE: Metric.SLA_NEXT_UPDATE,
    ClockKind.RESOLUTION: Metric.SLA_RESOLUTION,
    ClockKind.ACKNOWLEDGEMENT: Metric.SLA_ACKNOWLEDGEMENT,
}
ESCALATED = Q(first_escalated_at__isnull=False)
RESOLVED = Q(resolved_at__isnull=False, state__in=[TicketState.RESOLVED, TicketState.CLOSED])

# Met or missed; a clock stopped without `met` was voided (its ticket was cancelled), and a
# running clock past its deadline is already missed.
OVERDUE = Q(stopped_at__isnull=True, breached_at__isnull=False)
DECIDED = Q(met__isnull=False) | OVERDUE
MISSED = Q(met=False) | OVERDUE


def ticket_type_id() -> int:
    return ContentType.objects.get_for_model(Ticket).pk


def ticket_clocks(scope: Scope):
    """Ticket clocks started in the period, of tickets in scope."""
    clocks = Clock.objects.filter(scope.in_period("started_at"), subject_type_id=ticket_type_id())
    if scope.has_ticket_filters:
        # Matched as `subject_id + 0`, which no index serves: the period is what narrows
        # the clocks (clock_metrics_idx). On the bare column SQLite walks the clocks of
        # every ticket in scope, of all time (300 ms for today's high-priority enterprise
        # clocks at 100,000 tickets).
        unindexed = ExpressionWrapper(F("subject_id") + 0, BigIntegerField())
        clocks = clocks.alias(subject_unindexed=unindexed).filter(
            subject_unindexed__in=Ticket.objects.filter(scope.ticket_q()).values("pk")
        )
    return clocks


def finished_stays(scope: Scope):
    """Hand-offs accepted in the period whose stay at the receiving tier has ended (time
    spent is time spent, even on a ticket cancelled later)."""
    return Escalation.objects.filter(
        scope.in_period("accepted_at"),
        scope.ticket_q("ticket__"),
        state=EscalationState.ACCEPTED,
        time_at_tier__isnull=False,
    )


def department_requests(scope: Scope):
    """Requests sent in the period; cancelled ones (withdrawn) are left out."""
    return DepartmentRequest.objects.filter(
        scope.in_period("created_at"), scope.ticket_q("ticket__")
    ).exclude(state=DepartmentRequestState.CANCELLED)


def tickets_behind(code: str, scope: Scope):
    """The tickets a figure was computed over; None for an unknown code."""
    cohort = scope.tickets()
    escalated = cohort.filter(ESCALATED)
    simple = {
        "all": cohort,
        "escalated": escalated,
        "escalated_resolved": escalated.filter(RESOLVED),
        "csat_escalated": escalated.filter(csat__isnull=False),
        "repeat": escalated.filter(repeat_escalation=True),
        "first_level_possible": escalated.filter(first_level_possible=True),
        "tier_1": cohort.filter(Q(escalated_after__isnull=False) | Q(resolved_after__isnull=False)),
    }
    if code in simple:
        return simple[code]
    everything = Ticket.objects.all()
    if code in ("l2_reached", "l2_resolved"):
        stays = finished_stays(scope).filter(to_tier=Tier.L2)
        if code == "l2_resolved":
            stays = stays.filter(left_by=StayEnd.RESOLVED)
        return everything.filter(pk__in=stays.values("ticket_id"))
    if code == "auto_refused":
        return everything.filter(pk__in=refused_automatic(scope).values("ticket_id"))
    if code == "returned":
        return everything.filter(
            pk__in=Escalation.objects.filter(
                scope.in_period("requested_at"),
                scope.ticket_q("ticket__"),
                state=EscalationState.RETURNED,
            ).values("ticket_id")
        )
    number = re.fullmatch(r"(tier|dept)_([0-9]{1,9})", code)
    if number and number[1] == "tier":
        stays = finished_stays(scope).filter(to_tier=int(number[2]))
        return everything.filter(pk__in=stays.values("ticket_id"))
    if number and number[1] == "dept":
        return everything.filter(
            pk__in=department_requests(scope)
            .filter(department_id=int(number[2]))
            .values("ticket_id")
        )
    if code.startswith("sla_"):
        kind, missed = code[4:].removesuffix("_missed"), code.endswith("_missed")
        if kind in SLA_KINDS:
            clocks = ticket_clocks(scope).filter(kind=kind).filter(MISSED if missed else DECIDED)
            return everything.filter(pk__in=clocks.values("subject_id"))
    return None


TICKET_SETS = {
    "all": "Tickets opened in the period",
    "escalated": "Escalated tickets",
    "escalated_resolved": "Escalated tickets that are resolved",
    "l2_reached": "Tickets whose stay at L2 ended",
    "l2_resolved": "Tickets resolved at L2",
    "csat_escalated": "Escalated tickets with a CSAT score",
    "repeat": "Repeat escalations",
    "first_level_possible": "Escalations solvable at the first level",
    "returned": "Tickets with a hand-off returned as incomplete",
    "auto_refused": "Tickets whose automatic escalation was refused",
}


def ticket_set_label(code: str) -> str:
    if code in TICKET_SETS:
        return TICKET_SETS[code]
    if code.startswith("tier_"):
        return f"Tickets that left L{code[5:]}"
    if code.startswith("dept_"):
        return "Tickets with requests to the department"
    kind = code[4:].removesuffix("_missed")
    label = ClockKind(kind).label if kind in ClockKind.values else kind
    return (
        f"Tickets that missed the {label.lower()} target"
        if code.endswith("_missed")
        else f"Tickets with a {label.lower()} target"
    )


def automatic_handoffs(scope: Scope):
    """Hand-offs an automatic rule requested in the period (the escalations that happened)."""
    return Escalation.objects.filter(
        scope.in_period("requested_at"), scope.ticket_q("ticket__"), trigger__in=AUTOMATIC_TRIGGERS
    )


def refused_automatic(scope: Scope):
    """Automatic escalations refused in the period (identity not verified, ticket closed):
    the ones that should have happened and did not, which a lead must act on by hand."""
    return RefusedEscalation.objects.filter(
        scope.in_period("refused_at"), scope.ticket_q("ticket__")
    )

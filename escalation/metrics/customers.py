"""The per-customer summary for enterprise success reviews (003 "VIP/Enterprise").

A separate question from the dashboard's (who, not how fast), answered with one
grouped query over the same cohorts, so its counts agree with the dashboard's.
"""

from django.db.models import Avg, Count, Exists, OuterRef, Q

from sla.models import Clock

from ..models import TicketState
from .cohorts import ESCALATED, MISSED, RESOLVED, SLA_KINDS, ticket_type_id
from .scope import Scope


def customer_summary(scope: Scope):
    """Per customer with tickets opened in the period: volume, escalations, outcomes."""
    escalated = ESCALATED
    breached = Exists(
        Clock.objects.filter(
            MISSED,
            subject_type_id=ticket_type_id(),
            subject_id=OuterRef("pk"),
            kind__in=list(SLA_KINDS),
        )
    )
    return (
        scope.tickets()
        .annotate(is_breached=breached)
        .values(
            "customer_id",
            "customer__name",
            "customer__company",
            "customer__plan",
            "customer__is_vip",
        )
        .annotate(
            tickets=Count("pk"),
            escalated=Count("pk", filter=escalated),
            still_open=Count(
                "pk", filter=escalated & ~Q(state__in=[TicketState.RESOLVED, TicketState.CLOSED])
            ),
            resolution=Avg("resolved_after", filter=escalated & RESOLVED),
            breached=Count("pk", filter=Q(is_breached=True)),
            csat=Avg("csat"),
        )
        .order_by("-escalated", "-tickets", "customer__name", "customer_id")
    )

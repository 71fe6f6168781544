"""The dashboard's inter-departmental response time: one grouped query, always live."""

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from .cohorts import department_requests
from .figures import DepartmentRow
from .scope import Scope
from .sql import DurationSeconds, SecondsBetween, as_duration


def department_rows(scope: Scope) -> list[DepartmentRow]:
    """Requests sent in the period per department: answered, average response, within
    the department's commitment."""
    # The commitment is about responding: an acknowledgement counts, else the answer.
    responded_at = Coalesce(F("acknowledged_at"), F("answered_at"))
    answered = Q(acknowledged_at__isnull=False) | Q(answered_at__isnull=False)
    took = SecondsBetween(responded_at, F("created_at"))
    rows = (
        department_requests(scope)
        .values("department_id", "department__name", "department__response_time")
        .annotate(
            requests=Count("pk"),
            answered=Count("pk", filter=answered),
            average=Avg(took, filter=answered),
            within=Count(
                "pk",
                filter=answered
                & Q(LessThanOrEqual(took, DurationSeconds(F("department__response_time")))),
            ),
        )
        .order_by("department__name")
    )
    return [
        DepartmentRow(
            department_id=r["department_id"],
            name=r["department__name"],
            requests=r["requests"],
            answered=r["answered"],
            average=as_duration(r["average"]),
            within=r["within"],
            commitment=r["department__response_time"],
        )
        for r in rows
    ]

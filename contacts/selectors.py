"""Directory reads with a fixed number of queries."""

from django.db.models import Prefetch, Q, QuerySet

from sla.models import BusinessCalendar

from .models import ContactChannel, Department


def departments_for_directory(search: str = "") -> QuerySet[Department]:
    """Departments with channels, lead, members and calendar hours prefetched."""
    departments = Department.objects.select_related("lead").prefetch_related(
        Prefetch("channels", queryset=ContactChannel.objects.order_by("position", "pk")),
        Prefetch(
            "calendar",
            queryset=BusinessCalendar.objects.prefetch_related("spans", "holidays"),
        ),
        "members",
    )
    search = search.strip()
    if search:
        departments = departments.filter(
            Q(name__icontains=search) | Q(handles__icontains=search) | Q(purpose__icontains=search)
        )
    return departments.order_by("name")

"""The agents' read-only directory page (/desk/directory/)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .routing import on_call_now_by_department, open_status
from .selectors import departments_for_directory


@require_safe
@login_required
@permission_required("contacts.view_department", raise_exception=True)
def directory(request: HttpRequest) -> HttpResponse:
    """Whom to contact by issue type or name: channels, open now or when, who is on call."""
    now = timezone.now()
    query = request.GET.get("q", "")[:100]
    departments = list(departments_for_directory(query))
    on_call = on_call_now_by_department(now)
    rows = []
    for department in departments:
        is_open, opens_at = open_status(department, now)
        rows.append(
            {
                "department": department,
                "is_open": is_open,
                "opens_at": opens_at,
                "on_call": on_call.get(department.pk),
                "channels": list(department.channels.all()),
            }
        )
    return render(request, "desk/directory.html", {"rows": rows, "query": query, "now": now})

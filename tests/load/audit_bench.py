"""Audit pages for `make bench` (bench.py times each URL with GET and expects 200).

Run after seed_demo: the demo "auditor" account reads the trail, unfiltered, for the
most recently changed ticket, for one person, and exports that ticket's history as CSV.
"""


def audit_pages(client) -> list[tuple[str, str, dict]]:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from escalation.models import Ticket

    client.force_login(get_user_model().objects.get(username="auditor"))
    # The ticket whose history moved last: the newest row of the (indexed) history table.
    ticket_id = (
        Ticket.history.order_by("-history_date", "-history_id").values_list("id", flat=True).first()
    )
    one = {"model": "escalation.ticket", "object_id": str(ticket_id)}
    trail = reverse("admin:audit_trail")
    return [
        ("audit trail, first page", trail, {}),
        ("audit trail, one ticket", trail, one),
        ("audit trail, one user (system)", trail, {"user": "system"}),
        ("audit trail CSV, one ticket", reverse("admin:audit_trail_csv"), one),
    ]

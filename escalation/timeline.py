"""The ticket's full story in order: contacts, hand-offs, department requests, state changes."""

from dataclasses import dataclass
from datetime import datetime

from .models import Communication, DepartmentRequest, Escalation, Ticket


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    who: str
    text: str


def ticket_timeline(ticket: Ticket, limit: int = 200) -> list[Entry]:
    """Newest first, in four queries whatever the length."""
    entries: list[Entry] = []
    for c in (
        Communication.objects.filter(ticket=ticket)
        .select_related("author")
        .order_by("-created_at")[:limit]
    ):
        who = str(c.author) if c.author else ticket.customer.name
        flags = [
            label
            for label, on in [
                ("complaint", c.is_complaint),
                ("asked for a manager", c.asked_for_manager),
                ("threatened to leave", c.threatened_to_leave),
                ("public review", c.public_review),
            ]
            if on
        ]
        text = c.body + (f" [{', '.join(flags)}]" if flags else "")
        entries.append(Entry(c.created_at, c.get_direction_display(), who, text))
    for e in Escalation.objects.filter(ticket=ticket).select_related(
        "requested_by", "accepted_by", "returned_by"
    )[:limit]:
        entries.append(
            Entry(
                e.requested_at,
                "Escalation requested",
                str(e.requested_by),
                f"L{e.from_tier} → L{e.to_tier} ({e.get_trigger_display()}): {e.why_escalating}",
            )
        )
        if e.accepted_at:
            entries.append(Entry(e.accepted_at, "Escalation accepted", str(e.accepted_by), ""))
        if e.returned_at:
            entries.append(
                Entry(e.returned_at, "Escalation returned", str(e.returned_by), e.return_reason)
            )
    for r in DepartmentRequest.objects.filter(ticket=ticket).select_related(
        "department", "requested_by"
    )[:limit]:
        entries.append(
            Entry(
                r.created_at,
                "Department request",
                str(r.requested_by),
                f"{r.department}: {r.needed} ({r.get_state_display()})",
            )
        )
        if r.answered_at:
            entries.append(Entry(r.answered_at, "Department answered", str(r.department), r.answer))
    for h in ticket.history.select_related("history_user").order_by("-history_date")[:limit]:
        entries.append(
            Entry(
                h.history_date,
                f"State: {h.get_state_display()}",
                str(h.history_user or "system"),
                h.history_change_reason or "",
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]

"""Small display helpers for the desk pages."""

from django import template

from core.formatting import duration_text

register = template.Library()


register.filter("span", duration_text)


@register.simple_tag
def sla_text(ticket, now) -> str:
    """'Breached · 2 h overdue', 'At risk · 30 min left', 'Paused', or '-'."""
    status = getattr(ticket, "sla_status", "none")
    if status == "paused":
        return "Paused"
    if status == "none" or ticket.sla_due_at is None:
        return "-"
    left = ticket.sla_due_at - now
    label = {"breached": "Breached", "at_risk": "At risk", "on_track": "On track"}[status]
    return f"{label} · {duration_text(left)} {'overdue' if status == 'breached' else 'left'}"

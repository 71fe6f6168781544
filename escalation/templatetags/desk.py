"""Small display helpers for the desk pages."""

from django import template

from ..formatting import span

register = template.Library()


register.filter("span", span)


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
    return f"{label} · {span(left)} {'overdue' if status == 'breached' else 'left'}"

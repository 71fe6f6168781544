"""Small display helpers for the desk pages."""

from django import template

register = template.Library()


@register.filter
def span(delta) -> str:
    """A duration as its two largest units: '2 d 3 h', '45 min'."""
    if delta is None:
        return "-"
    minutes = int(abs(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n} {u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(parts[:2]) or "0 min"


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

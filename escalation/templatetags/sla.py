"""A ticket's SLA status in words and colour, the same on the desk and in the admin.

"Breached 3 h ago", "At risk: 40 min left", "On track: 5 h left", "Paused (waiting on
customer)": the words say it all, the colour (the `sla-<status>` class on the label)
only helps. Worked out from the ticket's own SLA columns with the rules of
`escalation.selectors.sla_status_conditions`, so a row and its filter always agree.

    {% load sla %}{{ ticket|sla_words:now }}
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.formatting import duration_text

from ..models import SlaStatus, Ticket, TicketState

register = template.Library()

PAUSED_BECAUSE = {
    TicketState.WAITING_ON_CUSTOMER: "waiting on customer",
    TicketState.WAITING_ON_DEPARTMENT: "waiting on department",
}


@dataclass(frozen=True)
class SlaWords:
    status: str  # an SlaStatus value, also the CSS class suffix
    label: str  # "Breached", "At risk:", ...
    detail: str  # "3 h ago", "40 min left", "(waiting on customer)"

    @property
    def text(self) -> str:
        return f"{self.label} {self.detail}".strip()

    def html(self) -> SafeString:
        return format_html(
            '<span class="sla sla-{}"><strong>{}</strong>{}</span>',
            self.status,
            self.label,
            f" {self.detail}" if self.detail else "",
        )


def sla_status(ticket: Ticket, now: datetime) -> str:
    """The ticket's SlaStatus at `now`, from its columns (as the SQL conditions decide)."""
    if ticket.sla_paused:
        return SlaStatus.PAUSED
    if ticket.sla_due_at is None:
        return SlaStatus.NONE
    if ticket.sla_due_at <= now:
        return SlaStatus.BREACHED
    if ticket.sla_warn_at is not None and ticket.sla_warn_at <= now:
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TRACK


def sla_words(ticket: Ticket, now: datetime | None = None) -> SlaWords:
    now = now or timezone.now()
    status = sla_status(ticket, now)
    if status == SlaStatus.PAUSED:
        why = PAUSED_BECAUSE.get(ticket.state)
        return SlaWords(status, "Paused", f"({why})" if why else "")
    if status == SlaStatus.NONE or ticket.sla_due_at is None:
        return SlaWords(SlaStatus.NONE, SlaStatus.NONE.label, "")
    left = ticket.sla_due_at - now
    if status == SlaStatus.BREACHED:
        ago = "just now" if -left < timedelta(minutes=1) else f"{duration_text(left)} ago"
        return SlaWords(status, "Breached", ago)
    label = "At risk:" if status == SlaStatus.AT_RISK else "On track:"
    return SlaWords(status, label, f"{duration_text(left)} left")


@register.filter(name="sla_words")
def sla_words_filter(ticket: Ticket, now: datetime | None = None) -> SafeString:
    """`{{ ticket|sla_words:now }}`: the status as a coloured label and its words."""
    return sla_words(ticket, now).html()


@register.filter(name="sla_text")
def sla_text_filter(ticket: Ticket, now: datetime | None = None) -> str:
    """`{{ ticket|sla_text:now }}`: the same words without markup (titles, CSV)."""
    return sla_words(ticket, now).text

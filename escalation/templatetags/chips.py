"""Priority and state as chips: the same small coloured label on the desk and in the admin.

The words carry the meaning (a screen reader or a printout loses nothing); the colour
lets a lead scan a list of fifty tickets for the red ones. The CSS lives in
`static/desk/chips.css`, loaded by both the desk and the admin.

    {% load chips %}{{ ticket|priority_chip }} {{ ticket|state_chip }}
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Ticket

register = template.Library()


def chip(kind: str, value: str, label: str) -> SafeString:
    """`<span class="chip priority-critical">Critical</span>`."""
    return format_html('<span class="chip {}-{}">{}</span>', kind, value, label)


@register.filter
def priority_chip(ticket: Ticket) -> SafeString:
    return chip("priority", ticket.priority, ticket.get_priority_display())


@register.filter
def state_chip(ticket: Ticket) -> SafeString:
    return chip("state", ticket.state, ticket.get_state_display())

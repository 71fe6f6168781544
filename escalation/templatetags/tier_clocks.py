"""The ticket's "Tier clocks" panel, the same on the desk and in the admin (issue 17).

One line in a page shows it, and it costs that page two queries whatever the number of
stays (`escalation.tier_clocks.ticket_tier_stays`):

    {% load tier_clocks %}{% tier_clocks ticket %}
"""

from datetime import datetime

from django import template

from ..models import Ticket
from ..tier_clocks import ticket_tier_stays

register = template.Library()


@register.inclusion_tag("escalation/tier_clocks.html")
def tier_clocks(ticket: Ticket | None, now: datetime | None = None) -> dict:
    """Each stay at a tier: who held it, from when to when, the business time used against
    the matrix target, and whether it was met. Nothing on an unsaved ticket (the admin's
    add page uses the same template)."""
    if ticket is None or ticket.pk is None:
        return {"ticket": None, "stays": []}
    return {"ticket": ticket, "stays": ticket_tier_stays(ticket, now)}

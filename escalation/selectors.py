"""Reads shared by the admin and (later) the staff views."""

from django.contrib.auth import get_user_model

from core.roles import ROLE_TIERS

from .models import Ticket
from .services import TICKET_ACTIONS, TicketAction, refusal


def support_staff():
    """Users who can own tickets: active members of a tiered role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(ROLE_TIERS))
        .distinct()
        .order_by("username")
    )


def ticket_available_actions(ticket: Ticket, user) -> list[TicketAction]:
    """The actions this user may run on this ticket right now (the buttons to show)."""
    return [a for code, a in TICKET_ACTIONS.items() if refusal(ticket, user, code) is None]


def ticket_list_queryset():
    """Tickets with everything a list row shows, in one query."""
    return Ticket.objects.select_related("customer", "category", "owner")

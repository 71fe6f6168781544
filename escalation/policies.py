"""Who may do what to a ticket: the one place the admin, the desk and the services ask.

Services enforce these answers (they raise when `refusal` gives a reason); selectors
and pages use the same answers to show only the buttons and records a user may use.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_fsm import can_proceed, has_transition_perm

from core.actors import SYSTEM_USERNAME, Actor
from core.choices import PRIORITY_RANK, Priority, Tier
from core.roles import HELPDESK, user_tier

from .models import WORK, DepartmentRequest, Ticket, TicketState

LEAD_PERMISSION = "escalation.reassign_ticket"


@dataclass(frozen=True)
class TicketAction:
    """A button: the transition it runs (if any), the words shown to the user, and its weight.

    `tone` is "primary" for the step that moves the ticket forward, "danger" for the one
    that cannot be taken back; the desk and the admin colour and place buttons by it.
    """

    code: str
    label: str
    verb: str
    transition: str | None = None
    tone: str = ""


TICKET_ACTIONS: dict[str, TicketAction] = {
    a.code: a
    for a in [
        TicketAction("open", "Take into work", "taken into work", "open", tone="primary"),
        TicketAction("escalate", "Escalate", "escalated", "escalate", tone="primary"),
        TicketAction(
            "accept_escalation",
            "Accept escalation",
            "accepted",
            "accept_escalation",
            tone="primary",
        ),
        TicketAction("return_escalation", "Return escalation", "returned", "return_escalation"),
        TicketAction("wait_on_customer", "Wait on customer", "paused", "wait_on_customer"),
        TicketAction("wait_on_department", "Wait on department", "paused", "wait_on_department"),
        TicketAction("resume", "Resume", "resumed", "resume", tone="primary"),
        TicketAction("resolve", "Resolve", "resolved", "resolve", tone="primary"),
        TicketAction("reopen", "Reopen", "reopened", "reopen"),
        TicketAction("close", "Close", "closed", "close"),
        TicketAction("cancel", "Cancel ticket", "cancelled", "cancel", tone="danger"),
        TicketAction("reassign", "Reassign", "reassigned"),
        TicketAction("record_csat", "Record CSAT", "rated"),
        TicketAction("log_contact", "Log contact or note", "updated"),
        TicketAction("request_department", "Request department help", "sent to a department"),
        TicketAction("reapply_sla", "Re-apply current SLA policy", "re-targeted"),
        TicketAction("pause_sla", "Pause SLA clocks", "paused"),
        TicketAction("resume_sla", "Resume SLA clocks", "resumed"),
        TicketAction("record_rca", "Record root-cause analysis", "documented"),
    ]
}


# When a ticket's SLA clocks run and may be paused by hand (a four-eyes action, 017).
CLOCKS_IN_WORK = (
    TicketState.NEW,
    TicketState.OPEN,
    TicketState.ESCALATED,
    TicketState.WAITING_ON_DEPARTMENT,
)


def is_lead(user) -> bool:
    return user.has_perm(LEAD_PERMISSION)


def is_helpdesk(user) -> bool:
    """The upstream helpdesk's service account (core.roles.HELPDESK). Support staff are
    never one, so their pages ask nothing more of the database (the tier is cached)."""
    if not user.is_authenticated or user_tier(user) is not None:
        return False
    cached = getattr(user, "_is_helpdesk", None)
    if cached is None:
        cached = user.groups.filter(name=HELPDESK).exists()
        user._is_helpdesk = cached
    return cached


def opened_by(user) -> Q:
    """Tickets this account opened (their creation row in the history names it): how an
    integration finds its own tickets again, whoever owns them and at whatever tier."""
    created = Ticket.history.filter(history_type="+", history_user=user).values("id")
    return Q(pk__in=created)


def is_system(user) -> bool:
    """Automatic rules act as the named system actor, which holds no permissions."""
    return user.username == SYSTEM_USERNAME and not user.is_active


def refusal(ticket: Ticket, user, code: str) -> str | None:
    """Why `user` may not run action `code` on `ticket` now, or None if they may."""
    action = TICKET_ACTIONS[code]
    state = ticket.get_state_display().lower()
    if action.transition:
        method = getattr(ticket, action.transition)
        if not can_proceed(method):
            return f"{ticket.reference} is {state}: it cannot be {action.verb} now."
        if is_system(user):
            return None
        if not has_transition_perm(method, user):
            return f"Your role may not do this: {action.label.lower()}."
    if code in ("accept_escalation", "return_escalation"):
        if is_lead(user) or user_tier(user) == ticket.tier:
            return None
        return (
            f"{ticket.reference} is escalated to {Tier(ticket.tier).label}; "
            "only that tier (or a lead) can accept or return it."
        )
    if code == "reassign":
        if not is_lead(user):
            return "Only leads can reassign tickets."
        if not ticket.is_active:
            return f"{ticket.reference} is {state}: it cannot be reassigned."
        return None
    if code == "reapply_sla":
        if not is_lead(user):
            return "Only leads can re-apply SLA policies."
        if not ticket.is_active:
            return f"{ticket.reference} is {state}: its SLA clocks have stopped."
        return None
    if code in ("pause_sla", "resume_sla"):
        if ticket.state not in CLOCKS_IN_WORK:
            return f"{ticket.reference} is {state}: its SLA clocks are not running."
        if code == "pause_sla" and ticket.sla_paused:
            return f"The SLA clocks of {ticket.reference} are already paused."
        if code == "resume_sla" and not ticket.sla_paused:
            return f"The SLA clocks of {ticket.reference} are running."
    if code in ("log_contact", "request_department") and ticket.state in (
        TicketState.CLOSED,
        TicketState.CANCELLED,
    ):
        return f"{ticket.reference} is {state}: reopen it first."
    if code == "request_department" and ticket.state not in (
        TicketState.OPEN,
        TicketState.WAITING_ON_DEPARTMENT,
    ):
        return f"{ticket.reference} is {state}: take it into work before asking a department."
    if code == "record_rca":
        if ticket.state not in (TicketState.RESOLVED, TicketState.CLOSED) or ticket.tier == 1:
            return "A root-cause analysis is recorded once an escalated ticket is resolved."
        if hasattr(ticket, "rca"):
            return f"{ticket.reference} already has its root-cause analysis."
    if code == "record_csat":
        if ticket.state not in (TicketState.RESOLVED, TicketState.CLOSED):
            return "CSAT can be recorded once the ticket is resolved."
        if not user.has_perm("escalation.change_ticket"):
            return "You may not record CSAT."
    if code == "cancel" or is_lead(user) or ticket.owner_id == user.pk:
        return None
    if code == "log_contact" and is_system(user):
        return None  # a customer's email reply, filed on the ticket its reply token names
    if code == "log_contact" and is_helpdesk(user):
        if Ticket.objects.filter(opened_by(user), pk=ticket.pk).exists():
            return None  # the customer's replies and its agents' notes, at any tier
    return f"Only the owner of {ticket.reference} (or a lead) can do this."


EDITABLE_FIELDS = (
    "subject",
    "description",
    "priority",
    "category",
    "sentiment",
    "external_reference",
)


def edit_refusal(ticket: Ticket, user, changes: dict) -> str | None:
    """Why `user` may not make these edits (shared by the service and the admin form).
    The upstream helpdesk edits the tickets it opened, as its agents change them there;
    lowering a priority still needs a lead, whoever asks."""
    if not user.has_perm("escalation.change_ticket"):
        return "You may not edit tickets."
    if not ticket.is_active and ticket.state != TicketState.RESOLVED:
        return f"{ticket.reference} is {ticket.get_state_display().lower()}: it cannot be edited."
    if not (
        is_lead(user)
        or ticket.owner_id == user.pk
        or (is_helpdesk(user) and Ticket.objects.filter(opened_by(user), pk=ticket.pk).exists())
    ):
        return f"Only the owner of {ticket.reference} (or a lead) can edit it."
    new = changes.get("priority")
    if new and PRIORITY_RANK[Priority(new)] > PRIORITY_RANK[Priority(ticket.priority)]:
        if not is_lead(user):
            return "Lowering the priority relaxes the SLA: ask a lead."
    return None


def scope_to_user(user: Actor, records: QuerySet, ticket: str = "") -> QuerySet:
    """Narrow tickets (or records of tickets, reached through `ticket`, e.g. "ticket") to
    what this user may see in the admin: an agent what the desk shows them (their own
    tickets and their tier's); leads and view-only roles (auditors) everything."""
    tier = user_tier(user)
    if is_lead(user) or tier is None:
        return records
    prefix = f"{ticket}__" if ticket else ""
    return records.filter(Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}tier": tier}))


def tickets_visible_to(user: Actor) -> QuerySet[Ticket]:
    """What a user may look at: leads everything; agents their own tickets and their
    tier's (their team's) tickets; anyone else nothing."""
    tickets = Ticket.objects.all()
    if is_lead(user):
        return tickets
    if is_helpdesk(user):
        return tickets.filter(opened_by(user))
    tier = user_tier(user)
    if tier is None:
        return tickets.none()
    return tickets.filter(Q(owner=user) | Q(tier=tier))


CREATE_TICKETS = "escalation.add_ticket"


def create_refusal(user: Actor, owner: Actor | None) -> str | None:
    """Who may open a ticket, and for whom: support staff for themselves, leads for anyone,
    the upstream helpdesk for the agent its own desk assigned (it owns none itself)."""
    if is_system(user):
        return None
    if not user.has_perm(CREATE_TICKETS):
        return "Your role may not open tickets."
    if owner is not None and owner.pk != user.pk and not (is_lead(user) or is_helpdesk(user)):
        return "Only leads open tickets for someone else."
    return None


def department_request_refusal(
    request: DepartmentRequest, user: Actor, step: str = ""
) -> str | None:
    """Who may record a department's acknowledgement or answer, close or withdraw a request
    to it: the ticket's owner, whoever asked, or a lead; never another tier's agent. A
    member of the department asked may acknowledge it too (its Acknowledge button in
    chat), and nothing more: answering, closing and withdrawing stay with support."""
    if is_system(user) or is_lead(user):
        return None
    if not user.has_perm(WORK):
        return "Your role may not change requests to departments."
    if user.pk in (request.ticket.owner_id, request.requested_by_id):
        return None
    if step == "acknowledge" and request.department.members.filter(pk=user.pk).exists():
        return None
    return (
        f"Only the owner of {request.ticket.reference}, whoever asked {request.department}, "
        "or a lead can change this request."
    )

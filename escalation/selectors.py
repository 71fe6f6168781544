"""Reads shared by the admin and the desk: annotated querysets, no N+1."""

from django.contrib.auth import get_user_model
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contacts.routing import email_of, route
from core.choices import PRIORITY_RANK, Priority
from core.roles import ROLE_TIERS, user_tier

from .models import (
    Customer,
    Escalation,
    EscalationState,
    Plan,
    RefusedEscalation,
    SlaStatus,
    Ticket,
)
from .models.tickets import QueueRank
from .policies import TICKET_ACTIONS, TicketAction, refusal, tickets_visible_to


def support_staff():
    """Users who can own tickets: active members of a tiered role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(ROLE_TIERS))
        .distinct()
        .order_by("username")
    )


def ticket_available_actions(ticket: Ticket, user) -> list[TicketAction]:
    """The actions this user may run on this ticket right now (the buttons to show).

    The step forward comes first and the irreversible one last, set apart from the rest.
    """
    allowed = [a for code, a in TICKET_ACTIONS.items() if refusal(ticket, user, code) is None]
    weight = {"primary": 0, "": 1, "danger": 2}
    return sorted(allowed, key=lambda a: weight[a.tone])


def sla_status_conditions(now) -> dict[str, Q]:
    """Each SLA status as a condition on the ticket's own indexed columns, most urgent first."""
    counting = Q(sla_paused=False, sla_due_at__isnull=False)
    return {
        SlaStatus.BREACHED: counting & Q(sla_due_at__lte=now),
        SlaStatus.AT_RISK: counting & Q(sla_due_at__gt=now, sla_warn_at__lte=now),
        SlaStatus.ON_TRACK: counting
        & Q(sla_due_at__gt=now)
        & (Q(sla_warn_at__isnull=True) | Q(sla_warn_at__gt=now)),
        SlaStatus.PAUSED: Q(sla_paused=True),
        SlaStatus.NONE: Q(sla_paused=False, sla_due_at__isnull=True),
    }


def with_sla_status(queryset, now=None):
    """Annotate `sla_status` and `sla_rank` (0 = breached ... 4 = none) in SQL."""
    conditions = sla_status_conditions(now or timezone.now())
    return queryset.annotate(
        sla_status=Case(
            *[When(q, then=Value(s)) for s, q in conditions.items()], default=Value(SlaStatus.NONE)
        ),
        sla_rank=Case(
            *[When(q, then=Value(i)) for i, q in enumerate(conditions.values())],
            default=Value(len(conditions)),
            output_field=IntegerField(),
        ),
    )


def ticket_list_queryset(now=None):
    """Tickets with everything a list row shows (incl. SLA status), in one query."""
    return with_sla_status(Ticket.objects.select_related("customer", "category", "owner"), now)


def ticket_search(queryset, term: str):
    """Tickets by reference (ESC-000123 or 123), external reference, subject (contains,
    any case), customer name or email.

    A reference typed with its prefix is a primary-key lookup and nothing else. Otherwise
    customers are matched first (a small table), then tickets by customer ID, so a search
    never runs LIKE over the ticket table joined to customers; the subject is the one
    LIKE over the ticket table itself.
    """
    term = (term or "").strip()
    if not term:
        return queryset
    pk = Ticket.pk_from_reference(term)
    if pk is not None and term.upper().startswith("ESC-"):
        return queryset.filter(pk=pk)
    customers = Customer.objects.filter(Q(name__icontains=term) | Q(email__icontains=term)).values(
        "pk"
    )
    # Exact (indexed) match on the upstream reference, as typed or upper-cased.
    match = (
        Q(customer_id__in=customers)
        | Q(external_reference__in={term, term.upper()})
        | Q(subject__icontains=term)
    )
    if pk is not None:
        match |= Q(pk=pk)
    return queryset.filter(match)


def ticket_route(ticket: Ticket, at=None):
    """Where this ticket's category goes right now: department, channel or on-call person,
    and whom to copy (the category's copy departments, and an enterprise/VIP customer's CSM).
    """
    at = at or timezone.now()
    customer = ticket.customer
    result = route(
        ticket.category.route_to,
        at=at,
        critical=ticket.priority == Priority.CRITICAL,
        enterprise=customer.plan == Plan.ENTERPRISE,
    )
    copies = [email_of(d) for d in ticket.category.copy_to.all()]
    manager = customer.success_manager
    if (customer.plan == Plan.ENTERPRISE or customer.is_vip) and manager and manager.email:
        copies.append(manager.email)
    result.copies.extend(c for c in dict.fromkeys(copies) if c)
    return result


def desk_queue(user, now=None):
    """My active tickets, most urgent first: breached, at risk, on track (each by next
    deadline), then paused, then those with no running target; oldest first on a tie.

    The whole list in one queryset; the queue page reads it a page at a time through
    `desk_queue_segments` instead.
    """
    return with_sla_status(
        Ticket.objects.filter(owner=user, queue_rank__isnull=False).select_related(
            "customer", "category"
        ),
        now,
    ).order_by("sla_rank", F("sla_due_at").asc(nulls_last=True), "created_at", "pk")


# Which of `desk_queue_segments` have a deadline (the others' `sla_due_at` is empty).
QUEUE_SEGMENT_HAS_DEADLINE = (True, True, True, True, False, False)


def desk_queue_segments(user, now=None) -> list:
    """`desk_queue` as six consecutive segments, each read in (sla_due_at, created_at, pk)
    order as one range of the `ticket_queue_idx` index (issue 18): breached, at risk, on
    track, paused with a deadline kept, paused, no running target. The segments depend on
    `now`; the stored `queue_rank` does not."""
    now = now or timezone.now()
    mine = Ticket.objects.filter(owner=user).select_related("customer", "category")
    running = mine.filter(queue_rank=QueueRank.RUNNING)
    segments = [
        (SlaStatus.BREACHED, running.filter(sla_due_at__lte=now)),
        (SlaStatus.AT_RISK, running.filter(sla_due_at__gt=now, sla_warn_at__lte=now)),
        (
            SlaStatus.ON_TRACK,
            running.filter(
                Q(sla_warn_at__isnull=True) | Q(sla_warn_at__gt=now), sla_due_at__gt=now
            ),
        ),
        (SlaStatus.PAUSED, mine.filter(queue_rank=QueueRank.PAUSED_WITH_DEADLINE)),
        (SlaStatus.PAUSED, mine.filter(queue_rank=QueueRank.PAUSED, sla_due_at__isnull=True)),
        (SlaStatus.NONE, mine.filter(queue_rank=QueueRank.NO_TARGET, sla_due_at__isnull=True)),
    ]
    # The segment is the status: no CASE to compile or evaluate.
    return [queryset.annotate(sla_status=Value(status)) for status, queryset in segments]


def desk_queue_size(user, cap: int) -> int:
    """How many active tickets I own, counted no further than `cap` + 1 (so "more than
    `cap`" shows as such without counting them all)."""
    mine = Ticket.objects.filter(owner=user, queue_rank__isnull=False).order_by()
    return mine[: cap + 1].count()


def priority_rank():
    """The ticket's priority as a number to sort by, critical (0) first."""
    return Case(
        *[When(ticket__priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
        default=Value(len(PRIORITY_RANK)),
        output_field=IntegerField(),
    )


def escalations_waiting_for(user):
    """Hand-offs to my tier nobody has accepted yet (001: acknowledge in 15 min): the most
    urgent ticket first (critical ... low), then the soonest SLA deadline, then the oldest.
    """
    tier = user_tier(user)
    waiting = Escalation.objects.filter(state=EscalationState.REQUESTED).select_related(
        "ticket__customer", "requested_by"
    )
    if not user.has_perm("escalation.reassign_ticket"):
        waiting = waiting.filter(to_tier=tier).exclude(requested_by=user)
    return waiting.annotate(priority_rank=priority_rank()).order_by(
        "priority_rank", F("ticket__sla_due_at").asc(nulls_last=True), "requested_at", "pk"
    )


def ticket_for_user(user, pk: int) -> Ticket:
    """Fetch and authorize in one step: a ticket this user may see, or 404 (never a leak)."""
    return get_object_or_404(
        tickets_visible_to(user).select_related(
            "customer__success_manager", "category__route_to", "owner"
        ),
        pk=pk,
    )


def ticket_refused_escalations(ticket: Ticket) -> list[RefusedEscalation]:
    """Automatic escalations this ticket should have had but could not (identity not
    verified, ticket closed): shown on its pages until someone acts on them by hand."""
    return list(RefusedEscalation.objects.filter(ticket=ticket).order_by("-refused_at")[:10])

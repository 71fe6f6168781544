"""Tickets: create, edit, take into work, pause, resume, reassign, cancel, re-target.

Each action locks the ticket row, checks who may do it (`escalation.policies`), runs the
FSM transition, saves with the acting user and a change reason in the history, and
queues side effects on commit (`services.base` holds those steps). Hand-offs, resolution
and customer records have their own modules.
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.choices import PRIORITY_RANK, Priority
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from core.roles import user_tier
from sla import services as sla
from sla.models import ClockKind, ClockPause

from .. import clocks, events, holds
from ..models import (
    ApprovalKind,
    ApprovalRequest,
    Category,
    Customer,
    Sentiment,
    Ticket,
)
from ..policies import CLOCKS_IN_WORK, EDITABLE_FIELDS, create_refusal, edit_refusal, is_lead
from . import approval_gate as approvals
from .automation import after_ticket_created
from .base import check_allowed, errors_text, lock_ticket, required, run_action, save_ticket

# The clocks a manual pause stops (as waiting on the customer does), and when it may.
PAUSABLE = (ClockKind.RESOLUTION, ClockKind.NEXT_UPDATE, ClockKind.TIER)


def ticket_input_errors(
    *, customer: Customer | None, category: Category | None, owner: Actor | None
) -> dict[str, list[str]]:
    """Field errors for a new ticket's references (shared by the service and admin forms)."""
    errors: dict[str, list[str]] = {}
    if customer is None:
        errors["customer"] = ["Choose the customer."]
    if category is None:
        errors["category"] = ["Choose a category from the decision matrix."]
    elif not category.is_active:
        errors["category"] = [f"Category '{category}' is retired; choose an active one."]
    if owner is None:
        errors["owner"] = ["Every ticket needs an accountable owner."]
    elif not owner.is_active or user_tier(owner) is None:
        errors["owner"] = [f"{owner} is not an active support agent."]
    return errors


def ticket_create(
    *,
    actor: Actor,
    customer: Customer | None,
    category: Category | None,
    subject: str,
    owner=None,
    description: str = "",
    priority: str | None = None,
    external_reference: str = "",
    sentiment: str = Sentiment.CALM,
) -> Ticket:
    """Open a new ticket owned by `owner` (default: the actor) at tier L1.

    The priority defaults from the category. Raises InvalidInput naming each bad field.
    """
    refused = create_refusal(actor, owner)
    if refused:
        raise PermissionRefused(refused)
    owner = owner or actor
    errors = ticket_input_errors(customer=customer, category=category, owner=owner)
    if not (subject or "").strip():
        errors["subject"] = ["Give the ticket a subject."]
    elif not one_line(subject):
        errors["subject"] = ["Write the subject on one line."]
    if priority and priority not in Priority.values:
        errors["priority"] = [f"Unknown priority '{priority}'."]
    if errors or category is None:
        raise InvalidInput(
            "The ticket was not created: " + errors_text(errors), field_errors=errors
        )
    with transaction.atomic():
        ticket = Ticket(
            customer=customer,
            category=category,
            owner=owner,
            subject=subject.strip(),
            description=description,
            priority=priority or category.default_priority,
            external_reference=external_reference.strip(),
            sentiment=sentiment,
        )
        # The deadlines belong to the creation itself: its one history row ("+") has them.
        clocks.plan_start(ticket, ticket.created_at)
        save_audited(ticket, actor=actor, reason="create")
        clocks.start(ticket, ticket.created_at)  # the clock rows need the primary key
        after_ticket_created(ticket)
        events.ticket_created.send(Ticket, ticket=ticket, actor=actor)
    return ticket


def one_line(text: str) -> bool:
    """No line break or NUL (a subject travels in email headers)."""
    return not any(c in text for c in "\r\n\x00")


def ticket_update(
    *, ticket: Ticket, actor: Actor, changes: dict, approval: ApprovalRequest | None = None
) -> Ticket | holds.Held:
    """Edit the descriptive fields of an active ticket (not its state, owner or tier).

    Lowering the priority relaxes the SLA: with its four-eyes rule on (issue 17), the
    priority stays (the other edits go ahead) and a `Held` comes back, its record the
    request for a second person's approval; `approval` is the approved request that
    carries it out.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be edited here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = lock_ticket(ticket)
        changes = {f: v for f, v in changes.items() if getattr(locked, f) != v}
        message = edit_refusal(locked, actor, changes)
        if message:
            raise PermissionRefused(message)
        if "category" in changes:
            errors = ticket_input_errors(
                customer=locked.customer, category=changes["category"], owner=locked.owner
            )
            if "category" in errors:
                raise InvalidInput(errors["category"][0], field_errors=errors)
        if not changes:
            return locked
        if "subject" in changes and not one_line(str(changes["subject"])):
            message = "Write the subject on one line."
            raise InvalidInput(message, field_errors={"subject": [message]})
        new, wait = changes.get("priority"), None
        if new and PRIORITY_RANK[Priority(new)] > PRIORITY_RANK[Priority(locked.priority)]:
            wait = approvals.approval_gate(
                ticket=locked,
                actor=actor,
                kind=ApprovalKind.PRIORITY_DOWNGRADE,
                change={"priority": new},
                summary=f"lower {locked.reference} from {locked.get_priority_display()} "
                f"to {Priority(new).label}",
                reason="",
                approval=approval,
            )
            if wait is not None:  # the other edits go ahead; the priority waits
                changes.pop("priority")
                if not changes:
                    return wait
        for field, value in changes.items():
            setattr(locked, field, value)
        reason = "edit: " + ", ".join(sorted(changes)) + approvals.approved_note(approval)
        fields = list(changes)
        if {"priority", "category"} & set(changes) and locked.is_active:
            version = clocks.reapply(locked)
            reason += f" (SLA re-targeted to policy v{version})"
            fields += clocks.SLA_FIELDS
        save_ticket(locked, actor, reason, fields)
    if wait is not None:
        return holds.Held(f"The other changes are saved. {wait.message}", wait.record)
    return locked


# --- the lifecycle --------------------------------------------------------------------


@transaction.atomic
def ticket_open(*, ticket: Ticket, actor: Actor, reason: str = "") -> Ticket:
    """Take a new ticket into work; the first response time is recorded."""
    locked = lock_ticket(ticket)
    first_response = locked.first_response_at or timezone.now()
    return run_action(locked, actor, "open", reason, first_response_at=first_response)


@transaction.atomic
def ticket_wait_on_customer(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    return run_action(
        ticket, actor, "wait_on_customer", required(reason, "What you need from them")
    )


@transaction.atomic
def ticket_wait_on_department(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    return run_action(ticket, actor, "wait_on_department", required(reason, "What you asked for"))


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor: Actor, reason: str = "") -> Ticket:
    return run_action(ticket, actor, "resume", reason)


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    """Leads only: withdraw a ticket (duplicate, spam, opened by mistake)."""
    return run_action(ticket, actor, "cancel", required(reason, "The reason for cancelling"))


@transaction.atomic
def ticket_reassign(*, ticket: Ticket, actor: Actor, owner, reason: str) -> Ticket:
    """Leads only: give the ticket another accountable owner."""
    reason = required(reason, "The reason for reassigning")
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "reassign")
    errors = ticket_input_errors(customer=locked.customer, category=locked.category, owner=owner)
    if "owner" in errors:
        raise InvalidInput(errors["owner"][0], field_errors={"owner": errors["owner"]})
    if owner.pk == locked.owner_id:
        raise InvalidInput(f"{owner} already owns {locked.reference}.")
    return run_action(locked, actor, "reassign", f"to {owner}: {reason}", owner=owner)


@transaction.atomic
def ticket_reapply_sla(
    *, ticket: Ticket, actor: Actor, reason: str = "", approval: ApprovalRequest | None = None
) -> Ticket | holds.Held:
    """Leads: move a running ticket onto the current SLA policy version (an override of
    the targets it started with: with its four-eyes rule on, a second person approves)."""
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "reapply_sla")
    # The approver approves this version, not whatever the policy says when they click.
    version = clocks.targets(locked).policy_version
    if approval is not None and approval.change.get("policy_version") != version:
        raise TransitionRefused(
            f"The SLA policy changed since re-applying v{approval.change.get('policy_version')} "
            f"was asked (it is v{version} now): reject this request and ask again."
        )
    wait = approvals.approval_gate(
        ticket=locked,
        actor=actor,
        kind=ApprovalKind.SLA_REAPPLY,
        change={"policy_version": version},
        summary=f"re-apply SLA policy v{version} to {locked.reference}",
        reason=reason,
        approval=approval,
    )
    if wait is not None:
        return wait
    applied = clocks.reapply(locked)
    text = f"reapply_sla: policy v{applied}" + (f": {reason}" if reason else "")
    save_ticket(locked, actor, text + approvals.approved_note(approval), clocks.SLA_FIELDS)
    return locked


@transaction.atomic
def ticket_pause_clocks(
    *, ticket: Ticket, actor: Actor, reason: str, approval: ApprovalRequest | None = None
) -> Ticket | holds.Held:
    """Stop the SLA clocks of a ticket in work for a reason the policy does not name (its
    only reason is waiting on the customer, which pauses by itself): the owner or a lead
    asks, and with its four-eyes rule on a second person approves. The clocks count again
    with `ticket_resume_clocks`, or when the ticket waits on the customer and resumes."""
    reason = required(reason, "The reason for pausing the SLA clocks")
    locked = lock_ticket(ticket)
    _check_clock_owner(locked, actor)
    if locked.sla_paused:
        raise InvalidInput(f"The SLA clocks of {locked.reference} are already paused.")
    wait = approvals.approval_gate(
        ticket=locked,
        actor=actor,
        kind=ApprovalKind.CLOCK_PAUSE,
        change={},
        summary=f"pause the SLA clocks of {locked.reference}",
        reason=reason,
        approval=approval,
    )
    if wait is not None:
        return wait
    at = timezone.now()
    for clock in sla.running_clocks(locked, *PAUSABLE):
        sla.clock_pause(clock=clock, at=at, reason=ClockPause.Reason.OTHER)
    clocks.refresh(locked)
    text = f"pause_sla: {reason}" + approvals.approved_note(approval)
    save_ticket(locked, actor, text, clocks.SLA_FIELDS)
    return locked


@transaction.atomic
def ticket_resume_clocks(*, ticket: Ticket, actor: Actor, reason: str = "") -> Ticket:
    """Let the SLA clocks of a manually paused ticket count again (no approval needed:
    it only tightens the SLA)."""
    locked = lock_ticket(ticket)
    _check_clock_owner(locked, actor)
    at = timezone.now()
    manual = (
        sla.running_clocks(locked)
        .filter(pauses__ended_at__isnull=True, pauses__reason=ClockPause.Reason.OTHER)
        .distinct()
    )
    if not manual:
        raise InvalidInput(f"No SLA clock of {locked.reference} is paused by hand.")
    for clock in manual:
        sla.clock_resume(clock=clock, at=at)
    clocks.hold_for_incident(locked, at)  # a running incident still holds them (issue 17)
    clocks.refresh(locked)
    save_ticket(locked, actor, "resume_sla" + (f": {reason}" if reason else ""), clocks.SLA_FIELDS)
    return locked


def _check_clock_owner(ticket: Ticket, actor: Actor) -> None:
    if not (is_lead(actor) or ticket.owner_id == actor.pk):
        raise PermissionRefused(f"Only the owner of {ticket.reference} (or a lead) can do this.")
    if ticket.state not in CLOCKS_IN_WORK:
        state = ticket.get_state_display().lower()
        raise TransitionRefused(f"{ticket.reference} is {state}: its SLA clocks are not running.")

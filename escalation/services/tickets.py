"""Every write on customers' tickets: one function per business action.

Each action locks the ticket row, checks who may do it, runs the FSM transition,
saves with the acting user and a change reason in the history, and queues side
effects with transaction.on_commit. Views and the admin only call these.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from core.choices import Priority, Tier
from core.errors import (
    ConcurrentChange,
    InvalidInput,
    PermissionRefused,
    TransitionRefused,
)
from core.roles import user_tier
from verification.models import USABLE_STATES, VerificationState

from .. import clocks
from ..models import Category, Customer, Sentiment, StayEnd, Ticket
from ..policies import EDITABLE_FIELDS, TICKET_ACTIONS, edit_refusal, refusal


def _check(ticket: Ticket, user, code: str) -> None:
    message = refusal(ticket, user, code)
    if message:
        action = TICKET_ACTIONS[code]
        if action.transition and not can_proceed(getattr(ticket, action.transition)):
            raise TransitionRefused(message)
        raise PermissionRefused(message)


# --- helpers --------------------------------------------------------------------------


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update().select_related("customer", "category").get(pk=pk)


def _save(ticket: Ticket, actor, reason: str, fields: list[str]) -> None:
    ticket._history_user = actor
    ticket._change_reason = reason[:2000]
    try:
        ticket.save(update_fields=sorted({*fields, "updated_at"}))
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            f"{ticket.reference} was changed by someone else meanwhile; reload and try again."
        ) from exc
    finally:
        # simple_history would reuse a stale reason on the next save of this instance.
        del ticket._change_reason


def _save_record(escalation, actor, reason: str) -> None:
    """Save a workflow record (hand-off, department request) with who and why in history."""
    escalation._history_user = actor
    escalation._change_reason = reason[:2000]
    try:
        escalation.save()
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            "This escalation was accepted or returned by someone else meanwhile."
        ) from exc
    finally:
        del escalation._change_reason


def _run(
    ticket: Ticket, actor, code: str, reason: str, *, on_behalf: bool = False, **changes
) -> Ticket:
    """Lock, check, transition, apply changes, save with history. Caller holds a transaction.

    `on_behalf`: a consequence of something `actor` recorded (a department's answer), so
    only the state is checked, not whether the actor owns the ticket; the history still
    names the actor.
    """
    locked = _lock(ticket)
    if on_behalf:
        transition = TICKET_ACTIONS[code].transition
        if not can_proceed(getattr(locked, transition)):
            raise TransitionRefused(refusal(locked, actor, code) or "Not allowed now.")
    else:
        _check(locked, actor, code)
    action = TICKET_ACTIONS[code]
    if action.transition:
        getattr(locked, action.transition)()
    for field, value in changes.items():
        setattr(locked, field, value)
    fields = list(changes)
    if action.transition:
        clocks.on_transition(locked, action.transition, timezone.now())
        fields += ["state", *clocks.SLA_FIELDS]
    text = f"{code}: {reason}" if reason else code
    _save(locked, actor, text, fields)
    return locked


def stay_end(ticket: Ticket, actor, at, how: str, why: str) -> None:
    """The ticket leaves its tier (a new hand-off, or resolved): end the stay it began
    when the hand-off to that tier was accepted. Caller holds the ticket's lock."""
    from ..models import Escalation, EscalationState

    stay = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, state=EscalationState.ACCEPTED, to_tier=ticket.tier)
        .filter(left_at__isnull=True)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    if stay is not None:
        since = stay.resumed_at or stay.accepted_at
        earlier = stay.time_at_tier if stay.resumed_at else timedelta(0)
        stay.time_at_tier = (earlier or timedelta(0)) + (at - since)
        stay.left_at, stay.left_by, stay.resumed_at = at, how, None
        _save_record(stay, actor, why)


def stay_resume(ticket: Ticket, actor, why: str) -> None:
    """Back at a tier it had left (reopened, or a hand-off above was returned). The time
    already spent there stays counted; the new stretch is added when it leaves again."""
    from ..models import Escalation, EscalationState

    stay = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, state=EscalationState.ACCEPTED, to_tier=ticket.tier)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    if stay is not None and stay.left_at is not None:
        stay.left_at, stay.left_by, stay.resumed_at = None, "", timezone.now()
        _save_record(stay, actor, why)


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            f"{what} is required.", field_errors={"reason": [f"{what} is required."]}
        )
    return value


# --- creating and editing -------------------------------------------------------------


def ticket_input_errors(*, customer, category, owner) -> dict[str, list[str]]:
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
    actor,
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
    owner = owner or actor
    errors = ticket_input_errors(customer=customer, category=category, owner=owner)
    if not (subject or "").strip():
        errors["subject"] = ["Give the ticket a subject."]
    if priority and priority not in Priority.values:
        errors["priority"] = [f"Unknown priority '{priority}'."]
    if errors:
        raise InvalidInput("The ticket was not created: " + _summary(errors), field_errors=errors)
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
        ticket._history_user = actor
        ticket._change_reason = "create"
        ticket.save()
        del ticket._change_reason
        clocks.start(ticket, ticket.created_at)  # needs the primary key
        Ticket.objects.filter(pk=ticket.pk).update(
            **{f: getattr(ticket, f) for f in clocks.SLA_FIELDS}
        )
        # The clocks' deadlines belong to the creation itself: complete its one history
        # row ("+") rather than adding a second row for derived columns.
        ticket.history.filter(history_type="+").update(
            **{f: getattr(ticket, f) for f in clocks.SLA_FIELDS}
        )
        from .. import rules

        rules.rule_media_customer(ticket)
        rules.rule_vip_account(ticket)
        rules.rule_possible_incident(ticket)
    return ticket


def ticket_update(*, ticket: Ticket, actor, changes: dict) -> Ticket:
    """Edit the descriptive fields of an active ticket (not its state, owner or tier)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be edited here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = _lock(ticket)
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
        for field, value in changes.items():
            setattr(locked, field, value)
        reason = "edit: " + ", ".join(sorted(changes))
        fields = list(changes)
        if {"priority", "category"} & set(changes) and locked.is_active:
            version = clocks.reapply(locked)
            reason += f" (SLA re-targeted to policy v{version})"
            fields += clocks.SLA_FIELDS
        _save(locked, actor, reason, fields)
    return locked


def _summary(errors: dict[str, list[str]]) -> str:
    return " ".join(msg for messages in errors.values() for msg in messages)


# --- the lifecycle --------------------------------------------------------------------


@transaction.atomic
def ticket_open(*, ticket: Ticket, actor, reason: str = "") -> Ticket:
    """Take a new ticket into work; the first response time is recorded."""
    locked = _lock(ticket)
    changes = {} if locked.first_response_at else {"first_response_at": timezone.now()}
    return _run(locked, actor, "open", reason, **changes)


@transaction.atomic
def ticket_wait_on_customer(*, ticket: Ticket, actor, reason: str) -> Ticket:
    return _run(ticket, actor, "wait_on_customer", _required(reason, "What you need from them"))


@transaction.atomic
def ticket_wait_on_department(*, ticket: Ticket, actor, reason: str) -> Ticket:
    return _run(ticket, actor, "wait_on_department", _required(reason, "What you asked for"))


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor, reason: str = "") -> Ticket:
    return _run(ticket, actor, "resume", reason)


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor, summary: str, customer_confirmed: bool | None = None
) -> Ticket:
    """Resolve with a summary and the customer's confirmation, or a recorded attempt to get it
    (001 "Confirm resolution with customer"): True confirmed, False asked without answer.

    An escalated ticket then owes a root-cause analysis within 48 hours (its RCA clock).
    """
    errors = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = ["Say how the issue was resolved."]
    if customer_confirmed is None:
        errors["customer_confirmed"] = [
            "Confirm the resolution with the customer, or record that you asked."
        ]
    if errors:
        raise InvalidInput(
            "A resolution summary and the customer's confirmation (or attempt) are required.",
            field_errors=errors,
        )
    now = timezone.now()
    resolved = _run(
        ticket,
        actor,
        "resolve",
        "customer confirmed" if customer_confirmed else "confirmation requested",
        resolution_summary=summary,
        resolved_at=now,
        resolved_after=now - ticket.created_at,
        customer_confirmed=customer_confirmed,
    )
    stay_end(resolved, actor, resolved.resolved_at, StayEnd.RESOLVED, "left the tier: resolved")
    return resolved


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, reason: str) -> Ticket:
    reopened = _run(
        ticket,
        actor,
        "reopen",
        _required(reason, "The reason for reopening"),
        resolved_at=None,
        resolved_after=None,
    )
    stay_resume(reopened, actor, "back at the tier: reopened")
    return reopened


@transaction.atomic
def ticket_close(
    *,
    ticket: Ticket,
    actor,
    reason: str = "",
    resolved_by_specialist: bool | None = None,
    first_level_possible: bool | None = None,
) -> Ticket:
    """Close; an escalated ticket records the outcome 003 asks to track (Post-Escalation)."""
    locked = _lock(ticket)
    if locked.tier > Tier.L1 and None in (resolved_by_specialist, first_level_possible):
        errors = {
            f: ["Answer this for an escalated ticket."]
            for f, v in (
                ("resolved_by_specialist", resolved_by_specialist),
                ("first_level_possible", first_level_possible),
            )
            if v is None
        }
        raise InvalidInput(
            "Record whether the specialised team resolved it and whether the first level "
            "could have.",
            field_errors=errors,
        )
    return _run(
        locked,
        actor,
        "close",
        reason,
        closed_at=timezone.now(),
        resolved_by_specialist=resolved_by_specialist,
        first_level_possible=first_level_possible,
    )


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """Leads only: withdraw a ticket (duplicate, spam, opened by mistake)."""
    return _run(ticket, actor, "cancel", _required(reason, "The reason for cancelling"))


@transaction.atomic
def ticket_reassign(*, ticket: Ticket, actor, owner, reason: str) -> Ticket:
    """Leads only: give the ticket another accountable owner."""
    reason = _required(reason, "The reason for reassigning")
    locked = _lock(ticket)
    _check(locked, actor, "reassign")
    errors = ticket_input_errors(customer=locked.customer, category=locked.category, owner=owner)
    if "owner" in errors:
        raise InvalidInput(errors["owner"][0], field_errors={"owner": errors["owner"]})
    if owner.pk == locked.owner_id:
        raise InvalidInput(f"{owner} already owns {locked.reference}.")
    return _run(locked, actor, "reassign", f"to {owner}: {reason}", owner=owner)


@transaction.atomic
def ticket_record_csat(*, ticket: Ticket, actor, score: int) -> Ticket:
    """Record the customer's satisfaction score (1-5) after resolution."""
    if score not in range(1, 6):
        raise InvalidInput("CSAT is a score from 1 to 5.", field_errors={"score": ["1 to 5."]})
    rated = _run(ticket, actor, "record_csat", str(score), csat=score)
    from .. import rules

    rules.rule_low_csat(rated)
    return rated


@transaction.atomic
def ticket_reapply_sla(*, ticket: Ticket, actor, reason: str = "") -> Ticket:
    """Leads: move a running ticket onto the current SLA policy version."""
    locked = _lock(ticket)
    _check(locked, actor, "reapply_sla")
    version = clocks.reapply(locked)
    text = f"reapply_sla: policy v{version}" + (f": {reason}" if reason else "")
    _save(locked, actor, text, clocks.SLA_FIELDS)
    return locked


@transaction.atomic
def customer_document_verification(*, request, actor) -> Customer | None:
    """Write a verification's outcome on the customer's record, so it shows in its history."""
    customer = Customer.objects.select_for_update().filter(pk=request.subject_id).first()
    if customer is None:
        return None
    reason = (
        f"identity {request.get_state_display().lower()}: {request.risk_level} risk, "
        f"verification #{request.pk} ({request.action.name})"
    )
    fields = []
    if request.state in USABLE_STATES:
        customer.identity_verified_level = request.risk_level
        customer.identity_verified_at = timezone.now()
        fields = ["identity_verified_level", "identity_verified_at"]
    elif request.state not in (VerificationState.LOCKED, VerificationState.REJECTED):
        return customer  # expiry of an unused request changes nothing on the record
    customer._history_user = actor
    customer._change_reason = reason
    customer.save(update_fields=fields or None)
    del customer._change_reason
    return customer


@transaction.atomic
def ticket_record_rca(
    *,
    ticket: Ticket,
    actor,
    root_cause: str,
    preventive_actions: str,
    knowledge_base_updated: bool,
    contributing_factors: str = "",
) -> Ticket:
    """Document the root cause of a resolved escalation (001 RCA template); stops its clock."""
    from ..models import RootCauseAnalysis

    errors = {
        f: ["Required."]
        for f, v in (("root_cause", root_cause), ("preventive_actions", preventive_actions))
        if not (v or "").strip()
    }
    if errors:
        raise InvalidInput("Give the root cause and the preventive actions.", field_errors=errors)
    locked = _lock(ticket)
    _check(locked, actor, "record_rca")
    rca = RootCauseAnalysis(
        ticket=locked,
        root_cause=root_cause.strip(),
        contributing_factors=(contributing_factors or "").strip(),
        preventive_actions=preventive_actions.strip(),
        knowledge_base_updated=knowledge_base_updated,
        completed_by=actor,
    )
    rca._history_user = actor
    rca.save()
    clocks.rca_documented(locked, rca.completed_at)
    _save(locked, actor, "record_rca", [])
    return locked

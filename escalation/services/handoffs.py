"""Tier hand-offs: request (with a complete hand-off), accept, return (001, 003, 000 §4.1),
and the stays at a tier that hand-offs begin and end (time at tier, for the metrics).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.choices import Priority, Tier
from core.errors import InvalidInput, PermissionRefused
from verification.services import missing_verification, valid_verification

from .. import events, holds, notifications, rules
from ..accounting import Stay, ended_stay, first_escalation, resumed_stay
from ..models import (
    AUTOMATIC_TRIGGERS,
    Escalation,
    EscalationState,
    EscalationType,
    HandoffInfo,
    StayEnd,
    Ticket,
    Trigger,
)
from .alerts import alert_repeat_escalations
from .base import check_allowed, errors_text, lock_ticket, required, run_action, save_record

# Hand-off items every escalation must carry (001 "Internal Escalation Handoff").
REQUIRED_TEXT = {
    "summary": "summary of the issue",
    "impact": "impact (what is affected)",
    "ongoing_since": "how long it has been going on",
    "why_escalating": "why escalating",
    "questions": "specific questions for the next tier",
    "customer_expectation": "the customer's expectation",
    "business_impact": "business impact",
    "sentiment": "customer sentiment",
}
HANDOFF_FIELDS = (*REQUIRED_TEXT, "troubleshooting", "customer_blocked", "required_info")


def handoff_errors(ticket: Ticket, handoff: dict) -> dict[str, list[str]]:
    """Every missing item of a manual hand-off, by field (empty: complete)."""
    errors: dict[str, list[str]] = {}
    for field, label in REQUIRED_TEXT.items():
        if not str(handoff.get(field) or "").strip():
            errors[field] = [f"Missing: {label}."]
    category = ticket.category
    if (
        category.troubleshooting_required
        and ticket.priority != Priority.CRITICAL
        and not str(handoff.get("troubleshooting") or "").strip()
    ):
        errors["troubleshooting"] = [
            "Missing: troubleshooting steps with their results (required before escalating "
            "anything but a critical issue)."
        ]
    info = handoff.get("required_info") or {}
    missing = [
        HandoffInfo(code).label
        for code in category.required_info
        if code != HandoffInfo.VERIFICATION_DETAILS and not str(info.get(code) or "").strip()
    ]
    if missing:
        errors["required_info"] = [f"Missing for '{category}': {', '.join(missing)}."]
    return errors


def verification_summary(customer, level: str) -> str:
    request = valid_verification(customer, level) if level != "none" else None
    if request is None:
        return "no identity verification required"
    factors = ", ".join(f.get_kind_display().lower() for f in request.factors.filter(matched=True))
    return (
        f"verification #{request.pk}: {request.get_risk_level_display()} "
        f"{request.get_state_display().lower()} ({factors})"
    )


def stay_end(ticket: Ticket, actor: Actor, at: datetime, how: str, why: str) -> None:
    """The ticket leaves its tier (a new hand-off, or resolved): end the stay it began
    when the hand-off to that tier was accepted. Caller holds the ticket's lock."""
    stay = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, state=EscalationState.ACCEPTED, to_tier=ticket.tier)
        .filter(left_at__isnull=True)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    if stay is not None:
        ended_stay(Stay.of(stay), at=at, how=how).apply(stay)
        save_record(stay, actor, why)


def stay_resume(ticket: Ticket, actor: Actor, why: str) -> None:
    """Back at a tier it had left (reopened, or a hand-off above was returned). The time
    already spent there stays counted; the new stretch is added when it leaves again."""
    stay = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, state=EscalationState.ACCEPTED, to_tier=ticket.tier)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    resumed = resumed_stay(Stay.of(stay), at=timezone.now()) if stay is not None else None
    if stay is not None and resumed is not None:
        resumed.apply(stay)
        save_record(stay, actor, why)


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    actor: Actor,
    to_tier: int,
    reason: str,
    handoff: dict | None = None,
    escalation_type: str = EscalationType.FUNCTIONAL,
    trigger: str = Trigger.LACKS_EXPERTISE,
    target_team=None,
    target_specialist=None,
) -> Ticket | holds.Held:
    """Hand the ticket up a tier with a complete hand-off; it waits there until accepted.

    A manual escalation missing any required item (including the category's required
    information and, unless critical, troubleshooting steps) is refused naming each
    one, and nothing is saved. Automatic rules hand off what the ticket knows. The
    receiving tier (and an enterprise/VIP customer's CSM) is told after commit.
    A complete manual hand-off that a hold hook keeps for review (a trainee's, 003
    "Training & Resources") changes nothing: the `Held` is returned instead.
    """
    reason = required(reason, "The reason for escalating")
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "escalate")
    missing = missing_verification(locked.customer, locked.category.verification_level)
    if missing:  # 003: "Verify identity first" before escalating sensitive categories
        raise InvalidInput(missing, field_errors={"verification": [missing]})
    if to_tier not in Tier.values or to_tier <= locked.tier:
        raise InvalidInput(
            f"Escalate to a tier above {Tier(locked.tier).label}.",
            field_errors={"to_tier": [f"Choose a tier above {Tier(locked.tier).label}."]},
        )
    if trigger not in Trigger.values or escalation_type not in EscalationType.values:
        raise InvalidInput("Choose the escalation type and trigger from the lists.")
    handoff = {k: v for k, v in (handoff or {}).items() if k in HANDOFF_FIELDS}
    handoff["required_info"] = dict(handoff.get("required_info") or {})
    if HandoffInfo.VERIFICATION_DETAILS in locked.category.required_info:
        # Never typed in (it could hold secrets): described from the verification itself.
        handoff["required_info"][HandoffInfo.VERIFICATION_DETAILS] = verification_summary(
            locked.customer, locked.category.verification_level
        )
    handoff["why_escalating"] = reason  # the reason given is the "why escalating" item
    automatic = trigger in AUTOMATIC_TRIGGERS
    if automatic:
        handoff.setdefault("summary", locked.subject)
        handoff.setdefault("sentiment", locked.sentiment)
    else:
        errors = handoff_errors(locked, handoff)
        if errors:
            raise InvalidInput(
                "The hand-off is incomplete. " + errors_text(errors), field_errors=errors
            )
        held = holds.check(
            actor=actor,
            kind=holds.HANDOFF,
            ticket=locked,
            payload={
                "to_tier": to_tier,
                "reason": reason,
                "handoff": {k: v for k, v in handoff.items() if k != "why_escalating"},
                "escalation_type": escalation_type,
                "trigger": trigger,
                "target_team": getattr(target_team, "pk", None),
                "target_specialist": getattr(target_specialist, "pk", None),
            },
        )
        if held is not None:
            return held
    escalation = Escalation(
        ticket=locked,
        from_tier=locked.tier,
        to_tier=to_tier,
        type=escalation_type,
        trigger=trigger,
        target_team=target_team,
        target_specialist=target_specialist,
        previous_owner=locked.owner,
        requested_by=actor,
        **handoff,
    )
    save_record(escalation, actor, f"request: {Trigger(trigger).label}{holds.approval_note()}")
    now = escalation.requested_at
    stay_end(
        locked,
        actor,
        now,
        StayEnd.ESCALATED,
        f"left the tier: escalated to {Tier(to_tier).label}",
    )
    first = {}
    if locked.first_escalated_at is None:
        earlier = rules.other_escalations(
            customer_id=locked.customer_id, ticket_id=locked.pk, at=now
        )
        first = first_escalation(created_at=locked.created_at, at=now, earlier=earlier)
    escalated = run_action(
        locked,
        actor,
        "escalate",
        f"to {Tier(to_tier).label}: {reason}{holds.approval_note()}",
        tier=to_tier,
        **first,
    )
    notifications.notify(
        escalated,
        f"escalation:{escalation.pk}:requested",
        notifications.tier_emails(to_tier) + notifications.csm_emails(escalated),
        f"escalated to {Tier(to_tier).label}",
        notifications.handoff_text(escalation, actor),
    )
    events.handoff_requested.send(Escalation, escalation=escalation, actor=actor)
    alert_repeat_escalations(escalated)
    return escalated


def _pending(ticket: Ticket, actor: Actor) -> Escalation:
    escalation = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, state=EscalationState.REQUESTED)
        .order_by("-requested_at")
        .first()
    )
    if escalation is None:
        raise InvalidInput(f"{ticket.reference} has no escalation waiting for acceptance.")
    if escalation.requested_by_id == actor.pk:
        raise PermissionRefused(
            "You asked for this escalation: someone at the next tier accepts or returns it."
        )
    return escalation


@transaction.atomic
def ticket_accept_escalation(*, ticket: Ticket, actor: Actor, reason: str = "") -> Ticket:
    """The receiving tier acknowledges the hand-off; the acceptor becomes the owner."""
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "accept_escalation")
    escalation = _pending(locked, actor)
    escalation.accept()
    escalation.accepted_by, escalation.accepted_at = actor, timezone.now()
    save_record(escalation, actor, "accept" + (f": {reason}" if reason else ""))
    events.handoff_accepted.send(Escalation, escalation=escalation, actor=actor)
    return run_action(locked, actor, "accept_escalation", reason, owner=actor)


@transaction.atomic
def ticket_return_escalation(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    """Refuse an incomplete hand-off: back to the previous owner and tier, with a reason.

    Counts as "could have been resolved at the first level" (003 Post-Escalation).
    """
    reason = required(reason, "The reason for returning it")
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "return_escalation")
    escalation = _pending(locked, actor)
    escalation.send_back()
    escalation.returned_by, escalation.returned_at = actor, timezone.now()
    escalation.return_reason = reason
    save_record(escalation, actor, f"return: {reason}")
    returned = run_action(
        locked,
        actor,
        "return_escalation",
        reason,
        owner=escalation.previous_owner,
        tier=escalation.from_tier,
    )
    stay_resume(returned, actor, "back at the tier: the hand-off above was returned")
    notifications.notify(
        returned,
        f"escalation:{escalation.pk}:returned",
        [escalation.previous_owner.email],
        f"escalation returned by {actor}",
        f"Your escalation was returned as incomplete: {reason}",
    )
    events.handoff_returned.send(Escalation, escalation=escalation, actor=actor)
    return returned

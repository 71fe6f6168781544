"""Resolution and after: resolve with the customer's confirmation, reopen, close with the
outcome 003 tracks, CSAT, and the root-cause analysis owed within 48 hours (001).
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor, system_user
from core.choices import Tier
from core.errors import InvalidInput
from core.history import save_audited

from .. import clocks, events, holds, rules
from ..models import ApprovalKind, ApprovalRequest, RootCauseAnalysis, StayEnd, Ticket, TicketState
from . import approval_gate as approvals
from .alerts import alert_low_csat
from .automation import escalate_low_csat
from .base import check_allowed, lock_ticket, required, run_action, save_ticket
from .handoffs import stay_end, stay_resume


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor: Actor, summary: str, customer_confirmed: bool | None = None
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
    resolved = run_action(
        ticket,
        actor,
        "resolve",
        "customer confirmed" if customer_confirmed else "confirmation requested",
        resolution_summary=summary,
        resolved_at=now,
        resolved_after=now - ticket.created_at,
        customer_confirmed=customer_confirmed,
    )
    stay_end(resolved, actor, now, StayEnd.RESOLVED, "left the tier: resolved")
    events.ticket_resolved.send(Ticket, ticket=resolved, actor=actor)
    return resolved


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    reopened = run_action(
        ticket,
        actor,
        "reopen",
        required(reason, "The reason for reopening"),
        resolved_at=None,
        resolved_after=None,
    )
    stay_resume(reopened, actor, "back at the tier: reopened")
    return reopened


@transaction.atomic
def ticket_close(
    *,
    ticket: Ticket,
    actor: Actor,
    reason: str = "",
    resolved_by_specialist: bool | None = None,
    first_level_possible: bool | None = None,
    approval: ApprovalRequest | None = None,
) -> Ticket | holds.Held:
    """Close; an escalated ticket records the outcome 003 asks to track (Post-Escalation).

    An escalated ticket the customer did not confirm as resolved closes only with a second
    person's approval when that four-eyes rule is on (issue 17): nothing changes and a
    `Held` comes back, its record the request; `approval` carries it out.
    """
    locked = lock_ticket(ticket)
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
    if locked.tier > Tier.L1 and not locked.customer_confirmed:
        check_allowed(locked, actor, "close")  # refused now, not after the approval
        wait = approvals.approval_gate(
            ticket=locked,
            actor=actor,
            kind=ApprovalKind.CLOSE_UNCONFIRMED,
            change={
                "resolved_by_specialist": resolved_by_specialist,
                "first_level_possible": first_level_possible,
            },
            summary=f"close {locked.reference} (escalated) without the customer's confirmation",
            reason=reason,
            approval=approval,
        )
        if wait is not None:
            return wait
    return run_action(
        locked,
        actor,
        "close",
        (reason + approvals.approved_note(approval)).strip(),
        closed_at=timezone.now(),
        resolved_by_specialist=resolved_by_specialist,
        first_level_possible=first_level_possible,
    )


@transaction.atomic
def ticket_record_csat(*, ticket: Ticket, actor: Actor, score: int) -> Ticket:
    """Record the customer's satisfaction score (1-5) of a resolved or closed ticket.

    001: a score below 3 is an automatic escalation. Management and Customer Success are
    told; a resolved ticket is reopened and escalated to the next tier with the survey as
    the trigger, both as the system actor (at L4 it is only reopened: there is no tier
    above). A closed ticket cannot be reopened, so the refusal is recorded in its history
    and its owner and the leads are told. Raises InvalidInput for a score outside 1-5.
    """
    if score not in range(1, 6):
        raise InvalidInput("CSAT is a score from 1 to 5.", field_errors={"score": ["1 to 5."]})
    rated = run_action(ticket, actor, "record_csat", str(score), csat=score)
    alert_low_csat(rated)
    if not rules.csat_is_low(rated):
        return rated
    if rated.state == TicketState.RESOLVED:
        rated = ticket_reopen(
            ticket=rated, actor=system_user(), reason=f"automatic: CSAT {score}/5, below 3"
        )
    escalate_low_csat(rated)
    return lock_ticket(rated)  # as the rule left it (escalated, or its refusal recorded)


@transaction.atomic
def ticket_record_rca(
    *,
    ticket: Ticket,
    actor: Actor,
    root_cause: str,
    preventive_actions: str,
    knowledge_base_updated: bool,
    contributing_factors: str = "",
) -> Ticket:
    """Document the root cause of a resolved escalation (001 RCA template); stops its clock."""
    errors = {
        f: ["Required."]
        for f, v in (("root_cause", root_cause), ("preventive_actions", preventive_actions))
        if not (v or "").strip()
    }
    if errors:
        raise InvalidInput("Give the root cause and the preventive actions.", field_errors=errors)
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "record_rca")
    rca = RootCauseAnalysis(
        ticket=locked,
        root_cause=root_cause.strip(),
        contributing_factors=(contributing_factors or "").strip(),
        preventive_actions=preventive_actions.strip(),
        knowledge_base_updated=knowledge_base_updated,
        completed_by=actor,
    )
    save_audited(rca, actor=actor)
    clocks.rca_documented(locked, rca.completed_at)
    save_ticket(locked, actor, "record_rca", [])
    return locked

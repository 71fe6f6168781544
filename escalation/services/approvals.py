"""Four-eyes approvals (issue 17): record a gated action as a request, decide it.

The gated services (`ticket_update` lowering a priority, `ticket_reapply_sla`,
`ticket_pause_clocks`, `ticket_close` of an escalated ticket without the customer's
confirmation) call `approval_gate` after their own checks: when the kind's rule is on,
it records a pending request and the service returns its `holds.Held` instead of acting
(the same outcome a trainee's held action has), so the desk, the admin and the API say
"waits for a second person's approval" and nothing else (the gate: `approval_gate`).
`approval_decide` lets a second person with the approve permission (never the
requester, like 003's high-risk verification approval) approve it, which runs the
original service with `approval=` so it passes the gate, or reject it (nothing changes).
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited

from .. import events
from ..models import (
    APPROVE_PERMISSION,
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalState,
)
from . import resolution, tickets
from .approval_gate import NOTE_LENGTH, WAITING, approval_gate, approved_note, rule_enabled
from .base import lock_ticket, save_ticket

__all__ = [
    "NOTE_LENGTH",
    "WAITING",
    "approval_decide",
    "approval_gate",
    "approval_rule_set",
    "approval_withdraw",
    "approved_note",
    "decide_refusal",
    "rule_enabled",
]

CHANGED_MEANWHILE = "This approval request was decided meanwhile; reload and try again."


def decide_refusal(request: ApprovalRequest, actor: Actor) -> str | None:
    """Why `actor` may not decide this request, or None (the desk hides the buttons)."""
    if not actor.has_perm(APPROVE_PERMISSION):
        return "Your role may not approve or reject four-eyes requests."
    if request.requested_by_id == actor.pk:
        return "Four eyes: a second person decides, not whoever asked."
    if request.state != ApprovalState.PENDING:
        return f"Approval #{request.pk} is already {request.get_state_display().lower()}."
    return None


def _lock(request: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update()
        .select_related("ticket", "requested_by")
        .get(pk=request.pk)
    )


@transaction.atomic
def approval_decide(
    *, request: ApprovalRequest, actor: Actor, approve: bool, note: str = ""
) -> ApprovalRequest:
    """Approve (the requested action runs now, as `actor`, its history naming both) or
    reject (nothing changes; a note is required).

    Raises PermissionRefused for the requester or anyone without the approve permission,
    TransitionRefused when it is no longer pending, InvalidInput for a rejection without a
    note; the action's own refusal (the ticket moved on meanwhile) undoes the approval.
    """
    note = (note or "").strip()
    if "\x00" in note or len(note) > NOTE_LENGTH:
        raise InvalidInput(f"Write the note as plain text, at most {NOTE_LENGTH} characters.")
    if not approve and not note:
        raise InvalidInput(
            "Say why the request is rejected.", field_errors={"note": ["A reason is required."]}
        )
    locked = _lock(request)
    message = decide_refusal(locked, actor)
    if message:
        if locked.state == ApprovalState.PENDING:
            raise PermissionRefused(message)
        raise TransitionRefused(message)
    locked.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
    verb = "approved" if approve else "rejected"
    save_audited(
        locked,
        actor=actor,
        reason=f"{verb} by {actor}, requested by {locked.requested_by}"
        + (f": {note}" if note else ""),
        conflict=CHANGED_MEANWHILE,
    )
    if approve:
        _carry_out(locked, actor)
    else:
        save_ticket(
            lock_ticket(locked.ticket),
            actor,
            f"approval #{locked.pk} rejected by {actor}, requested by "
            f"{locked.requested_by}: {locked.summary}: {note}",
            [],
        )
    events.approval_decided.send(ApprovalRequest, request=locked, actor=actor)
    return locked


@transaction.atomic
def approval_withdraw(*, request: ApprovalRequest, actor: Actor) -> ApprovalRequest:
    """The requester takes a pending request back (nothing changes on the ticket)."""
    locked = _lock(request)
    if locked.requested_by_id != actor.pk:
        raise PermissionRefused("Only whoever asked can withdraw a request.")
    if locked.state != ApprovalState.PENDING:
        raise TransitionRefused(
            f"Approval #{locked.pk} is already {locked.get_state_display().lower()}."
        )
    locked.state = ApprovalState.WITHDRAWN
    locked.decided_by, locked.decided_at = actor, timezone.now()
    save_audited(locked, actor=actor, reason="withdrawn", conflict=CHANGED_MEANWHILE)
    return locked


def _carry_out(approval: ApprovalRequest, actor: Actor) -> None:
    """Run the requested action exactly as asked, as the approver."""
    change, ticket, reason = approval.change, approval.ticket, approval.reason
    if approval.kind == ApprovalKind.PRIORITY_DOWNGRADE:
        tickets.ticket_update(
            ticket=ticket,
            actor=actor,
            changes={"priority": change["priority"]},
            approval=approval,
        )
    elif approval.kind == ApprovalKind.SLA_REAPPLY:
        tickets.ticket_reapply_sla(ticket=ticket, actor=actor, reason=reason, approval=approval)
    elif approval.kind == ApprovalKind.CLOCK_PAUSE:
        tickets.ticket_pause_clocks(ticket=ticket, actor=actor, reason=reason, approval=approval)
    elif approval.kind == ApprovalKind.CLOSE_UNCONFIRMED:
        resolution.ticket_close(
            ticket=ticket,
            actor=actor,
            reason=reason,
            resolved_by_specialist=change.get("resolved_by_specialist"),
            first_level_possible=change.get("first_level_possible"),
            approval=approval,
        )
    else:  # a kind added to the choices without its action here
        raise InvalidInput(f"Approval #{approval.pk} has no action to carry out.")


@transaction.atomic
def approval_rule_set(*, rule: ApprovalRule, actor: Actor, enabled: bool) -> ApprovalRule:
    """A lead switches whether one kind of action needs a second person (issue 17: which
    actions need it is data leads edit). Raises PermissionRefused for anyone else."""
    if not actor.has_perm("escalation.change_approvalrule"):
        raise PermissionRefused("Only leads change which actions need a second person.")
    locked = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
    if locked.enabled == enabled:
        return locked
    locked.enabled = enabled
    save_audited(
        locked, actor=actor, reason="approval needed" if enabled else "approval switched off"
    )
    return locked

"""The four-eyes gate (issue 17): the gated services ask it whether an action may go
ahead or must wait for a second person's approval (`approvals` decides the requests).

Kept apart from `approvals` because that module runs the gated services on approval:
the services import this one, and `approvals` imports them, so no import goes in a circle.
"""

from django.utils.text import Truncator

from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused
from core.history import save_audited

from .. import events, holds
from ..models import ApprovalRequest, ApprovalRule, ApprovalState, Ticket
from .base import save_ticket

WAITING = "waits for a second person's approval"
NOTE_LENGTH = 2000


def rule_enabled(kind: str) -> bool:
    """Whether `kind` needs approval now. A kind without a row needs it (fail closed)."""
    rule = ApprovalRule.objects.filter(kind=kind).values_list("enabled", flat=True).first()
    return True if rule is None else bool(rule)


def approval_gate(
    *,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    change: dict,
    summary: str,
    reason: str,
    approval: ApprovalRequest | None,
) -> holds.Held | None:
    """None: the action may go ahead. Otherwise the `Held` to return: the pending request
    now recorded for it (`record`) and what to tell the person who asked (`message`).

    `approval` is the approved request `approval_decide` is carrying out; it passes only
    for its own ticket and kind. The caller holds the ticket's row lock and its
    transaction; the request is saved in it. Raises InvalidInput when the same kind of
    request already waits for this ticket (one decision at a time).
    """
    if approval is not None:
        if (
            approval.ticket_id != ticket.pk
            or approval.kind != kind
            or approval.state != ApprovalState.APPROVED
        ):
            raise PermissionRefused("This approval does not cover this action.")
        return None
    if not rule_enabled(kind):
        return None
    waiting = ApprovalRequest.objects.filter(
        ticket=ticket, kind=kind, state=ApprovalState.PENDING
    ).first()
    if waiting is not None:
        raise InvalidInput(
            f"{ticket.reference} already has a request waiting for approval "
            f"(#{waiting.pk}: {waiting.summary}); wait for its decision or withdraw it."
        )
    request = ApprovalRequest(
        ticket=ticket,
        kind=kind,
        change=change,
        summary=Truncator(summary).chars(300),
        reason=(reason or "").strip()[:NOTE_LENGTH],
        requested_by=actor,
    )
    save_audited(request, actor=actor, reason=f"requested: {summary}")
    save_ticket(ticket, actor, f"approval requested (#{request.pk}): {summary}", [])
    events.approval_requested.send(ApprovalRequest, request=request, actor=actor)
    return holds.Held(
        message=f"Approval #{request.pk}: {summary} {WAITING} (nothing has changed yet).",
        record=request,
    )


def approved_note(approval: ApprovalRequest | None) -> str:
    """The words a carried-out action adds to the ticket's history: both actors."""
    if approval is None:
        return ""
    return f" (approved by {approval.decided_by}, requested by {approval.requested_by})"

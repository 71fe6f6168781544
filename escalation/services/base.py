"""The steps every ticket service takes: lock, check, transition, save with history.

Shared by every module of `escalation.services` (and only by them), so each business
action reads as its rule and not as plumbing. Callers hold `transaction.atomic()`.
"""

from collections.abc import Iterable

from django.db import models
from django.utils import timezone
from django_fsm import can_proceed

from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited

from .. import clocks
from ..models import Ticket
from ..policies import TICKET_ACTIONS, refusal

RECORD_CONFLICT = "This escalation was accepted or returned by someone else meanwhile."


def check_allowed(ticket: Ticket, user: Actor, code: str) -> None:
    """Raise the policy's refusal: TransitionRefused when the state forbids it, else
    PermissionRefused (the user may not)."""
    message = refusal(ticket, user, code)
    if message:
        action = TICKET_ACTIONS[code]
        if action.transition and not can_proceed(getattr(ticket, action.transition)):
            raise TransitionRefused(message)
        raise PermissionRefused(message)


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """The ticket's row, locked until the caller's transaction ends, fetched afresh."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update().select_related("customer", "category").get(pk=pk)


def save_ticket(ticket: Ticket, actor: Actor, reason: str, fields: Iterable[str]) -> None:
    """Save these fields of a locked ticket with who and why in its history."""
    save_audited(
        ticket,
        actor=actor,
        reason=reason,
        update_fields=[*fields, "updated_at"],
        conflict=f"{ticket.reference} was changed by someone else meanwhile; reload and try again.",
    )


def save_record(record: models.Model, actor: Actor, reason: str) -> None:
    """Save a workflow record (hand-off, department request) with who and why in history."""
    save_audited(record, actor=actor, reason=reason, conflict=RECORD_CONFLICT)


def run_action(ticket: Ticket, actor: Actor, code: str, reason: str, **changes: object) -> Ticket:
    """Lock, check who may, transition, apply changes, move the clocks, save with history."""
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, code)
    return _apply(locked, actor, code, reason, changes)


def run_action_on_behalf(
    ticket: Ticket, actor: Actor, code: str, reason: str, **changes: object
) -> Ticket:
    """`run_action` for a consequence of something `actor` recorded (a department's
    answer): only the state is checked, not whether the actor owns the ticket; the history
    still names the actor."""
    locked = lock_ticket(ticket)
    transition = TICKET_ACTIONS[code].transition
    if not transition or not can_proceed(getattr(locked, transition)):
        raise TransitionRefused(refusal(locked, actor, code) or "Not allowed now.")
    return _apply(locked, actor, code, reason, changes)


def _apply(
    locked: Ticket, actor: Actor, code: str, reason: str, changes: dict[str, object]
) -> Ticket:
    action = TICKET_ACTIONS[code]
    if action.transition:
        getattr(locked, action.transition)()
    for field, value in changes.items():
        setattr(locked, field, value)
    fields = list(changes)
    if action.transition:
        clocks.on_transition(locked, action.transition, timezone.now())
        fields += ["state", *clocks.SLA_FIELDS]
    save_ticket(locked, actor, f"{code}: {reason}" if reason else code, fields)
    return locked


def required(value: str, what: str, field: str = "reason") -> str:
    """The stripped text, or InvalidInput naming what is missing."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required.", field_errors={field: [f"{what} is required."]})
    return value


def errors_text(errors: dict[str, list[str]]) -> str:
    """Every field error as one sentence list, for the message above a form."""
    return " ".join(message for messages in errors.values() for message in messages)

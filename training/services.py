"""Every write of training: holding a trainee's action, and the mentor's review of it.

A held action is carried out by running the very service the trainee called, as the
trainee, inside `escalation.holds.released`: the ticket's history names the trainee and
says who approved it, and the service checks everything again (the ticket may have moved
on meanwhile; then the approval is refused with the service's reason and nothing changes).
"""

from django.db import transaction
from django.utils import timezone

from contacts.models import Department
from core.actors import Actor
from core.choices import Tier
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from core.roles import user_tier
from escalation import holds, notifications
from escalation.models import CommunicationTemplate, Ticket
from escalation.services import communication_log, ticket_escalate

from .models import HOLDING_STAGES, HeldAction, HeldState, Kind, ReviewEntry, Stage, Trainee

NOTE_LIMIT = 4000
# The texts a mentor may rewrite before sending, by kind (a hand-off's lists and choices
# stay the trainee's: "send back" is for those).
EDITABLE = {
    Kind.HANDOFF: (
        "reason",
        "summary",
        "impact",
        "troubleshooting",
        "questions",
        "customer_expectation",
        "business_impact",
    ),
    Kind.CUSTOMER_MESSAGE: ("body",),
}
TEXT_LIMIT = 20000


def _text(value: object, what: str, field: str, *, needed: bool, limit: int = NOTE_LIMIT) -> str:
    """Stripped text, refused when missing (if needed), too long or holding a NUL byte."""
    text = str(value or "").strip()
    if needed and not text:
        raise InvalidInput(f"{what} is required.", field_errors={field: [f"{what} is required."]})
    if "\x00" in text or len(text) > limit:
        message = f"{what}: at most {limit} characters of text."
        raise InvalidInput(message, field_errors={field: [message]})
    return text


def hold_for_review(*, actor: Actor, kind: str, ticket: Ticket, payload: dict) -> holds.Held | None:
    """The hook escalation calls before a hand-off or a customer email (registered in
    `TrainingConfig.ready`). Weeks 1-3 (and before the start date): held, the mentor is
    told. Week 4: it takes effect and an entry lands in the mentor's review list. After
    that, or for anyone not in training: nothing. Runs in the service's transaction."""
    trainee = Trainee.objects.select_related("mentor").filter(user_id=actor.pk).first()
    if trainee is None:
        return None
    stage = trainee.stage
    text = str(payload.get("reason" if kind == Kind.HANDOFF else "body", ""))
    if stage in HOLDING_STAGES:
        held = HeldAction(
            trainee=trainee,
            ticket=ticket,
            kind=kind,
            stage=stage,
            payload=payload,
            original=payload,
        )
        save_audited(held, actor=actor, reason=f"held for review: {stage.label}")
        notifications.notify(
            ticket,
            f"training-held:{held.pk}",
            [trainee.mentor.email],
            f"{actor} asks for your review",
            f"{Kind(kind).label} by {actor}, waiting for your review:\n\n{text}",
        )
        return holds.Held(
            message=f"Waiting for your mentor's review ({trainee.mentor}): "
            f"nothing is sent until they approve it.",
            record=held,
        )
    if stage == Stage.REVIEW:
        entry = ReviewEntry(trainee=trainee, ticket=ticket, kind=kind, text=text)
        save_audited(entry, actor=actor, reason="taken effect; for the mentor's review")
    return None


def review_refusal(trainee: Trainee, user: Actor) -> str | None:
    """Why this user may not review the trainee's actions (None: they may). 003 puts
    new hires under supervision: their mentor reviews, or a lead; never themselves."""
    if user.pk == trainee.user_id:
        return "You cannot review your own actions: your mentor does."
    if not user.is_active:
        return "This account is inactive."
    if user.pk == trainee.mentor_id or user_tier(user) == Tier.L4:
        return None
    return f"Only {trainee.user}'s mentor or a lead reviews their actions."


def _check_reviewer(trainee: Trainee, actor: Actor) -> None:
    message = review_refusal(trainee, actor)
    if message:
        raise PermissionRefused(message)


def _lock_held(held: HeldAction, actor: Actor) -> HeldAction:
    locked = (
        HeldAction.objects.select_for_update(of=("self",))
        .select_related("trainee__user", "trainee__mentor", "ticket")
        .get(pk=held.pk)
    )
    _check_reviewer(locked.trainee, actor)
    if not locked.is_pending:
        raise TransitionRefused(
            f"Already reviewed ({locked.get_state_display().lower()} by {locked.reviewed_by})."
        )
    return locked


def _approval(held: HeldAction, actor: Actor) -> str:
    who = "mentor" if actor.pk == held.trainee.mentor_id else "lead"
    return f"approved by {who} {actor}"


def _carry_out(held: HeldAction, actor: Actor, payload: dict) -> None:
    """Run the service the trainee called, as the trainee, with `payload`."""
    trainee = held.trainee.user
    with holds.released(_approval(held, actor)):
        if held.kind == Kind.HANDOFF:
            team_id, specialist_id = payload.get("target_team"), payload.get("target_specialist")
            ticket_escalate(
                ticket=held.ticket,
                actor=trainee,
                to_tier=int(payload["to_tier"]),
                reason=payload["reason"],
                handoff=payload.get("handoff") or {},
                escalation_type=payload["escalation_type"],
                trigger=payload["trigger"],
                target_team=Department.objects.filter(pk=team_id).first() if team_id else None,
                target_specialist=(
                    type(trainee).objects.filter(pk=specialist_id).first()
                    if specialist_id
                    else None
                ),
            )
        else:
            template_id = payload.get("template")
            communication_log(
                ticket=held.ticket,
                actor=trainee,
                direction=payload["direction"],
                channel=payload["channel"],
                body=payload["body"],
                template=(
                    CommunicationTemplate.objects.filter(pk=template_id).first()
                    if template_id
                    else None
                ),
            )


def _finish(held: HeldAction, actor: Actor, state: str, note: str, reason: str) -> None:
    held.state = state
    held.note = note
    held.reviewed_by, held.reviewed_at = actor, timezone.now()
    save_audited(held, actor=actor, reason=reason)


@transaction.atomic
def held_action_approve(*, held: HeldAction, actor: Actor, note: str = "") -> HeldAction:
    """The mentor (or a lead) lets a held action take effect as the trainee wrote it.

    Refused for the trainee themself, anyone else, an action already reviewed, or when
    the service refuses now (the ticket moved on): then nothing changes."""
    note = _text(note, "The note", "note", needed=False)
    locked = _lock_held(held, actor)
    _carry_out(locked, actor, locked.payload)
    _finish(locked, actor, HeldState.APPROVED, note, "approved" + (f": {note}" if note else ""))
    return locked


def edited_payload(held: HeldAction, changes: dict) -> dict:
    """The held payload with the mentor's texts in place of the trainee's."""
    payload = dict(held.payload)
    handoff = dict(payload.get("handoff") or {})
    for field in EDITABLE[Kind(held.kind)]:
        if field not in changes:
            continue
        label = field.replace("_", " ").capitalize()
        main = field in ("reason", "body")  # the hand-off's reason, the email itself
        value = _text(changes[field], label, field, needed=main, limit=TEXT_LIMIT)
        if main:
            payload[field] = value
        else:
            handoff[field] = value
    if held.kind == Kind.HANDOFF:
        payload["handoff"] = handoff
    return payload


@transaction.atomic
def held_action_edit(*, held: HeldAction, actor: Actor, note: str, changes: dict) -> HeldAction:
    """The mentor rewrites the texts and sends it as the trainee; the note says why (it
    is what the trainee learns from), and the trainee's original stays on the row."""
    note = _text(note, "A note saying what you changed and why", "note", needed=True)
    locked = _lock_held(held, actor)
    payload = edited_payload(locked, changes)
    _carry_out(locked, actor, payload)
    locked.payload = payload
    _finish(locked, actor, HeldState.EDITED, note, f"edited and sent: {note}")
    return locked


@transaction.atomic
def held_action_send_back(*, held: HeldAction, actor: Actor, reason: str) -> HeldAction:
    """Nothing happens on the ticket; the trainee is told why (003 "If you escalated
    unnecessarily, note what you could have tried"). A reason is required."""
    reason = _text(reason, "The reason for sending it back", "reason", needed=True)
    locked = _lock_held(held, actor)
    _finish(locked, actor, HeldState.SENT_BACK, reason, f"sent back: {reason}")
    notifications.notify(
        locked.ticket,
        f"training-sent-back:{locked.pk}",
        [locked.trainee.user.email],
        f"{actor} sent back your {locked.get_kind_display().lower()}",
        f"Sent back by {actor}: {reason}\n\nWhat you wrote:\n{locked.text}",
    )
    return locked


@transaction.atomic
def review_entry_mark_reviewed(*, entry: ReviewEntry, actor: Actor, note: str = "") -> ReviewEntry:
    """The mentor (or a lead) has looked at a week-4 action that already took effect."""
    note = _text(note, "The note", "note", needed=False)
    locked = (
        # Only the entry's row (PostgreSQL refuses FOR UPDATE across the outer join).
        ReviewEntry.objects.select_for_update(of=("self",))
        .select_related("trainee__user", "reviewed_by")
        .get(pk=entry.pk)
    )
    _check_reviewer(locked.trainee, actor)
    if locked.reviewed_at is not None:
        raise TransitionRefused(f"Already reviewed by {locked.reviewed_by}.")
    locked.note = note
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    save_audited(locked, actor=actor, reason="reviewed" + (f": {note}" if note else ""))
    return locked

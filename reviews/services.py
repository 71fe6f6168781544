"""Every write to a preventive action: create, complete, reopen (003 "Monthly escalation
review meeting", 004 "implement preventive measures").

Only leads raise and complete actions (they run the review; `reviews.add_/change_
preventiveaction`); auditors read. Each function locks what it changes, saves through
`save_audited` so the history names who and why, and raises an `ApplicationError` with
nothing changed when the request is refused.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from core.validators import LATEST
from escalation.models import Category, RootCauseAnalysis

from .models import ActionState, PreventiveAction

ADD = "reviews.add_preventiveaction"
CHANGE = "reviews.change_preventiveaction"
EARLIEST_MONTH = date(2000, 1, 1)
TITLE_MAX = 200
NOTE_MAX = 5000


def _require(actor: Actor, permission: str) -> None:
    if not actor.is_active or not actor.has_perm(permission):
        raise PermissionRefused("Only leads raise and complete preventive actions.")


def _text(value: str | None, *, field: str, label: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{label} is required.", field_errors={field: ["Required."]})
    if "\x00" in text:
        raise InvalidInput(
            f"{label} contains a NUL character.", field_errors={field: ["Remove the NUL."]}
        )
    if len(text) > limit:
        raise InvalidInput(
            f"{label} is too long (at most {limit} characters).",
            field_errors={field: [f"At most {limit} characters."]},
        )
    return text


@transaction.atomic
def preventive_action_create(
    *,
    actor: Actor,
    title: str,
    owner,
    due_date: date,
    review_month: date,
    category: Category | None = None,
    rca: RootCauseAnalysis | None = None,
) -> PreventiveAction:
    """Raise a preventive action in the review of `review_month` (any day of it).

    It needs a root cause: the RCA it came from (its ticket's category is then the
    action's category) or a category. The owner must be an active user; the due date
    between the review month and 2199. Raises PermissionRefused (not a lead) or
    InvalidInput (nothing created).
    """
    _require(actor, ADD)
    clean_title = _text(title, field="title", label="The title", limit=TITLE_MAX)
    errors: dict[str, list[str]] = {}
    month = review_month.replace(day=1)
    if not EARLIEST_MONTH <= month <= LATEST:
        errors["review_month"] = [f"Choose a month between 2000 and {LATEST.year}."]
    if owner is None or not owner.is_active:
        errors["owner"] = ["Choose an active user as the owner."]
    if due_date is None or not month <= due_date <= LATEST:
        errors["due_date"] = [f"Choose a due date from {month:%B %Y} up to {LATEST:%d %B %Y}."]
    if rca is not None:
        rca = RootCauseAnalysis.objects.select_related("ticket").get(pk=rca.pk)
        category = rca.ticket.category
    if category is None:
        errors["category"] = ["Choose the root-cause analysis or the category it addresses."]
    if errors:
        raise InvalidInput(
            "The preventive action was not created: "
            + " ".join(m for messages in errors.values() for m in messages),
            field_errors=errors,
        )
    action = PreventiveAction(
        title=clean_title,
        review_month=month,
        category=category,
        rca=rca,
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    save_audited(action, actor=actor, reason=f"raised in the {month:%B %Y} review")
    return action


def _locked(action: PreventiveAction) -> PreventiveAction:
    return PreventiveAction.objects.select_for_update().get(pk=action.pk)


@transaction.atomic
def preventive_action_complete(
    *, action: PreventiveAction, actor: Actor, note: str
) -> PreventiveAction:
    """Mark an open action done with a note of what was done (the review sees the outcome,
    not just a tick). Raises PermissionRefused, InvalidInput (no note), TransitionRefused
    (already done: completing twice would overwrite the first note)."""
    _require(actor, CHANGE)
    clean_note = _text(note, field="note", label="What was done", limit=NOTE_MAX)
    locked = _locked(action)
    if locked.state != ActionState.OPEN:
        raise TransitionRefused(f"“{locked.title}” is already done.")
    locked.state = ActionState.DONE
    locked.done_note = clean_note
    locked.done_at = timezone.now()
    locked.done_by = actor
    save_audited(
        locked,
        actor=actor,
        reason="done",
        update_fields=["state", "done_note", "done_at", "done_by"],
    )
    return locked


@transaction.atomic
def preventive_action_reopen(
    *, action: PreventiveAction, actor: Actor, reason: str
) -> PreventiveAction:
    """Reopen a done action that did not prevent the issue (a repeat root cause): it is
    carried into the reviews again. The old note stays in the history. Raises
    PermissionRefused, InvalidInput (no reason), TransitionRefused (not done)."""
    _require(actor, CHANGE)
    clean_reason = _text(reason, field="reason", label="The reason", limit=NOTE_MAX)
    locked = _locked(action)
    if locked.state != ActionState.DONE:
        raise TransitionRefused(f"“{locked.title}” is still open.")
    locked.state = ActionState.OPEN
    locked.done_note = ""
    locked.done_at = None
    locked.done_by = None
    save_audited(
        locked,
        actor=actor,
        reason=f"reopened: {clean_reason}",
        update_fields=["state", "done_note", "done_at", "done_by"],
    )
    return locked

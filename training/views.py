"""The desk's training pages: the mentor's review list, a held action with its review
forms, and the per-agent learning view (003 "Training & Resources")."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, InvalidInput
from core.forms import show_refusal_on_form
from escalation.desk.base import actor_of, desk_role_required

from .forms import ApproveForm, EditForm, ReviewedForm, SendBackForm
from .models import HeldAction, ReviewEntry, Trainee
from .selectors import (
    LIST_LIMIT,
    entries_to_review,
    held_for_reviewer,
    held_to_review,
    learning,
    mentees_of,
    trainee_for_viewer,
    waiting_for,
)
from .services import (
    held_action_approve,
    held_action_edit,
    held_action_send_back,
    review_entry_mark_reviewed,
    review_refusal,
)

DONE = {
    "approve": "approved: it has taken effect as the trainee's",
    "edit": "edited and sent as the trainee's",
    "send_back": "sent back: nothing changed on the ticket; the trainee is told why",
}


@desk_role_required
def review_list(request: HttpRequest) -> HttpResponse:
    """Mentors' (and leads') work first; a trainee sees what of theirs is waiting."""
    user = actor_of(request)
    me = Trainee.objects.select_related("mentor").filter(user=user).first()
    return render(
        request,
        "training/review_list.html",
        {
            "held": list(held_to_review(user)[:LIST_LIMIT]),
            "entries": list(entries_to_review(user)[:LIST_LIMIT]),
            "mentees": list(mentees_of(user)[:LIST_LIMIT]),
            "me": me,
            "waiting": list(waiting_for(me)[:LIST_LIMIT]) if me else [],
        },
    )


def _held_page(request, held: HeldAction, forms: dict | None = None, status: int = 200):
    may_review = held.is_pending and review_refusal(held.trainee, actor_of(request)) is None
    shown = {
        "approve": ApproveForm(),
        "edit": EditForm(held=held),
        "send_back": SendBackForm(),
        **(forms or {}),
    }
    return render(
        request,
        "training/held.html",
        {"held": held, "may_review": may_review, "forms": shown if may_review else {}},
        status=status,
    )


@desk_role_required
def held_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _held_page(request, held_for_reviewer(actor_of(request), pk))


@desk_role_required
@require_POST
def held_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, edit or send back: one form, one service, a message, back to the list."""
    if action not in DONE:
        raise Http404("Unknown review action.")
    actor = actor_of(request)
    held = held_for_reviewer(actor, pk)
    form: ApproveForm | EditForm | SendBackForm
    if action == "edit":
        form = EditForm(request.POST, held=held)
    elif action == "send_back":
        form = SendBackForm(request.POST)
    else:
        form = ApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "approve":
                held_action_approve(held=held, actor=actor, note=data["note"])
            elif action == "edit":
                edit = form if isinstance(form, EditForm) else None
                changes = edit.changes() if edit else {}
                held_action_edit(held=held, actor=actor, note=data["note"], changes=changes)
            else:
                held_action_send_back(held=held, actor=actor, reason=data["reason"])
        except InvalidInput as exc:
            show_refusal_on_form(form, exc)
        except ApplicationError as exc:  # not theirs to review, reviewed, or the ticket moved on
            messages.error(request, exc.message)
            return redirect("training:held", pk=held.pk)
        else:
            messages.success(request, f"{held.ticket.reference}: {DONE[action]}.")
            return redirect("training:review_list")
    return _held_page(request, held, {action: form}, status=400)


@desk_role_required
@require_POST
def entry_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    entry = get_object_or_404(ReviewEntry.objects.select_related("trainee", "ticket"), pk=pk)
    form = ReviewedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("note", [])))
        return redirect("training:review_list")
    try:
        review_entry_mark_reviewed(entry=entry, actor=actor, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{entry.ticket.reference}: marked reviewed.")
    return redirect("training:review_list")


@desk_role_required
def learning_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """What was sent back and why, what was edited, the notes: for the trainee, their
    mentor and leads."""
    trainee = trainee_for_viewer(actor_of(request), user_id)
    return render(request, "training/learning.html", {"trainee": trainee, **learning(trainee)})

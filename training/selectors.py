"""Training's reads: the mentor's review list, a trainee's waiting list, the learning view.

Each is a fixed number of queries whatever the row count (select_related, one aggregate).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.actors import Actor
from core.choices import Tier
from core.roles import user_tier

from .models import HeldAction, HeldState, ReviewEntry, Trainee

LIST_LIMIT = 100


def _is_lead(user: Actor) -> bool:
    return user_tier(user) == Tier.L4


def reviewable_by(user: Actor) -> Q:
    """Trainees whose actions this user reviews: their mentees; a lead, everyone's (never
    their own, should a lead be in training)."""
    if _is_lead(user):
        return ~Q(trainee__user=user)
    return Q(trainee__mentor=user) & ~Q(trainee__user=user)


def held_to_review(user: Actor) -> QuerySet[HeldAction]:
    return (
        HeldAction.objects.filter(reviewable_by(user), state=HeldState.PENDING)
        .select_related("trainee__user", "ticket")
        .order_by("created_at", "pk")
    )


def entries_to_review(user: Actor) -> QuerySet[ReviewEntry]:
    return (
        ReviewEntry.objects.filter(reviewable_by(user), reviewed_at__isnull=True)
        .select_related("trainee__user", "ticket")
        .order_by("created_at", "pk")
    )


def mentees_of(user: Actor) -> QuerySet[Trainee]:
    found = Trainee.objects.select_related("user", "mentor")
    return found if _is_lead(user) else found.filter(mentor=user)


def held_for_reviewer(user: Actor, pk: int) -> HeldAction:
    """A held action this user may see: the trainee's own, their mentor's, a lead's."""
    held = get_object_or_404(
        HeldAction.objects.select_related("trainee__user", "trainee__mentor", "ticket"), pk=pk
    )
    learning_trainee(user, held.trainee)
    return held


def learning_trainee(user: Actor, trainee: Trainee) -> Trainee:
    """403 unless the user is the trainee, their mentor or a lead."""
    if user.pk not in (trainee.user_id, trainee.mentor_id) and not _is_lead(user):
        raise PermissionDenied("Only the trainee, their mentor and leads see this.")
    return trainee


def trainee_for_viewer(user: Actor, user_id: int) -> Trainee:
    if not 0 < user_id < 2**63:  # no such account, and SQLite could not even look it up
        raise Http404("No such trainee.")
    trainee = get_object_or_404(Trainee.objects.select_related("user", "mentor"), user_id=user_id)
    return learning_trainee(user, trainee)


def waiting_for(trainee: Trainee) -> QuerySet[HeldAction]:
    """The trainee's own actions still waiting for review, oldest first."""
    return (
        trainee.held_actions.filter(state=HeldState.PENDING)
        .select_related("ticket")
        .order_by("created_at", "pk")
    )


def learning(trainee: Trainee) -> dict:
    """What the trainee learns from: every action sent back (and why) or edited, the notes
    on review-week actions, and the counts of each outcome (003 "If you escalated
    unnecessarily, note what you could have tried")."""
    counts = trainee.held_actions.aggregate(
        **{state.value: Count("pk", filter=Q(state=state)) for state in HeldState}
    )
    lessons = (
        trainee.held_actions.filter(state__in=[HeldState.SENT_BACK, HeldState.EDITED])
        .select_related("ticket", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:LIST_LIMIT]
    )
    notes = (
        trainee.review_entries.exclude(note="")
        .select_related("ticket", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:LIST_LIMIT]
    )
    return {"counts": counts, "lessons": list(lessons), "notes": list(notes)}

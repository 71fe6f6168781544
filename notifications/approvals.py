"""Who hears about four-eyes approvals (issue 17): the approvers when a request waits,
the requester when it is decided. Connected from `receivers.connect`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse

from escalation import events
from escalation.models import APPROVE_PERMISSION, ApprovalRequest

from .models import Kind
from .services import notify


def approvers():
    """Active people holding the approve permission (through a role or directly)."""
    app_label, codename = APPROVE_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


def on_approval_requested(sender: object, request: ApprovalRequest, actor, **kwargs) -> None:
    """Everyone who may decide it, never the requester (four eyes)."""
    notify(
        recipients=approvers().exclude(pk=request.requested_by_id),
        kind=Kind.APPROVAL_WAITING,
        text=f"{actor} asks for approval: {request.summary}"
        + (f" ({request.reason})" if request.reason else ""),
        link=reverse("desk:home") + "#approvals",
        key=f"approval:{request.pk}:requested",
    )


def on_approval_decided(sender: object, request: ApprovalRequest, actor, **kwargs) -> None:
    note = f": {request.decision_note}" if request.decision_note else ""
    notify(
        recipients=[request.requested_by] if request.requested_by_id != actor.pk else [],
        kind=Kind.APPROVAL_DECIDED,
        text=f"{request.get_state_display()} by {actor}: {request.summary}{note}",
        link=reverse("desk:ticket", args=[request.ticket_id]),
        key=f"approval:{request.pk}:{request.state}",
    )


def connect() -> None:
    events.approval_requested.connect(
        on_approval_requested, dispatch_uid="notifications.on_approval_requested"
    )
    events.approval_decided.connect(
        on_approval_decided, dispatch_uid="notifications.on_approval_decided"
    )

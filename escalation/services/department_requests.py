"""External escalation: ask another department, track it, bring the answer back (000 §4.2)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from contacts.models import ChannelKind, Department
from contacts.routing import email_of, route
from core.actors import Actor
from core.choices import Priority
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from outbox.services import outbox_enqueue

from .. import events, notifications
from ..models import DepartmentRequest, DepartmentRequestState, Ticket, TicketState
from ..policies import department_request_refusal
from .base import (
    check_allowed,
    errors_text,
    lock_ticket,
    required,
    run_action,
    run_action_on_behalf,
    save_record,
)


def _lock_request(request: DepartmentRequest) -> DepartmentRequest:
    return (
        DepartmentRequest.objects.select_for_update()
        .select_related("ticket", "department")
        .get(pk=request.pk)
    )


def _resume_when_nothing_pending(ticket: Ticket, actor: Actor, why: str) -> Ticket:
    """Back to its owner once no request to a department is pending (whoever recorded it)."""
    ticket = lock_ticket(ticket)
    pending = ticket.department_requests.filter(
        state__in=[DepartmentRequestState.OPEN, DepartmentRequestState.ACKNOWLEDGED]
    ).exists()
    if ticket.state == TicketState.WAITING_ON_DEPARTMENT and not pending:
        ticket = run_action_on_behalf(ticket, actor, "resume", why)
    return ticket


def _move(
    request: DepartmentRequest, method: str, actor: Actor, reason: str, **changes: object
) -> None:
    refused = department_request_refusal(request, actor, method)
    if refused:
        raise PermissionRefused(refused)
    transition = getattr(request, method)
    if not can_proceed(transition):
        raise TransitionRefused(
            f"This request is {request.get_state_display().lower()}: it cannot be "
            f"{method.replace('_', ' ')}ed now."
        )
    transition()
    for field, value in changes.items():
        setattr(request, field, value)
    save_record(request, actor, f"{method}: {reason}" if reason else method)


def _reach(
    department: Department, *, at: datetime, critical: bool, enterprise: bool
) -> tuple[str, str, str]:
    """(recipient, channel kind, how it was reached) for `department` right now: the
    on-call person, else the email or chat channel routing picks, else its email address.
    Raises InvalidInput when the department has no email or chat channel."""
    way = route(department, at=at, critical=critical, enterprise=enterprise)
    recipient: str | None
    kind: str
    if way.on_call:
        recipient, kind = way.on_call.person.email, ChannelKind.EMAIL
        used = f"on call: {way.on_call.person} ({recipient})"
    elif way.channel and way.channel.kind in (ChannelKind.EMAIL, ChannelKind.CHAT):
        recipient, kind = way.channel.value, way.channel.kind
        used = f"{way.channel.get_kind_display()}: {recipient}"
    else:
        recipient, kind = email_of(department), ChannelKind.EMAIL
        used = f"Email: {recipient}" + (f" (also {way.channel})" if way.channel else "")
    if not recipient:
        raise InvalidInput(f"{department} has no email or chat channel: ask a directory admin.")
    return recipient, kind, f"{used} · {way.reason}"


@transaction.atomic
def department_request_open(
    *,
    ticket: Ticket,
    actor: Actor,
    needed: str,
    customer_impact: str,
    findings: str,
    department=None,
) -> DepartmentRequest:
    """Ask a department (default: the category's) through the channel routing picks now;
    the ticket waits on the department until it answers.

    The category's copy departments (003: fraud also alerts Security) get the request too,
    each its own message through the channel routing picks for it now; the request records
    whom it copied and how. Raises InvalidInput for a missing detail or a department
    (asked or copied) without an email or chat channel; nothing is sent then.
    """
    given = {
        "needed": ("action or information needed", needed),
        "customer_impact": ("customer impact", customer_impact),
        "findings": ("support findings", findings),
    }
    errors = {
        field: [f"Describe the {label}."]
        for field, (label, value) in given.items()
        if not (value or "").strip()
    }
    if errors:
        raise InvalidInput(errors_text(errors), field_errors=errors)
    locked = lock_ticket(ticket)
    check_allowed(locked, actor, "request_department")
    department = department or locked.category.route_to
    now, critical = timezone.now(), locked.priority == Priority.CRITICAL
    enterprise = locked.customer.is_enterprise
    recipient, kind, used = _reach(department, at=now, critical=critical, enterprise=enterprise)
    copies = [
        (copied, _reach(copied, at=now, critical=critical, enterprise=enterprise))
        for copied in locked.category.copy_to.order_by("name")
        if copied.pk != department.pk
    ]
    request = DepartmentRequest(
        ticket=locked,
        department=department,
        needed=needed.strip(),
        customer_impact=customer_impact.strip(),
        findings=findings.strip(),
        channel_used=used[:300],
        copy_channels="\n".join(f"{copied}: {way}" for copied, (_, _, way) in copies),
        requested_by=actor,
    )
    names = ", ".join(str(copied) for copied, _ in copies)
    save_record(request, actor, f"open: to {department}" + (f", copied {names}" if names else ""))
    request.copied_to.set([copied for copied, _ in copies])  # told in the row above
    subject = f"[{locked.get_priority_display()}] {locked.reference}: support needs {department}"
    body = (
        f"Needed: {request.needed}\nCustomer impact: {request.customer_impact}\n"
        f"Support findings: {request.findings}\nTicket: {locked.reference} · "
        f"{locked.subject} · owner {locked.owner}"
    )
    outbox_enqueue(
        event_key=f"department-request:{request.pk}:open",
        recipient=recipient,
        channel=kind,
        subject=subject,
        body=body + (f"\nCopied: {names}" if names else ""),
    )
    for copied, (copy_recipient, copy_kind, _) in copies:
        outbox_enqueue(
            event_key=f"department-request:{request.pk}:copy:{copied.pk}",
            recipient=copy_recipient,
            channel=copy_kind,
            subject=f"{subject} (copy to {copied})",
            body=f"{copied} is copied on '{locked.category}' requests to {department}.\n\n" + body,
        )
    if locked.state == TicketState.OPEN:
        run_action(locked, actor, "wait_on_department", f"asked {department}")
    events.department_requested.send(DepartmentRequest, request=request, actor=actor)
    return request


@transaction.atomic
def department_request_acknowledge(
    *, request: DepartmentRequest, actor: Actor, external_reference: str = ""
) -> DepartmentRequest:
    request = _lock_request(request)
    _move(
        request,
        "acknowledge",
        actor,
        external_reference,
        acknowledged_at=timezone.now(),
        external_reference=external_reference.strip() or request.external_reference,
    )
    events.department_acknowledged.send(DepartmentRequest, request=request, actor=actor)
    return request


@transaction.atomic
def department_request_link(
    *, request: DepartmentRequest, reference: str, actor: Actor
) -> DepartmentRequest:
    """Record the department's own reference for a request (its tracker's issue key, e.g.
    the Jira issue created for it), without moving the request: linking is not
    acknowledging. Once set it stays: a second link with another reference is refused
    (TransitionRefused), the same one is a no-op, so a retried sender links once.
    Raises InvalidInput for an empty reference, PermissionRefused as `_move` would."""
    reference = required(reference, "The department's reference")[:100]
    request = _lock_request(request)
    refused = department_request_refusal(request, actor, "link")
    if refused:
        raise PermissionRefused(refused)
    if request.external_reference == reference:
        return request
    if request.external_reference:
        raise TransitionRefused(f"This request is already linked to {request.external_reference}.")
    request.external_reference = reference
    save_record(request, actor, f"linked: {reference}")
    return request


@transaction.atomic
def department_request_answer(
    *, request: DepartmentRequest, actor: Actor, answer: str
) -> DepartmentRequest:
    """The department answered: record it and bring the ticket back to its owner."""
    answer = required(answer, "The department's answer")
    request = _lock_request(request)
    _move(request, "record_answer", actor, "", answer=answer, answered_at=timezone.now())
    ticket = _resume_when_nothing_pending(request.ticket, actor, f"{request.department} answered")
    notifications.notify(
        ticket,
        f"department-request:{request.pk}:answered",
        [ticket.owner.email],
        f"{request.department} answered",
        answer,
    )
    events.department_answered.send(DepartmentRequest, request=request, actor=actor)
    return request


@transaction.atomic
def department_request_close(*, request: DepartmentRequest, actor: Actor) -> DepartmentRequest:
    request = _lock_request(request)
    _move(request, "close", actor, "", closed_at=timezone.now())
    events.department_request_ended.send(DepartmentRequest, request=request, actor=actor)
    return request


@transaction.atomic
def department_request_cancel(
    *, request: DepartmentRequest, actor: Actor, reason: str
) -> DepartmentRequest:
    reason = required(reason, "The reason for cancelling")
    request = _lock_request(request)
    _move(request, "cancel", actor, reason, closed_at=timezone.now())
    _resume_when_nothing_pending(
        request.ticket, actor, f"request to {request.department} cancelled"
    )
    events.department_request_ended.send(DepartmentRequest, request=request, actor=actor)
    return request

"""Every write of paging: start a request's pages (the due ones now, the rest as SLA
timers), page one level, stop paging. Pages are outbox messages, so they are sent after
commit, retried, and never twice for one step (their event key names the step).

The policy and its levels are read when a page is due, not when the request was opened:
a level a directory admin removed meanwhile pages nobody, a policy switched off stops."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contacts.models import ChannelKind, EscalationLevel, EscalationPolicy
from contacts.oncall import on_call_at
from contacts.routing import email_of
from contacts.selectors import schedules_with_layers, shifts_by_department
from escalation.models import DepartmentRequest, DepartmentRequestState
from outbox.models import OutboxMessage
from outbox.services import outbox_enqueue
from sla import services as sla

PAGE_TIMER = "page_level"
SEVERITY = {"critical": "critical", "high": "error", "medium": "warning", "low": "info"}


@dataclass(frozen=True)
class Step:
    """One page of the plan: a level, in which round, how long after the request."""

    index: int
    level: EscalationLevel
    cycle: int  # 0 the first time through the levels, 1.. for the repeats
    after: timedelta


def active_policy(department_id: int) -> EscalationPolicy | None:
    return EscalationPolicy.objects.filter(department_id=department_id, is_active=True).first()


def routing_key(code: str) -> str:
    """The department's PagerDuty routing key from the environment ("" when it has none)."""
    return str(settings.PAGERDUTY_ROUTING_KEYS.get(code, ""))


def dedup_key(request: DepartmentRequest) -> str:
    """One PagerDuty alert per request: every trigger and the resolve carry this key."""
    return f"department-request-{request.pk}"


def plan(policy: EscalationPolicy) -> list[Step]:
    """The levels in order, repeated `repeat` more times, each after the previous one's
    delay (so the first level of a repeat waits its own delay after the last level)."""
    levels = list(policy.levels.select_related("person", "schedule").order_by("position", "pk"))
    steps: list[Step] = []
    after = timedelta(0)
    for cycle in range(policy.repeat + 1):
        for level in levels:
            after += timedelta(minutes=level.delay_minutes)
            steps.append(Step(len(steps), level, cycle, after))
    return steps


def _on_call(level: EscalationLevel, at: datetime):
    """Who the level pages at `at`: its person, or whoever is on call on its schedule."""
    if level.person is not None:
        return level.person
    if level.schedule is None:
        return None
    schedule = schedules_with_layers().get(pk=level.schedule.pk)
    shifts = shifts_by_department(at, at + timedelta(seconds=1), [schedule.department])
    return on_call_at(schedule, at, shifts.get(schedule.department_id, []))


def _pagerduty_event(request: DepartmentRequest, summary: str, details: dict) -> dict:
    """The Events API v2 event, without its routing key (added at send time, from the
    environment, so the key is never stored in the outbox either)."""
    ticket = request.ticket
    link = settings.SITE_URL.rstrip("/") + reverse("desk:ticket", args=[ticket.pk])
    return {
        "event_action": "trigger",
        "dedup_key": dedup_key(request),
        "payload": {
            "summary": summary[:1024],
            "source": settings.SITE_URL,
            "severity": SEVERITY.get(ticket.priority, "error"),
            "custom_details": details,
        },
        "client": "Escalation back office",
        "client_url": link,
    }


def paging_page(*, request: DepartmentRequest, step: Step, at: datetime) -> None:
    """Page one step: PagerDuty (a trigger with the request's dedup key) when the
    department has a routing key, else an email to the person paged (the department's
    email when nobody is on call) and a message to each of its chat channels."""
    department, ticket = request.department, request.ticket
    person = _on_call(step.level, at)
    again = f", repeat {step.cycle}" if step.cycle else ""
    subject = (
        f"[Page] {ticket.reference}: {department} is needed (level {step.level.position}{again})"
    )
    body = (
        f"Needed: {request.needed}\nCustomer impact: {request.customer_impact}\n"
        f"Ticket: {ticket.reference} · {ticket.subject}\n"
        f"Paged: {person or 'nobody is on call'}\nAcknowledge the request to stop the pages."
    )
    event_key = f"department-request:{request.pk}:page:{step.index}"
    if routing_key(department.code):
        details = {"needed": request.needed, "level": step.level.position, "paged": str(person)}
        outbox_enqueue(
            event_key=event_key,
            recipient=f"pagerduty:{department.code}",
            channel=OutboxMessage.Channel.PAGERDUTY,
            subject=subject,
            body=json.dumps(_pagerduty_event(request, subject, details), indent=1),
        )
        return
    email = person.email if person is not None and person.email else email_of(department)
    targets = [(email, ChannelKind.EMAIL)] if email else []
    targets += [(c.value, ChannelKind.CHAT) for c in department.channels.all() if c.kind == "chat"]
    for recipient, kind in targets:
        # A page is how someone off duty is woken: it never waits for working hours.
        outbox_enqueue(
            event_key=event_key,
            recipient=recipient,
            channel=kind,
            subject=subject,
            body=body,
            urgent=True,
        )


def paging_start(*, request: DepartmentRequest) -> None:
    """Page the levels due at once (delay 0) now and set an SLA timer for each later one.
    Does nothing for a department without an active policy or a request no longer open."""
    with transaction.atomic():
        request = (
            DepartmentRequest.objects.select_for_update(of=("self",))
            .select_related("ticket", "department")
            .get(pk=request.pk)
        )
        policy = active_policy(request.department_id)
        if policy is None or request.state != DepartmentRequestState.OPEN:
            return
        now = timezone.now()
        later = []
        for step in plan(policy):
            due = request.created_at + step.after
            if due <= now:
                paging_page(request=request, step=step, at=now)
            else:
                payload = {"step": step.index, "level": step.level.pk, "cycle": step.cycle}
                later.append((due, payload))
        sla.timers_plan(subject=request, kind=PAGE_TIMER, plan=later)


def paging_stop(*, request: DepartmentRequest, action: str = "resolve") -> None:
    """Acknowledged, answered, closed or cancelled: cancel the pages still to come and,
    when PagerDuty was paged, tell it (`acknowledge` when the department acknowledged,
    `resolve` when the request was answered or ended; each once: the outbox keys it)."""
    if action not in ("acknowledge", "resolve"):
        raise ValueError(f"PagerDuty has no event action {action!r}")
    with transaction.atomic():
        sla.timers_cancel(subject=request, kinds=[PAGE_TIMER])
        triggered = OutboxMessage.objects.filter(
            channel=OutboxMessage.Channel.PAGERDUTY,
            event_key__startswith=f"department-request:{request.pk}:page:",
        ).first()
        if triggered is None:
            return
        event = {"event_action": action, "dedup_key": dedup_key(request)}
        outbox_enqueue(
            event_key=f"department-request:{request.pk}:pagerduty-{action}",
            recipient=triggered.recipient,
            channel=OutboxMessage.Channel.PAGERDUTY,
            subject=f"{action.title()}: {triggered.subject}"[:200],
            body=json.dumps(event, indent=1),
        )

"""A department request to a department with an active Jira target is also queued as a
Jira issue; the outbox creates it after commit and retries it while Jira is down."""

from django.db import transaction

from contacts.models import JiraTarget
from escalation import events
from escalation.models import DepartmentRequest
from outbox.delivery import register_jira_sender
from outbox.models import OutboxMessage
from outbox.services import outbox_enqueue

from .issues import send_issue


def queue_issue(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    target = JiraTarget.objects.filter(department_id=request.department_id, is_active=True).first()
    if target is None:
        return
    ticket = request.ticket
    with transaction.atomic():
        outbox_enqueue(
            event_key=f"department-request:{request.pk}:jira",
            recipient=target.address,
            channel=OutboxMessage.Channel.JIRA,
            subject=f"Jira issue: {ticket.reference} to {request.department}",
            # What the issue is built from is read at send time (issues.py); this is
            # what a lead reads in the outbox admin.
            body=f"{ticket.reference} · {ticket.subject}\nNeeded: {request.needed}",
        )


def connect() -> None:
    events.department_requested.connect(queue_issue, dispatch_uid="jiraops.issue")
    register_jira_sender(send_issue)

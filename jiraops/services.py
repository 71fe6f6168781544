"""What an event from Jira's webhook does to the department request linked to the issue
(its key is the request's reference). Each change runs the desk's own service as the
system actor: Jira's people have no accounts here, so the history says "System" and the
note or answer names who did it in Jira.

Jira may send an event twice, or late: a request already in the state an event asks for
is left as it is, and a comment is appended once (its id is in the note)."""

from dataclasses import dataclass

from core.actors import system_user
from core.errors import ApplicationError
from escalation.models import (
    Channel,
    Communication,
    DepartmentRequest,
    DepartmentRequestState,
    Direction,
)
from escalation.services import (
    communication_log,
    department_request_acknowledge,
    department_request_answer,
)

ISSUE_UPDATED = "jira:issue_updated"
COMMENT_CREATED = "comment_created"
PENDING = (DepartmentRequestState.OPEN, DepartmentRequestState.ACKNOWLEDGED)


@dataclass(frozen=True)
class JiraEvent:
    """The parts of a webhook payload we use, already checked for shape."""

    kind: str
    key: str
    status_category: str = ""  # "new", "indeterminate" (in progress) or "done"
    resolution: str = ""
    comment_id: str = ""
    comment_body: str = ""
    comment_author: str = ""
    last_comment: str = ""


def _text(body: object) -> str:
    """A comment's text: a string (REST v2, wiki markup) or an Atlassian document (v3)."""
    if isinstance(body, str):
        return body
    if isinstance(body, dict):
        if body.get("type") == "text":
            return str(body.get("text", ""))
        parts = [_text(child) for child in body.get("content") or []]
        return ("\n" if body.get("type") == "doc" else "").join(parts)
    return ""


def parse_event(payload: object) -> JiraEvent:
    """Raises ValueError when the payload is not a Jira webhook event we can read."""
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    issue = payload.get("issue")
    if not isinstance(issue, dict) or not isinstance(issue.get("key"), str):
        raise ValueError("no issue key")
    fields = issue.get("fields") if issue.get("fields") is not None else {}
    if not isinstance(fields, dict):
        raise ValueError("issue fields are not an object")
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}) if isinstance(status, dict) else {}
    resolution = fields.get("resolution") or {}
    comments = (fields.get("comment") or {}).get("comments") or []
    comment = payload.get("comment") or {}
    if not all(isinstance(x, dict) for x in (status, category, resolution, comment)):
        raise ValueError("unexpected field shapes")
    last = comments[-1] if isinstance(comments, list) and comments else {}
    return JiraEvent(
        kind=str(payload.get("webhookEvent", "")),
        key=issue["key"].strip()[:100],
        status_category=str(category.get("key", "")),
        resolution=str(resolution.get("name", "")),
        comment_id=str(comment.get("id", "")),
        comment_body=_text(comment.get("body")).strip(),
        comment_author=str((comment.get("author") or {}).get("displayName", "someone")),
        last_comment=_text(last.get("body") if isinstance(last, dict) else "").strip(),
    )


def jira_event_apply(event: JiraEvent) -> str:
    """Apply one event; returns what was done, for the webhook's answer. Refusals of the
    services (a closed ticket, a change meanwhile) are reported, never raised: Jira
    would only retry an event that can never apply."""
    request = (
        DepartmentRequest.objects.select_related("ticket", "department")
        .filter(external_reference=event.key)
        .order_by("-pk")
        .first()
    )
    if request is None:
        return f"ignored: no request is linked to {event.key}"
    try:
        if event.kind == COMMENT_CREATED:
            return _comment(request, event)
        if event.kind == ISSUE_UPDATED:
            return _status(request, event)
    except ApplicationError as exc:
        return f"ignored: {exc.message}"
    return f"ignored: {event.kind or 'an event'} is not handled"


def _status(request: DepartmentRequest, event: JiraEvent) -> str:
    actor = system_user()
    if event.status_category == "done" or event.resolution:
        if request.state not in PENDING:
            return "no change: already answered or closed"
        resolution = event.resolution or "Done"
        answer = f"Resolved in Jira {event.key} ({resolution})." + (
            f"\n{event.last_comment}" if event.last_comment else ""
        )
        department_request_answer(request=request, actor=actor, answer=answer)
        return "answered"
    if event.status_category == "indeterminate":
        if request.state != DepartmentRequestState.OPEN:
            return "no change: already acknowledged"
        department_request_acknowledge(request=request, actor=actor, external_reference=event.key)
        return "acknowledged"
    return "no change"


def _comment(request: DepartmentRequest, event: JiraEvent) -> str:
    if not event.comment_body:
        return "ignored: an empty comment"
    marker = f"Jira {event.key} comment {event.comment_id or '?'}"
    seen = Communication.objects.filter(
        ticket_id=request.ticket_id, direction=Direction.INTERNAL, body__startswith=marker + " "
    )
    if event.comment_id and seen.exists():
        return "no change: comment already noted"
    communication_log(
        ticket=request.ticket,
        actor=system_user(),
        direction=Direction.INTERNAL,
        channel=Channel.INTERNAL,
        body=f"{marker} by {event.comment_author}:\n{event.comment_body}",
    )
    return "noted"

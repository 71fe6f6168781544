"""The Jira issue of a department request, built and created when the outbox sends it.

Built from the rows as they are then (a message retried an hour later carries the
request and the target as they are now), and created at most once per request: the
issue key is stored as the request's reference, and a request that already has one is
not sent again. Credentials come from the environment, never from a row."""

import requests
from django.conf import settings
from django.urls import reverse
from jira import JIRA, JIRAError

from contacts.models import JiraTarget
from core.actors import system_user
from escalation.models import DepartmentRequest
from escalation.services import department_request_link
from outbox.delivery import DeliveryError, Undeliverable, one_line
from outbox.models import OutboxMessage

SUMMARY_LIMIT = 255  # Jira refuses longer summaries
DESCRIPTION_LIMIT = 30_000  # under Jira's 32,767 characters for a text field
RESERVED = {"project", "issuetype", "summary", "description"}


def _request_of(message: OutboxMessage) -> DepartmentRequest:
    kind, _, rest = message.event_key.partition(":")
    pk = rest.split(":", 1)[0]
    request = (
        DepartmentRequest.objects.select_related("ticket", "ticket__owner", "department")
        .filter(pk=int(pk))
        .first()
        if kind == "department-request" and pk.isdigit()
        else None
    )
    if request is None:
        raise Undeliverable("jira: the department request no longer exists")
    return request


def _handoff_lines(request: DepartmentRequest) -> list[str]:
    """The ticket's latest hand-off between tiers, if it had one: what the department
    would otherwise ask support again."""
    escalation = request.ticket.escalations.order_by("-requested_at", "-pk").first()
    if escalation is None:
        return []
    items = [
        ("Summary", escalation.summary),
        ("Impact", escalation.impact),
        ("Going on since", escalation.ongoing_since),
        ("Troubleshooting", escalation.troubleshooting),
        ("Why escalated", escalation.why_escalating),
        ("Questions", escalation.questions),
        ("Business impact", escalation.business_impact),
    ]
    lines = [
        f"h3. Hand-off ({escalation.get_from_tier_display()} to {escalation.get_to_tier_display()})"
    ]
    lines += [f"*{label}:* {value}" for label, value in items if value]
    return lines


def issue_fields(request: DepartmentRequest, target: JiraTarget) -> dict:
    """The `fields` of the issue: summary "[Priority] ESC-000123: subject", a description
    with the request and the hand-off, and the target's mapping (priority, extra fields)."""
    ticket = request.ticket
    link = settings.SITE_URL.rstrip("/") + reverse("desk:ticket", args=[ticket.pk])
    description = "\n".join(
        [
            f"*Needed:* {request.needed}",
            f"*Customer impact:* {request.customer_impact}",
            f"*Support findings:* {request.findings}",
            f"*Ticket:* {ticket.reference} · {ticket.subject} · owner {ticket.owner}",
            f"*Link:* {link}",
            *_handoff_lines(request),
        ]
    )
    mapping = target.field_mapping or {}
    extra = mapping.get("fields") or {}
    fields: dict = {key: value for key, value in extra.items() if key not in RESERVED}
    fields.update(
        project={"key": target.project_key},
        issuetype={"name": target.issue_type},
        summary=one_line(f"[{ticket.get_priority_display()}] {ticket.reference}: {ticket.subject}")[
            :SUMMARY_LIMIT
        ],
        description=description[:DESCRIPTION_LIMIT],
    )
    jira_priority = (mapping.get("priority") or {}).get(ticket.priority)
    if jira_priority:
        fields["priority"] = {"name": jira_priority}
    return fields


def _failure(exc: Exception) -> str:
    """What went wrong, without the request's headers: JIRAError's own text carries them,
    and with them the Authorization header."""
    if isinstance(exc, JIRAError):
        text = getattr(exc.response, "text", "") or exc.text or ""
        return f"jira: HTTP {exc.status_code}: {one_line(str(text))[:300]}"
    return f"jira: {exc.__class__.__name__}: {one_line(str(exc))[:300]}"


def send_issue(message: OutboxMessage) -> None:
    """The outbox's Jira sender: create the request's issue and link its key.

    Raises Undeliverable when the request or its active target is gone (nothing to send
    ever), DeliveryError when the credentials are unset or Jira fails (retried later)."""
    request = _request_of(message)
    if request.external_reference:
        return  # already has its issue (an earlier attempt, or a person linked one)
    target = JiraTarget.objects.filter(department_id=request.department_id, is_active=True).first()
    if target is None:
        raise Undeliverable(f"jira: {request.department} has no active Jira target now")
    if not (settings.JIRA_EMAIL and settings.JIRA_API_TOKEN):
        raise DeliveryError("jira: JIRA_EMAIL and JIRA_API_TOKEN are not configured")
    client = JIRA(
        server=target.site_url,
        basic_auth=(settings.JIRA_EMAIL, settings.JIRA_API_TOKEN),
        get_server_info=False,
        timeout=settings.JIRA_TIMEOUT,
        max_retries=0,
    )
    try:
        issue = client.create_issue(fields=issue_fields(request, target), prefetch=False)
    except (JIRAError, requests.RequestException) as exc:
        raise DeliveryError(_failure(exc)) from exc
    finally:
        client.close()
    department_request_link(request=request, reference=issue.key, actor=system_user())

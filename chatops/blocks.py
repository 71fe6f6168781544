"""Chat messages with buttons (Slack Block Kit) or, for Teams, a card with a link.

Built when the outbox sends, from the rows as they are then: a message retried an hour
later shows the hand-off as it is, and its buttons carry only a reference (the pressing
person's rights are checked when pressed, never baked into the message)."""

from django.conf import settings
from django.urls import reverse

from escalation.models import DepartmentRequest, Escalation
from outbox.models import OutboxMessage

from .services import ACCEPT_HANDOFF, ACKNOWLEDGE_REQUEST, OPEN_TICKET


def ticket_url(ticket_pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("desk:ticket", args=[ticket_pk])


def _button(text: str, action_id: str, *, value: str = "", url: str = "", style: str = ""):
    button: dict = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
    }
    if value:
        button["value"] = value
    if url:
        button["url"] = url
    if style:
        button["style"] = style
    return button


def esc(value: object) -> str:
    """Text from customers and other systems shown literally in Slack: no `<!channel>`
    pings, no disguised links (Slack's escaping of &, < and >)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


def handoff_blocks(escalation: Escalation) -> list[dict]:
    ticket = escalation.ticket
    text = (
        f"*{ticket.reference}* · {ticket.get_priority_display()} · {esc(ticket.subject)}\n"
        f"Escalated to {escalation.get_to_tier_display()} by {esc(escalation.requested_by)} "
        f"({escalation.get_trigger_display()})"
        + (f"\n*Summary:* {esc(escalation.summary)}" if escalation.summary else "")
    )
    return [
        _section(text),
        {
            "type": "actions",
            "elements": [
                _button("Accept hand-off", ACCEPT_HANDOFF, value=ticket.reference, style="primary"),
                _button("Open ticket", OPEN_TICKET, url=ticket_url(ticket.pk)),
            ],
        },
    ]


def request_blocks(request: DepartmentRequest) -> list[dict]:
    ticket = request.ticket
    text = (
        f"*{ticket.reference}* · {ticket.get_priority_display()} · support needs "
        f"{esc(request.department)}\n*Needed:* {esc(request.needed)}\n"
        f"*Customer impact:* {esc(request.customer_impact)}\n"
        f"*Findings:* {esc(request.findings)}"
    )
    return [
        _section(text),
        {
            "type": "actions",
            "elements": [
                _button("Acknowledge", ACKNOWLEDGE_REQUEST, value=str(request.pk), style="primary"),
                _button("Open ticket", OPEN_TICKET, url=ticket_url(ticket.pk)),
            ],
        },
    ]


def _blocks_for(message: OutboxMessage) -> tuple[list[dict], int] | None:
    """The blocks and ticket of a hand-off or department request message, else None."""
    kind, _, rest = message.event_key.partition(":")
    pk = rest.split(":", 1)[0]
    if not pk.isdigit():
        return None
    if kind == "handoff":
        escalation = (
            Escalation.objects.select_related("ticket", "requested_by").filter(pk=pk).first()
        )
        return (handoff_blocks(escalation), escalation.ticket_id) if escalation else None
    if kind == "department-request":
        request = (
            DepartmentRequest.objects.select_related("ticket", "department").filter(pk=pk).first()
        )
        return (request_blocks(request), request.ticket_id) if request else None
    return None


def chat_payload(message: OutboxMessage) -> dict:
    """The JSON the chat webhook gets for this outbox message (Slack or Teams)."""
    text = f"*{esc(message.subject)}*\n{esc(message.body)}"
    found = _blocks_for(message)
    if settings.CHAT_KIND == "teams":
        card: dict = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": message.subject,
            "title": message.subject,
            "text": message.body.replace("\n", "  \n"),
        }
        if found:
            card["potentialAction"] = [
                {
                    "@type": "OpenUri",
                    "name": "Open ticket",
                    "targets": [{"os": "default", "uri": ticket_url(found[1])}],
                }
            ]
        return card
    payload: dict = {"channel": message.recipient, "text": text}
    if found:
        payload["blocks"] = found[0]
    return payload

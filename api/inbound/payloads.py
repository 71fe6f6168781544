"""The shapes each helpdesk sends, read into one `Incoming`.

Zendesk: the body of a trigger webhook we document (README, "Connecting Zendesk or
Freshdesk"), or an event-subscription payload (`zen:event-type:ticket.*`). Freshdesk: the
"simple" webhook (`{"freshdesk_webhook": {...}}`) or the same keys at the top level.
Generic: `{"event", "ticket", "customer", "message"}`. Each reader checks every value it
uses (reading.Reader) and raises PayloadRejected naming the bad fields.
"""

import html

from django.utils.html import strip_tags

from escalation.models import Channel

from .reading import (
    FRESHDESK_PRIORITY,
    GENERIC_PRIORITY,
    MAX_LINE,
    ZENDESK_PRIORITY,
    Incoming,
    PayloadRejected,
    Person,
    Reader,
)

ZENDESK_EVENT = "zen:event-type:"
GENERIC_EVENTS = ("ticket.created", "ticket.updated", "message.created")
INBOUND_CHANNELS = [c for c in Channel.values if c != Channel.INTERNAL]


def channel_from_via(via: str) -> str:
    """A helpdesk's channel name ("Mail", "web_form", "chat") as one of ours."""
    via = via.lower()
    for words, channel in (
        (("mail",), Channel.EMAIL),
        (("chat", "messag"), Channel.CHAT),
        (("voice", "phone"), Channel.PHONE),
    ):
        if any(w in via for w in words):
            return channel
    return Channel.PORTAL


def read(kind: str, data: dict) -> Incoming:
    if kind == "zendesk":
        if str(data.get("type", "")).startswith(ZENDESK_EVENT):
            return _zendesk_event(data)
        return _zendesk_trigger(data)
    if kind == "freshdesk":
        return _freshdesk(data)
    return _generic(data)


def _zendesk_trigger(data: dict) -> Incoming:
    r = Reader()
    ticket = r.obj(data, "ticket", "ticket", required=True)
    requester = r.obj(ticket, "requester", "ticket.requester", required=bool(ticket))
    incoming = Incoming(
        ticket_id=r.ident(ticket, "id", "ticket.id", required=bool(ticket)),
        person=Person(
            external_id=r.ident(requester, "id", "ticket.requester.id"),
            email=r.email(requester, "email", "ticket.requester.email"),
            name=r.text(requester, "name", "ticket.requester.name", limit=MAX_LINE, line=True),
            company=r.text(
                ticket, "organization", "ticket.organization", limit=MAX_LINE, line=True
            ),
        ),
        subject=r.text(ticket, "title", "ticket.title", limit=MAX_LINE, line=True),
        description=r.text(ticket, "description", "ticket.description"),
        priority=r.priority(ticket, "priority", "ticket.priority", ZENDESK_PRIORITY),
        category=r.text(ticket, "category", "ticket.category", limit=60),
        assignee_email=r.email(ticket, "assignee_email", "ticket.assignee_email"),
        message=r.text(ticket, "latest_public_comment", "ticket.latest_public_comment"),
        channel=channel_from_via(r.text(ticket, "via", "ticket.via", limit=60)),
    )
    if ticket and not incoming.person.email:
        r.fail("ticket.requester.email", "Send the requester's email ({{ticket.requester.email}}).")
    r.check()
    return incoming


def _zendesk_event(data: dict) -> Incoming:
    """An event subscription's payload: `detail` is the ticket now, `event` what changed.
    It names the requester only by id, so the customer must already be known here."""
    r = Reader()
    event_type = r.text(data, "type", "type", limit=100).removeprefix(ZENDESK_EVENT)
    detail = r.obj(data, "detail", "detail", required=True)
    event = r.obj(data, "event", "event")
    via = r.obj(detail, "via", "detail.via")
    incoming = Incoming(
        ticket_id=r.ident(detail, "id", "detail.id", required=True),
        person=Person(external_id=r.ident(detail, "requester_id", "detail.requester_id")),
        subject=r.text(detail, "subject", "detail.subject", limit=MAX_LINE, line=True),
        description=r.text(detail, "description", "detail.description"),
        priority=r.priority(detail, "priority", "detail.priority", ZENDESK_PRIORITY),
        channel=channel_from_via(r.text(via, "channel", "detail.via.channel", limit=60)),
        requires_known_customer=True,
        creates=event_type == "ticket.created",
    )
    if not event_type.startswith("ticket."):
        r.fail("type", "Only ticket events are received here.")
    if event_type == "ticket.comment_added":
        comment = r.obj(event, "comment", "event.comment", required=True)
        author = r.obj(comment, "author", "event.comment.author")
        incoming.message = r.text(comment, "body", "event.comment.body")
        is_public = r.flag(comment, "is_public", "event.comment.is_public", default=True)
        is_staff = r.flag(author, "is_staff", "event.comment.author.is_staff", default=False)
        if not is_public:
            incoming.skipped = "a private comment (internal note) is not a customer message"
        elif is_staff:
            incoming.skipped = "a comment by a Zendesk agent is not a customer message"
    r.check()
    return incoming


def _plain(text: str) -> str:
    """Freshdesk's descriptions and comments are HTML; we keep text."""
    return html.unescape(strip_tags(text)).strip()


def _freshdesk(data: dict) -> Incoming:
    r = Reader()
    inner = data.get("freshdesk_webhook")
    prefix = "freshdesk_webhook." if inner is not None else ""
    fields = r.obj(data, "freshdesk_webhook", "freshdesk_webhook") if inner is not None else data
    r.check()  # a non-object "freshdesk_webhook" is the one error worth naming

    def at(key: str) -> str:
        return prefix + key

    incoming = Incoming(
        ticket_id=r.ident(fields, "ticket_id", at("ticket_id"), required=True),
        person=Person(
            external_id=r.ident(fields, "ticket_contact_id", at("ticket_contact_id")),
            email=r.email(fields, "ticket_contact_email", at("ticket_contact_email")),
            name=r.text(
                fields, "ticket_contact_name", at("ticket_contact_name"), limit=MAX_LINE, line=True
            ),
            company=r.text(
                fields, "ticket_company_name", at("ticket_company_name"), limit=MAX_LINE, line=True
            ),
        ),
        subject=r.text(fields, "ticket_subject", at("ticket_subject"), limit=MAX_LINE, line=True),
        description=_plain(r.text(fields, "ticket_description", at("ticket_description"))),
        priority=r.priority(fields, "ticket_priority", at("ticket_priority"), FRESHDESK_PRIORITY),
        category=r.text(fields, "ticket_category_code", at("ticket_category_code"), limit=60),
        assignee_email=r.email(fields, "ticket_agent_email", at("ticket_agent_email")),
        message=_plain(
            r.text(fields, "ticket_latest_public_comment", at("ticket_latest_public_comment"))
        ),
        channel=channel_from_via(r.text(fields, "ticket_source", at("ticket_source"), limit=60)),
    )
    if not incoming.person.email and "ticket_contact_email" not in r.errors:
        r.fail(at("ticket_contact_email"), "Send the contact's email ({{ticket.contact.email}}).")
    r.check()
    return incoming


def _generic(data: dict) -> Incoming:
    r = Reader()
    event = r.text(data, "event", "event", limit=40, required=True)
    if event and event not in GENERIC_EVENTS:
        r.fail("event", f"Send one of: {', '.join(GENERIC_EVENTS)}.")
    ticket = r.obj(data, "ticket", "ticket", required=True)
    customer = r.obj(data, "customer", "customer")
    message = r.obj(data, "message", "message", required=event == "message.created")
    channel = r.text(message, "channel", "message.channel", limit=20) or Channel.PORTAL
    if channel not in INBOUND_CHANNELS:
        r.fail("message.channel", f"Send one of: {', '.join(INBOUND_CHANNELS)}.")
    incoming = Incoming(
        ticket_id=r.ident(ticket, "id", "ticket.id", required=True),
        person=Person(
            external_id=r.ident(customer, "id", "customer.id"),
            email=r.email(customer, "email", "customer.email"),
            name=r.text(customer, "name", "customer.name", limit=MAX_LINE, line=True),
            company=r.text(customer, "company", "customer.company", limit=MAX_LINE, line=True),
        ),
        subject=r.text(ticket, "subject", "ticket.subject", limit=MAX_LINE, line=True),
        description=r.text(ticket, "description", "ticket.description"),
        priority=r.priority(ticket, "priority", "ticket.priority", GENERIC_PRIORITY),
        category=r.text(ticket, "category", "ticket.category", limit=60),
        assignee_email=r.email(ticket, "assignee_email", "ticket.assignee_email"),
        message=r.text(message, "body", "message.body", required=event == "message.created"),
        channel=channel,
    )
    incoming.requires_known_customer = not incoming.person.email
    r.check()
    return incoming


__all__ = ["PayloadRejected", "read"]

"""Reading an inbound email defensively: what it says, who sent it, which ticket it names.

Providers pass on whatever arrived, so every field is read as if it could be malformed:
an unreadable part leaves its field empty (the email is then held for a person to read),
NUL bytes are removed, and every value is bounded before it reaches the database.
"""

import email.errors
import hashlib
from dataclasses import dataclass, field
from email.utils import getaddresses

from anymail.exceptions import AnymailError
from anymail.inbound import AnymailInboundMessage
from django.utils.html import strip_tags
from mailparser_reply import EmailReplyParser

from outbox.threading import ticket_from_address, ticket_from_message_ids

from .models import MAX_ORIGINAL, MAX_RECIPIENTS, MAX_TEXT

# What a malformed message can raise while being read (bad charsets, broken headers).
UNREADABLE = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    AssertionError,
    email.errors.MessageError,
    AnymailError,
)
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
# The quote-stripper's rules are regular expressions: give them a bounded text.
MAX_PARSED = 50_000
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv"]


def clean(value: object, limit: int, *, one_line: bool = False) -> str:
    """Text safe to store: a string, without NUL bytes, at most `limit` characters."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "")
    if one_line:
        text = " ".join(text.split())
    return text[:limit]


def _header(message: AnymailInboundMessage, name: str) -> list[str]:
    try:
        return [str(v) for v in (message.get_all(name) or [])][:MAX_RECIPIENTS]
    except UNREADABLE:
        return []


def _addresses(values: list[str]) -> list[str]:
    try:
        pairs = getaddresses(values)
    except UNREADABLE:
        return []
    return [clean(addr, 254).strip() for _name, addr in pairs if addr and "@" in addr]


def _text(message: AnymailInboundMessage) -> str:
    """The first text/plain part; else the first HTML part without its tags."""
    for reader in (lambda: message.text, lambda: strip_tags(message.html or "")):
        try:
            text = reader()
        except UNREADABLE:
            continue
        if text and text.strip():
            return text
    return ""


def strip_quotes(text: str) -> str:
    """The reply without the quoted message below it ("On ... wrote:", "> ...") or the
    signature; the whole text when stripping would leave nothing."""
    try:
        reply = EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text=text[:MAX_PARSED])
    except UNREADABLE:
        reply = ""
    return (reply or "").strip() or text.strip()


def is_automatic(message: AnymailInboundMessage) -> bool:
    """An out-of-office, a bounce or a list: never counted as the customer speaking."""
    auto = " ".join(_header(message, "Auto-Submitted")).strip().lower()
    precedence = " ".join(_header(message, "Precedence")).strip().lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(_header(message, "X-Autoreply") or _header(message, "X-Autorespond"))
    )


@dataclass
class ReadEmail:
    """What the inbox keeps of one email, and the ticket it names (if any)."""

    dedupe_key: str
    message_id: str
    sender: str
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    original: str = ""
    ticket_id: int | None = None
    automatic: bool = False
    spam: bool = False


def read(message: AnymailInboundMessage) -> ReadEmail:
    """Everything the inbox needs from `message`, never raising on a malformed one.

    The ticket is the one a reply address among the recipients names (To, Cc,
    Delivered-To, the envelope), else the one our ids in In-Reply-To / References name.
    """
    message_id = clean(" ".join(_header(message, "Message-ID")), 255, one_line=True).strip()
    senders = _addresses(_header(message, "From"))
    sender = senders[0] if senders else ""
    recipients: list[str] = []
    for name in RECIPIENT_HEADERS:
        recipients += _addresses(_header(message, name))
    envelope = getattr(message, "envelope_recipient", None)
    if envelope:
        recipients += _addresses([str(envelope)])
    recipients = list(dict.fromkeys(r.lower() for r in recipients))[:MAX_RECIPIENTS]
    subject = clean(" ".join(_header(message, "Subject")), 200, one_line=True)
    original = clean(_text(message), MAX_ORIGINAL)
    text = clean(strip_quotes(original), MAX_TEXT)

    ticket_id = next(
        (t for t in map(ticket_from_address, recipients) if t is not None),
        None,
    )
    if ticket_id is None:
        ticket_id = ticket_from_message_ids(
            " ".join(_header(message, "In-Reply-To"))[:5000],
            " ".join(_header(message, "References"))[:20000],
        )
    if message_id:
        key = f"id:{message_id}"
    else:  # no Message-ID: a retry is the same content from the same sender
        key = f"content:{sender}\n{','.join(recipients)}\n{subject}\n{original}"
    return ReadEmail(
        dedupe_key=hashlib.sha256(key.encode("utf-8", "replace")).hexdigest(),
        message_id=message_id,
        sender=sender,
        recipients=recipients,
        subject=subject,
        text=text,
        original=original,
        ticket_id=ticket_id,
        automatic=is_automatic(message),
        spam=bool(getattr(message, "spam_detected", False)),
    )

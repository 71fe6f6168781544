"""One email thread per ticket: the ids and the reply address the customer's mail client
keeps, and reading them back when the customer answers.

Everything that names a ticket carries a signature (django.core.signing, its own salt), so
an outsider can neither guess a reply address nor forge an In-Reply-To that lands on
someone else's ticket by counting ticket numbers:

- the thread root `<ticket-123.<sig>@example.com>`: stable per ticket, referenced by every
  email of the ticket (In-Reply-To, References), so mail clients group them;
- a message's own id `<ticket-123.<sig>.c456@example.com>`: stable per message (the
  outbox stores it on the row, so a retry or a re-send keeps it);
- the reply address `reply+123.<sig>@INBOUND_EMAIL_DOMAIN`: where the customer's answer
  goes, whatever their client does with the headers.

The signature is lower-case base32, because mail systems may change the case of an
address's local part; it is checked case-insensitively. Keys rotate with Django's
SECRET_KEY_FALLBACKS. Ids are written in the sender's domain (DEFAULT_FROM_EMAIL) and
read back from it or the reply domain; ids of any other domain are never ours.
"""

import base64
import re

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "outbox.threading.ticket"
REPLY_LOCAL = "reply"
_SIGNATURE_BYTES = 15  # 120 bits: 24 base32 characters


class _TicketSigner(signing.Signer):
    """django.core.signing's Signer with a compact, case-insensitive signature."""

    def signature(self, value, key=None):
        digest = salted_hmac(
            self.salt + "signer", value, key or self.key, algorithm=self.algorithm
        ).digest()
        return base64.b32encode(digest[:_SIGNATURE_BYTES]).decode().lower()


def _signer() -> _TicketSigner:
    return _TicketSigner(salt=SALT, sep=".", algorithm="sha256")


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def message_domain() -> str:
    """The domain of our Message-IDs: the sender's (as the outbox's idempotency keys)."""
    return _domain(settings.DEFAULT_FROM_EMAIL) or "localhost"


def reply_domain() -> str:
    return (settings.INBOUND_EMAIL_DOMAIN or message_domain()).strip().lower()


def ticket_token(ticket_id: int) -> str:
    """`123.<signature>`: names the ticket; only this server can make one."""
    return _signer().sign(str(int(ticket_id)))


def ticket_from_token(token: str) -> int | None:
    """The ticket a token names, or None for anything not signed by us."""
    token = (token or "").strip().lower()
    if len(token) > 64:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() and len(value) < 19 else None


def thread_root_id(ticket_id: int) -> str:
    """The Message-ID every email of this ticket refers to (In-Reply-To, References)."""
    return f"<ticket-{ticket_token(ticket_id)}@{message_domain()}>"


def thread_message_id(ticket_id: int, key: str) -> str:
    """A Message-ID for one message of the ticket's thread; `key` ([a-z0-9-]) tells the
    messages apart and must be stable for the message (e.g. "c456", its communication)."""
    if not re.fullmatch(r"[a-z0-9-]{1,40}", key):
        raise ValueError(f"bad message key {key!r}")
    return f"<ticket-{ticket_token(ticket_id)}.{key}@{message_domain()}>"


def reply_address(ticket_id: int) -> str:
    """Where the customer's reply to this ticket goes: `reply+<token>@<reply domain>`."""
    return f"{REPLY_LOCAL}+{ticket_token(ticket_id)}@{reply_domain()}"


def ticket_from_address(address: str) -> int | None:
    """The ticket a reply address names (any case, with or without a display name or
    angle brackets), or None when it is not one of ours."""
    address = (address or "").strip().strip("<>").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or domain != reply_domain():
        return None
    prefix, plus, token = local.partition("+")
    if not plus or prefix != REPLY_LOCAL:
        return None
    return ticket_from_token(token)


_ID = re.compile(r"<([^<>\s]{1,250})>")
_OUR_ID = re.compile(r"ticket-(\d{1,18}\.[a-z2-7]{24})(?:\.[a-z0-9-]{1,40})?@(.+)")


def ticket_from_message_ids(*values: str) -> int | None:
    """The ticket named by the first of our own ids in these header values (In-Reply-To
    first, then References, latest first); ids of other domains or with a bad signature
    are skipped."""
    ours = {message_domain(), reply_domain()}
    for value in values:
        ids = _ID.findall(value or "")[:100]
        for message_id in reversed(ids):
            match = _OUR_ID.fullmatch(message_id.lower())
            if match and match.group(2) in ours:
                ticket_id = ticket_from_token(match.group(1))
                if ticket_id is not None:
                    return ticket_id
    return None

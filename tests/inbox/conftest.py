"""Helpers for the inbox: a real SMTP server for what goes out, and the Postmark inbound
webhook (anymail's own view) for what comes in, signed in with basic auth."""

import base64
import json
import uuid
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.conf import settings
from django.utils import timezone

from escalation.models import Channel, Direction
from escalation.services import communication_log

URL = "/inbox/anymail/postmark/inbound/"


def basic_auth(secret: str | None = None) -> str:
    secret = secret or settings.ANYMAIL["WEBHOOK_SECRET"]
    return "Basic " + base64.b64encode(secret.encode()).decode()


def raw_email(
    *,
    sender: str,
    to: str,
    body: str,
    subject: str = "Re: your ticket",
    message_id: str | None = "auto",
    **headers: str,
) -> str:
    """An email as a mail client writes it (RFC 5322 text)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id == "auto":
        message_id = f"<{uuid.uuid4().hex}@mail.customer.example>"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_string()


def postmark_payload(raw: str, *, recipient: str = "") -> dict:
    """Postmark's inbound JSON with "Include raw email content" on (what anymail reads)."""
    return {
        "FromFull": {"Email": "", "Name": ""},
        "ToFull": [],
        "Headers": [{"Name": "Return-Path", "Value": "<bounce@mail.customer.example>"}],
        "MessageID": str(uuid.uuid4()),
        "OriginalRecipient": recipient,
        "RawEmail": raw,
    }


@pytest.fixture
def post_inbound(client, db):
    """POST a Postmark inbound payload (dict, or raw bytes/str as the body) to the webhook."""

    def post(payload, *, auth: str | None = None, content_type: str = "application/json"):
        body = json.dumps(payload) if isinstance(payload, dict | list) else payload
        return client.post(
            URL,
            data=body,
            content_type=content_type,
            HTTP_AUTHORIZATION=auth or basic_auth(),
        )

    return post


def email_customer(ticket, actor, body="Please send us the sync log."):
    return communication_log(
        ticket=ticket, actor=actor, direction=Direction.OUTBOUND, channel=Channel.EMAIL, body=body
    )

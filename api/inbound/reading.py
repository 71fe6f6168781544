"""Reading untrusted JSON: every value checked for type, NUL, unencodable text and size,
with the errors collected by field, so junk is one 422 naming each bad field and never
reaches the database (PostgreSQL refuses NUL and lone surrogates: a 500)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.choices import Priority
from core.errors import InvalidInput

MAX_TEXT = 20_000  # a description or message longer than this is cut, not refused
MAX_LINE = 200  # a subject, name or company
MAX_ID = 80  # "<kind>:<id>" must fit the 100 characters of external_reference


class PayloadRejected(InvalidInput):
    """The payload cannot be used as it is: answered 422, logged as rejected, and nothing
    is changed. Distinct from a service's refusal, which is answered 200 (see services)."""


@dataclass
class Person:
    """The customer as the helpdesk knows them (`external_id` without the kind prefix)."""

    external_id: str = ""
    email: str = ""
    name: str = ""
    company: str = ""


@dataclass
class Incoming:
    """One delivery in our words, whatever helpdesk sent it."""

    ticket_id: str
    person: Person
    subject: str = ""
    description: str = ""
    priority: str | None = None
    category: str = ""
    assignee_email: str = ""
    message: str = ""
    channel: str = "portal"
    # Why a comment in the payload is not a customer message (staff, private); "" if it is.
    skipped: str = ""
    # Event-shaped payloads without the requester's email: the customer must be known.
    requires_known_customer: bool = False
    creates: bool = True  # False: an event that only makes sense on a known ticket
    notes: list[str] = field(default_factory=list)


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_object(body: bytes) -> dict:
    """The body as a JSON object, or PayloadRejected (not JSON, an array, too deep)."""
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, huge ints
        raise PayloadRejected(
            "The body is not JSON: send one JSON object (UTF-8).",
            field_errors={"body": ["Send one JSON object."]},
        ) from exc
    if not isinstance(data, dict):
        raise PayloadRejected(
            "Send one JSON object, not a list or a single value.",
            field_errors={"body": ["Send one JSON object."]},
        )
    return data


class Reader:
    """Pulls typed values out of nested dicts, noting each problem under its dotted path."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def check(self) -> None:
        """Raise PayloadRejected naming every bad field, if any."""
        if self.errors:
            names = ", ".join(sorted(self.errors))
            raise PayloadRejected(
                f"Some fields are missing or wrong ({names}); nothing was changed.",
                field_errors=self.errors,
            )

    def obj(self, data: dict, key: str, path: str, *, required: bool = False) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, "This object is required.")
            return {}
        if not isinstance(value, dict):
            self.fail(path, "Send an object.")
            return {}
        return value

    def text(
        self,
        data: dict,
        key: str,
        path: str,
        *,
        limit: int = MAX_TEXT,
        line: bool = False,
        required: bool = False,
    ) -> str:
        """A string (or an integer, as ids often are), stripped and cut to `limit`; on one
        line when `line` (helpdesk subjects may carry line breaks)."""
        value = data.get(key)
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(path, "Send text.")
            return ""
        value = str(value)
        if "\x00" in value:
            self.fail(path, "Remove the NUL character.")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(path, "Send valid Unicode text.")
            return ""
        value = " ".join(value.split()) if line else value.strip()
        value = value[:limit]
        if required and not value:
            self.fail(path, "This field is required.")
        return value

    def ident(self, data: dict, key: str, path: str, *, required: bool = False) -> str:
        """An id: printable, without spaces, at most MAX_ID characters; never cut."""
        value = self.text(data, key, path, limit=10 * MAX_ID, required=required)
        if value and (len(value) > MAX_ID or not value.isprintable() or " " in value):
            self.fail(path, f"Send an ID of up to {MAX_ID} printable characters.")
            return ""
        return value

    def email(self, data: dict, key: str, path: str) -> str:
        value = self.text(data, key, path, limit=1000)
        if not value:
            return ""
        try:
            if len(value) > 254:
                raise ValidationError("too long")
            validate_email(value)
        except ValidationError:
            self.fail(path, "Send a valid email address.")
            return ""
        return value

    def flag(self, data: dict, key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(path, "Send true or false.")
            return default
        return value

    def priority(self, data: dict, key: str, path: str, mapping: Mapping[str, str]) -> str | None:
        """The sender's priority word (or number) as ours; None when it sent none."""
        value = self.text(data, key, path, limit=40).lower()
        if value in ("", "-", "none", "null"):
            return None
        if value not in mapping:
            self.fail(path, f"Unknown priority; send one of: {', '.join(mapping)}.")
            return None
        return mapping[value]


ZENDESK_PRIORITY = {
    "low": Priority.LOW,
    "normal": Priority.MEDIUM,
    "high": Priority.HIGH,
    "urgent": Priority.CRITICAL,
}
FRESHDESK_PRIORITY = {
    "low": Priority.LOW,
    "medium": Priority.MEDIUM,
    "high": Priority.HIGH,
    "urgent": Priority.CRITICAL,
    "1": Priority.LOW,
    "2": Priority.MEDIUM,
    "3": Priority.HIGH,
    "4": Priority.CRITICAL,
}
GENERIC_PRIORITY = {p: p for p in Priority.values}

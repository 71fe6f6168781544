"""The ticket's full story in order, in words: contacts, hand-offs (each in full), department
requests and the ticket's own changes. Codes are stored (STYLE: "store codes, not labels");
this module is where they become the words people read."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.text import capfirst

from core.choices import Priority

from .models import (
    Channel,
    Communication,
    DepartmentRequest,
    Direction,
    Escalation,
    HandoffInfo,
    Ticket,
)
from .policies import TICKET_ACTIONS

EMPTY = "—"


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    who: str
    text: str
    # Labelled items shown under the text: a hand-off in full (label, value).
    items: tuple[tuple[str, str], ...] = ()


# --- hand-offs ------------------------------------------------------------------------

# The hand-off's items in the order the escalate form asks for them, in its words.
HANDOFF_TEXT = [
    ("summary", "Summary"),
    ("impact", "Impact (what is affected)"),
    ("ongoing_since", "How long it has been going on"),
    ("troubleshooting", "Troubleshooting steps taken, with results"),
    ("why_escalating", "Why escalating"),
    ("questions", "Questions for the next tier"),
    ("customer_expectation", "Customer's expectation"),
]


def handoff_items(escalation: Escalation) -> tuple[tuple[str, str], ...]:
    """Everything the hand-off carries, as (label, value), empty items shown as a dash so
    the receiving tier sees what is missing as well as what is there."""
    items = [(label, getattr(escalation, name) or EMPTY) for name, label in HANDOFF_TEXT]
    items += [
        ("Customer blocked from working", "Yes" if escalation.customer_blocked else "No"),
        ("Business impact", escalation.business_impact or EMPTY),
        ("Customer sentiment", escalation.get_sentiment_display() or EMPTY),
        ("Type", escalation.get_type_display()),
    ]
    if escalation.target_team_id:
        items.append(("Target team", str(escalation.target_team)))
    if escalation.target_specialist_id:
        items.append(("Target specialist", str(escalation.target_specialist)))
    info = dict(escalation.required_info or {})
    known = [c for c in HandoffInfo.values if c in info]
    for code in known + sorted(set(info) - set(known)):
        label = HandoffInfo(code).label if code in HandoffInfo.values else words_of(code)
        items.append((str(label), str(info[code] or EMPTY)))
    return tuple(items)


def ticket_handoffs(ticket: Ticket, limit: int = 200) -> list[Escalation]:
    """The ticket's hand-offs, newest first, with everything they show, in one query."""
    return list(
        Escalation.objects.filter(ticket=ticket)
        .select_related(
            "requested_by", "accepted_by", "returned_by", "target_team", "target_specialist"
        )
        .order_by("-requested_at", "-pk")[:limit]
    )


def pending_handoff(handoffs: list[Escalation]) -> Escalation | None:
    """The hand-off still waiting to be accepted, if any (from `ticket_handoffs`)."""
    return next((e for e in handoffs if e.state == "requested"), None)


# --- history reasons in words ---------------------------------------------------------

# Reason prefixes whose action's verb alone would not say what happened.
ACTION_WORDS = {
    "create": "Created",
    "contact": "Contact logged",
    "edit": "Edited",
    "auto": "Automatic",
    "incident": "Major incident",
    "accept_escalation": "Escalation accepted",
    "return_escalation": "Escalation returned",
    "wait_on_customer": "Waiting on customer",
    "wait_on_department": "Waiting on department",
    "request_department": "Department asked for help",
    "record_csat": "CSAT recorded",
    "reapply_sla": "SLA re-targeted",
    "record_rca": "Root-cause analysis documented",
}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_AUTO_PRIORITY = re.compile(r"^priority (\w+) \((.*)\), SLA v(\d+)$")


def words_of(code: str) -> str:
    """A stored code as words: 'wait_on_department' -> 'Wait on department'."""
    return capfirst(code.replace("_", " ").strip())


def action_words(code: str) -> str:
    """What an action did, in words: 'Waiting on department', 'Escalated', 'Resolved'."""
    if code in ACTION_WORDS:
        return ACTION_WORDS[code]
    if code in TICKET_ACTIONS:
        return capfirst(TICKET_ACTIONS[code].verb)
    return words_of(code)


def _contact_words(rest: str) -> str:
    direction, _, channel = rest.partition(" ")
    if direction == Direction.INTERNAL:
        return "internal note"
    if direction in Direction.values and channel in Channel.values:
        return f"{Direction(direction).label.lower()} by {Channel(channel).label.lower()}"
    return rest


def _edit_words(rest: str) -> str:
    names, paren, tail = rest.partition(" (")
    fields = {f.name: str(f.verbose_name) for f in Ticket._meta.fields}
    listed = ", ".join(fields.get(n.strip(), words_of(n).lower()) for n in names.split(","))
    return listed + (paren + tail if paren else "")


def _auto_words(rest: str) -> str:
    match = _AUTO_PRIORITY.match(rest)
    if match and match.group(1) in Priority.values:
        priority, why, version = match.groups()
        return f"priority raised to {Priority(priority).label} ({why}); SLA policy v{version}"
    return rest


_REST_WORDS = {"contact": _contact_words, "edit": _edit_words, "auto": _auto_words}


def reason_text(reason: str) -> str:
    """A history reason as people read it: 'wait_on_department: asked Billing' becomes
    'Waiting on department: asked Billing'; free text after the code is kept as typed."""
    reason = (reason or "").strip()
    code, colon, rest = reason.partition(":")
    if not _CODE.match(code):
        return reason  # not one of ours: say it as it was written
    rest = rest.strip()
    if rest and code in _REST_WORDS:
        rest = _REST_WORDS[code](rest)
    return action_words(code) + (f": {rest}" if colon and rest else "")


# --- the story ------------------------------------------------------------------------


def _communication_entry(c: Communication, ticket: Ticket) -> Entry:
    who = str(c.author) if c.author else ticket.customer.name
    flags = [
        label
        for label, on in [
            ("complaint", c.is_complaint),
            ("asked for a manager", c.asked_for_manager),
            ("threatened to leave", c.threatened_to_leave),
            ("public review", c.public_review),
        ]
        if on
    ]
    text = c.body + (f" [{', '.join(flags)}]" if flags else "")
    kind = c.get_direction_display()
    if c.direction != Direction.INTERNAL:
        kind += f" ({c.get_channel_display().lower()})"
    return Entry(c.created_at, kind, who, text)


def _handoff_entries(e: Escalation) -> list[Entry]:
    entries = [
        Entry(
            e.requested_at,
            "Escalation requested",
            str(e.requested_by),
            f"L{e.from_tier} → L{e.to_tier} ({e.get_trigger_display()}): {e.why_escalating}",
            handoff_items(e),
        )
    ]
    if e.accepted_at:
        entries.append(Entry(e.accepted_at, "Escalation accepted", str(e.accepted_by), ""))
    if e.returned_at:
        entries.append(
            Entry(e.returned_at, "Escalation returned", str(e.returned_by), e.return_reason)
        )
    return entries


def ticket_timeline(
    ticket: Ticket, limit: int = 200, handoffs: list[Escalation] | None = None
) -> list[Entry]:
    """Newest first, in four queries whatever the length (three when the page already
    holds the hand-offs from `ticket_handoffs`)."""
    entries: list[Entry] = []
    for c in (
        Communication.objects.filter(ticket=ticket)
        .select_related("author")
        .order_by("-created_at")[:limit]
    ):
        entries.append(_communication_entry(c, ticket))
    for e in ticket_handoffs(ticket, limit) if handoffs is None else handoffs:
        entries += _handoff_entries(e)
    for r in DepartmentRequest.objects.filter(ticket=ticket).select_related(
        "department", "requested_by"
    )[:limit]:
        entries.append(
            Entry(
                r.created_at,
                "Department request",
                str(r.requested_by),
                f"{r.department}: {r.needed} ({r.get_state_display()})",
            )
        )
        if r.answered_at:
            entries.append(Entry(r.answered_at, "Department answered", str(r.department), r.answer))
    for h in ticket.history.select_related("history_user").order_by("-history_date")[:limit]:
        entries.append(
            Entry(
                h.history_date,
                f"State: {h.get_state_display()}",
                str(h.history_user or "system"),
                reason_text(h.history_change_reason or ""),
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]

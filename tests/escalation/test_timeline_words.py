"""The timeline speaks in words, never in stored codes or seed file numbers (001 Common
Pitfalls, "Poor Handoffs": a next tier that cannot read the story loses it; 003 "Document
all interactions ... for reference")."""

import html
import re

import pytest
from django.urls import reverse

from contacts.models import Department
from escalation import services
from escalation.timeline import reason_text, ticket_timeline
from tests.factories import full_handoff

CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # wait_on_department, record_csat, ...
SEED_NUMBER = re.compile(r"\b00\d\b")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("wait_on_department: asked Billing", "Waiting on department: asked Billing"),
        ("wait_on_customer: Need logs", "Waiting on customer: Need logs"),
        ("open", "Taken into work"),
        ("create", "Created"),
        ("escalate: to L2 senior: Needs DB", "Escalated: to L2 senior: Needs DB"),
        ("accept_escalation", "Escalation accepted"),
        ("return_escalation: no logs", "Escalation returned: no logs"),
        ("reassign: to senior1: cover", "Reassigned: to senior1: cover"),
        ("record_csat: 4", "CSAT recorded: 4"),
        ("reapply_sla: policy v3", "SLA re-targeted: policy v3"),
        ("record_rca", "Root-cause analysis documented"),
        ("contact: outbound email", "Contact logged: to the customer by email"),
        ("contact: inbound phone", "Contact logged: from the customer by phone"),
        ("contact: internal internal", "Contact logged: internal note"),
        (
            "edit: external_reference, priority (SLA re-targeted to policy v2)",
            "Edited: external reference, priority (SLA re-targeted to policy v2)",
        ),
        (
            "auto: priority high (frustrated customer: complaint), SLA v2",
            "Automatic: priority raised to High (frustrated customer: complaint); SLA policy v2",
        ),
        ("incident: linked to #4", "Major incident: linked to #4"),
        ("some_future_step: done", "Some future step: done"),  # a code nobody named yet
        ("Called the customer: all good", "Called the customer: all good"),  # free text
        ("", ""),
    ],
)
def test_history_reasons_read_as_words(stored, shown):
    assert reason_text(stored) == shown


def test_waiting_on_a_department_reads_as_words_on_the_desk(client_as, make_ticket, agent):
    ticket = make_ticket(state="open")
    services.department_request_open(
        ticket=ticket,
        actor=agent,
        department=Department.objects.get(code="billing"),
        needed="Refund decision",
        customer_impact="Charged twice",
        findings="Two captures of the same invoice",
    )
    texts = [e.text for e in ticket_timeline(ticket)]
    assert "Waiting on department: asked Billing" in texts
    page = html.unescape(
        client_as(agent).get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    )
    assert "Waiting on department: asked Billing" in page
    assert "wait_on_department" not in page


def test_no_timeline_entry_shows_a_code(make_ticket, agent, senior, lead):
    ticket = make_ticket(state="open")
    services.communication_log(
        ticket=ticket, actor=agent, direction="outbound", channel="email", body="On it"
    )
    services.ticket_update(ticket=ticket, actor=lead, changes={"external_reference": "ZD-1"})
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="Needs DB", handoff=full_handoff(ticket)
    )
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    ticket = services.ticket_wait_on_customer(ticket=ticket, actor=senior, reason="Need logs")
    for entry in ticket_timeline(ticket):
        for text in (entry.kind, entry.text, *(v for item in entry.items for v in item)):
            assert not CODE.search(text), (entry.kind, text)


def visible_text(response) -> str:
    """What the user reads: the page's text without tags, references and scripts."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"ESC-\d+", "ESC-REF", html.unescape(page))


def test_no_seed_file_number_is_shown_on_the_desk(client_as, make_ticket, agent, senior):
    """Seed numbers (001, 003) are our sources, not words for users."""
    ticket = make_ticket(state="open", code="locked-out-2fa")
    other = make_ticket(state="open")
    services.ticket_escalate(
        ticket=other, actor=agent, to_tier=2, reason="Needs DB", handoff=full_handoff(other)
    )
    urls = {
        agent: [
            reverse("desk:queue"),
            reverse("desk:ticket", args=[ticket.pk]),
            reverse("desk:ticket", args=[other.pk]),
            reverse("desk:ticket_action", args=[ticket.pk, "log_contact"]),
            reverse("desk:ticket_action", args=[ticket.pk, "escalate"]),
            reverse("desk:search") + "?q=Sync",
        ],
        senior: [reverse("desk:queue"), reverse("desk:ticket", args=[other.pk])],
    }
    for user, pages in urls.items():
        client = client_as(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not SEED_NUMBER.search(visible_text(response)), url

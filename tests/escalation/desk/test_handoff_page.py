"""The desk ticket page carries every hand-off in full, so nothing said at one tier is lost
at the next (001 Common Pitfalls, "Poor Handoffs: information lost during transfers";
001 "Internal Escalation Handoff"; 003 "Information to Include in Escalations"; 000 §4.1
"Prepare Escalation ... specific questions for the next tier")."""

import html
import re

from django.urls import reverse

from escalation import services
from tests.factories import full_handoff
from verification import services as verify
from verification.models import SensitiveAction

DESCRIPTION = "Customer replaced their phone and the authenticator app is gone."


def page_of(client, ticket) -> str:
    response = client.get(reverse("desk:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def pending_block(page: str) -> str:
    """The hand-off shown at the top for the tier that must accept it ('' when absent)."""
    match = re.search(r'aria-label="Hand-off waiting for you">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def items(text: str) -> dict[str, str]:
    """Labelled hand-off items (<dt>label</dt><dd>value</dd>) in a piece of the page."""
    return {
        dt: re.sub(r"<br>\s*", "\n", dd)
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", text, re.S)
    }


def verified_locked_out_ticket(make_ticket, agent):
    """An account-access case (003: verify identity first) with the 2 factors it needs."""
    ticket = make_ticket(code="locked-out-2fa", state="open", description=DESCRIPTION)
    check = verify.verification_start(
        subject=ticket.customer,
        action=SensitiveAction.objects.get(code="2fa-removal"),
        actor=agent,
        ticket_id=ticket.pk,
    )
    for kind in ("payment_last4", "creation_date"):
        verify.verification_record_factor(
            request=check, actor=agent, kind=kind, matched=True, method="asked_and_compared"
        )
    return ticket


def test_the_receiving_tier_sees_the_whole_pending_hand_off_at_the_top(
    client_as, make_ticket, agent, senior
):
    """001/003: the next tier gets every item of the hand-off without asking again."""
    ticket = verified_locked_out_ticket(make_ticket, agent)
    handoff = full_handoff(
        ticket,
        troubleshooting="Step 1: resent the code: not received.\nStep 2: reset session: E-42.",
    )
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="Needs the 2FA reset tool", handoff=handoff
    )
    page = page_of(client_as(senior), ticket)
    block = pending_block(page)
    assert block, "the senior tier must see the hand-off waiting for it"
    assert page.index("Hand-off waiting for you") < page.index("<h2>Timeline</h2>")
    shown = items(block)
    assert shown["Summary"] == "Sync stops after 10 minutes"
    assert shown["Impact (what is affected)"] == "Team of 12 cannot see new records"
    assert shown["How long it has been going on"] == "Since Monday 09:00"
    assert shown["Troubleshooting steps taken, with results"] == (
        "Step 1: resent the code: not received.\nStep 2: reset session: E-42."
    )
    assert shown["Why escalating"] == "Needs the 2FA reset tool"
    assert shown["Questions for the next tier"] == "Is the sync worker stuck on this account?"
    assert shown["Customer's expectation"] == "Working sync by tomorrow"
    assert shown["Customer blocked from working"] == "Yes"
    assert shown["Business impact"] == "Sales team works from stale data"
    assert shown["Customer sentiment"] == "Frustrated"
    # The category's items, by their names (003 "Account Access: include ...").
    assert shown["User ID"] == "value for user_id"
    assert shown["Description"] == "value for description"
    assert re.fullmatch(r"verification #\d+: .* verified \(.*\)", shown["Verification details"])
    assert "Requested by agent1" in block and "Accept escalation" in block
    assert DESCRIPTION in page  # the ticket's own description is on the page


def test_everyone_sees_every_hand_off_in_full_in_the_timeline(
    client_as, make_ticket, agent, senior
):
    """001 "Transfer all relevant context": the requester, and later the new owner, read
    the same hand-off in the timeline; only the receiving tier gets it at the top."""
    ticket = make_ticket(state="open", description=DESCRIPTION)
    services.ticket_escalate(
        ticket=ticket,
        actor=agent,
        to_tier=2,
        reason="Needs DB access",
        handoff=full_handoff(ticket),
    )
    agent_page = page_of(client_as(agent), ticket)
    assert pending_block(agent_page) == ""  # not theirs to accept
    assert "waiting to be accepted" in agent_page
    timeline = agent_page[agent_page.index("<h2>Timeline</h2>") :]
    shown = items(timeline)
    assert shown["Why escalating"] == "Needs DB access"
    assert shown["Full diagnostic information"] == "value for diagnostics"
    assert shown["Customer sentiment"] == "Frustrated"
    services.ticket_accept_escalation(ticket=ticket, actor=senior)
    senior_page = page_of(client_as(senior), ticket)
    assert pending_block(senior_page) == ""  # accepted: nothing waits any more
    timeline = senior_page[senior_page.index("<h2>Timeline</h2>") :]
    assert items(timeline)["Questions for the next tier"] == (
        "Is the sync worker stuck on this account?"
    )
    assert "Escalation accepted" in timeline


def test_the_page_costs_the_same_queries_with_one_hand_off_or_many(
    client_as, make_ticket, agent, senior, django_assert_max_num_queries
):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="First try", handoff=full_handoff(ticket)
    )
    client = client_as(senior)
    page_of(client, ticket)  # the first request of a session costs more
    with django_assert_max_num_queries(40) as one:
        page_of(client, ticket)
    for n in range(2):  # returned as incomplete, then handed off again: three hand-offs
        services.ticket_return_escalation(ticket=ticket, actor=senior, reason=f"Missing {n}")
        services.ticket_escalate(
            ticket=ticket,
            actor=agent,
            to_tier=2,
            reason=f"Try {n + 2}",
            handoff=full_handoff(ticket),
        )
    for n in range(10):
        services.communication_log(
            ticket=ticket, actor=agent, direction="internal", channel="internal", body=f"note {n}"
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = page_of(client, ticket)
    assert "Try 3" in pending_block(page)
    assert page.count("<dt>Why escalating</dt>") == 4  # the pending one on top + 3 in the timeline
